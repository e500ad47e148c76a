import fc from 'fast-check';

// Under mutation testing every surviving mutant reruns the property tests: fewer runs
// keep the whole run short, and a fixed seed makes a mutant's fate the same every run.
fc.configureGlobal({ numRuns: 25, seed: 20261203 });
