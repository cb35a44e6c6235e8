/**
 * Long fuzzing runs of the stack walker, for nights rather than CI:
 *   npm run fuzz:minidumps -- --cases 100000 [--seed N] [--first N]
 *     [--corpus DIR] [--time-limit-ms MS]
 * Prints progress every 5,000 cases and a JSON report at the end; exits 1
 * when any case failed, listing how to replay it.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
} from '../processor/src/symbols/index.js';
import { corpusRoot } from '../processor/test/minidump/corpus.js';
import { fuzzInputs, runFuzz } from '../processor/test/support/fuzz-runner.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    first: { type: 'string', default: '0' },
    corpus: { type: 'string', default: corpusRoot },
    'time-limit-ms': { type: 'string', default: '2000' },
  },
});

function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} wants a whole number, not "${text}"`);
  }
  return n;
}

const seed = count('seed', values.seed);
const inputs = fuzzInputs(join(values.corpus, 'dumps'));
const symbols = new CachingSymbolSupplier({
  sources: [new LocalSymbolSource(join(values.corpus, 'symbols'))],
});
console.log(
  `fuzzing ${values.cases} cases from seed ${seed} over ${inputs.length} dumps`,
);
const report = await runFuzz({
  seed,
  cases: count('cases', values.cases),
  firstCase: count('first', values.first),
  inputs,
  symbols,
  timeLimitMs: count('time-limit-ms', values['time-limit-ms']),
  progressEvery: 5000,
  onProgress: (done, r) => {
    const rate = done / (r.totalMs / 1000);
    console.log(
      `${done} cases, ${r.failures.length} failures, ${rate.toFixed(0)} cases/s, ` +
        `slowest ${r.slowestMs.toFixed(0)} ms, retained heap ${(r.peakHeapBytes / 2 ** 20).toFixed(0)} MiB`,
    );
  },
});
console.log(
  JSON.stringify(
    {
      seed,
      cases: report.cases,
      failures: report.failures.length,
      statuses: report.statuses,
      mutations: report.mutations,
      slowestMs: Math.round(report.slowestMs),
      slowestCase: report.slowestCase,
      totalSeconds: Math.round(report.totalMs / 1000),
      retainedHeapMiB: {
        first: Math.round(report.firstHeapBytes / 2 ** 20),
        peak: Math.round(report.peakHeapBytes / 2 ** 20),
      },
    },
    null,
    2,
  ),
);
for (const f of report.failures.slice(0, 20)) {
  console.log(
    `FAILED case ${f.caseIndex} (${f.input}, ${f.mutation}, ${f.kind}): ` +
      `replay with --seed ${seed} --first ${f.caseIndex} --cases 1\n${f.detail}`,
  );
}
process.exitCode = report.failures.length > 0 ? 1 : 0;
