import { defineConfig } from 'vitest/config';

// Browser tests: Chromium (Debian's, driven by playwright-core) against the real
// server. `npm run test:e2e` builds the page script first.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
