import type { UserConfig } from 'vitest/config';

/**
 * Workspace packages export `source` (TypeScript) ahead of `default` (built JS), so tests run
 * against the sources without a build step while `node dist/...` uses the compiled output.
 */
export const sharedTestConfig = {
  resolve: { conditions: ['source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'], externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.spec.ts', 'src/**/*.medium-spec.ts', 'test/**/*.spec.ts', 'test/**/*.medium-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
} satisfies UserConfig;
