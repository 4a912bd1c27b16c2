import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Component tests need a DOM; the shared config targets Node services, so only its
// resolution conditions (TypeScript sources of sibling packages) are reused here.
export default defineProject({
  plugins: [react()],
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  test: {
    ...sharedTestConfig.test,
    include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'],
    environment: 'jsdom',
    setupFiles: ['src/test/setup.ts'],
  },
});
