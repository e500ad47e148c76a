// @ts-check
/**
 * Mutation testing (`npm run test:mutation`): Stryker changes one operator, condition or
 * string at a time in the modules below and reruns their unit tests; a change no test
 * notices is a surviving mutant. See docs/TESTING.md.
 *
 * To add a module: it must be pure (no database, network or clock it does not take as an
 * argument) and have its own unit tests. Add one line here; nothing else changes.
 */
export const pureModules = [
  { source: 'src/http/gzip-parts.ts', tests: ['test/http/gzip-parts.test.ts'] },
  { source: 'src/comments/comment-tree.ts', tests: ['test/comments/comment-tree.test.ts'] },
  { source: 'src/comments/sanitize.ts', tests: ['test/comments/sanitize.test.ts'] },
  { source: 'src/moderation/rules.ts', tests: ['test/moderation/rules.test.ts'] },
  { source: 'src/moderation/ip-range.ts', tests: ['test/moderation/ip-range.test.ts'] },
  { source: 'src/captcha/challenge.ts', tests: ['test/captcha/challenge.test.ts'] },
  { source: 'src/posts/post-text.ts', tests: ['test/posts/post-text.test.ts'] },
  { source: 'src/posts/open-questions.ts', tests: ['test/posts/open-questions.test.ts'] },
  { source: 'src/comments/thread-order.ts', tests: ['test/comments/thread-order.test.ts'] },
  { source: 'src/live/catch-up.ts', tests: ['test/live/catch-up-plan.test.ts'] },
];

/** Every listed module must score at least this (scripts/mutation-scores.mjs checks each one). */
export const MINIMUM_SCORE = 90;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: pureModules.map((module) => module.source),
  // Each mutant runs only the tests that reach its code.
  coverageAnalysis: 'perTest',
  // A mutant in a top-level constant (a word list, a regular expression built once) can
  // only be tried by reloading the module and rerunning every test that imports it: a
  // fifth of the mutants and three quarters of the time. CI leaves them out to stay
  // within minutes; `npm run test:mutation:all` tries them too (see docs/TESTING.md).
  ignoreStatic: process.env.STRYKER_STATIC !== 'true',
  // The machine has two cores.
  concurrency: 2,
  // The unit tests take milliseconds; a mutant that makes a loop endless is cut short.
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true },
  thresholds: { high: 95, low: MINIMUM_SCORE, break: MINIMUM_SCORE },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  incremental: false,
};
