import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    // Each file gets its own database (a PGlite copy, or a database made from a
    // migrated template on the server), so files run in parallel.
    pool: 'forks',
    fileParallelism: true,
    // Most of a test's time is spent waiting on the database or a socket, so more
    // workers than cores keeps both cores busy.
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
