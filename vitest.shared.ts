import type { ViteUserConfig } from 'vitest/config';

/**
 * Workspace packages export `source` (TypeScript) ahead of `default` (built JS), so tests run
 * against the sources without a build step while `node dist/...` uses the compiled output.
 * No `module` condition: packages such as the AWS SDK point it at extensionless ESM that Node
 * itself cannot load once vitest externalises them.
 */
const conditions = ['source', 'node'];

export const sharedTestConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['src/**/*.spec.ts', 'src/**/*.medium-spec.ts', 'test/**/*.spec.ts', 'test/**/*.medium-spec.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
} satisfies ViteUserConfig;
