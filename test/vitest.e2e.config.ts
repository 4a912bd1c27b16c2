import { defineConfig } from 'vitest/config';

/** End-to-end tests: real processes (node dist/), real ffmpeg, real Chromium; one file at a time on 2 cores. */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e-spec.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
