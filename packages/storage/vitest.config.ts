import { defineProject } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// Without the shared 'module' condition: with it, @aws-sdk/* resolve to their bundler-only dist-es
// builds (extensionless imports) and Node cannot load them. TODO(lead): drop 'module' in vitest.shared.ts.
const conditions = ['source', 'node', 'development|production'];

export default defineProject({
  ...sharedTestConfig,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
});
