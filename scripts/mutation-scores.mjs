// Prints each mutated module's score from Stryker's JSON report and fails when any one
// is below the minimum: Stryker's own `thresholds.break` looks only at the total.
import { readFileSync, statSync } from 'node:fs';
import { MINIMUM_SCORE, pureModules } from '../stryker.config.mjs';

const REPORT = 'test-results/mutation/mutation.json';
const report = JSON.parse(readFileSync(REPORT, 'utf8'));
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

let failing = 0;
console.log(`mutation scores (${REPORT}, ${statSync(REPORT).mtime.toISOString()}):`);
for (const { source } of pureModules) {
  const mutants = report.files[source]?.mutants ?? [];
  const detected = mutants.filter((mutant) => DETECTED.has(mutant.status)).length;
  const valid = detected + mutants.filter((mutant) => UNDETECTED.has(mutant.status)).length;
  // A listed module with no mutants at all means the report does not cover it.
  const score = valid === 0 ? 0 : (100 * detected) / valid;
  const ok = valid > 0 && score >= MINIMUM_SCORE;
  if (!ok) failing += 1;
  console.log(`  ${ok ? 'ok  ' : 'LOW '} ${score.toFixed(2).padStart(6)}%  ${detected}/${valid}  ${source}`);
}
console.log(`mutation: ${failing === 0 ? 'every module' : `${failing} module(s) not`} at or above ${MINIMUM_SCORE}%`);
process.exit(failing === 0 ? 0 : 1);
