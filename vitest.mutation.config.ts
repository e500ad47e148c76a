import { defineConfig } from 'vitest/config';
import { pureModules } from './stryker.config.mjs';

/**
 * Only the unit tests of the pure modules under mutation testing: no database, no global
 * setup, so Stryker can rerun them for every mutant in milliseconds.
 */
export default defineConfig({
  test: {
    include: pureModules.flatMap((module) => module.tests),
    setupFiles: ['test/support/mutation-setup.ts'],
    pool: 'threads',
    fileParallelism: true,
  },
});
