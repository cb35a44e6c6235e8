/**
 * Bounded fuzzing of the stack walker over mutated dumps (synthetic ones
 * always, the real corpus where present): no exception escapes, no case
 * runs over its time limit, and the heap stays bounded.
 * CRASHSTATS_FUZZ_CASES and CRASHSTATS_FUZZ_SEED change the run; the
 * long-run script is scripts/fuzz-minidumps.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
} from '../src/symbols/index.js';
import { corpusRoot, corpusSkip } from './minidump/corpus.js';
import { fuzzInputs, runFuzz } from './support/fuzz-runner.js';

const CASES = Number(process.env.CRASHSTATS_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.CRASHSTATS_FUZZ_SEED ?? 20261203);
const TIME_LIMIT_MS = 2_000;
/** Heap in use after a full collection, at any point of the run. */
const HEAP_LIMIT_BYTES = 256 * 1024 * 1024;
/** Growth of that heap from the first thousand cases to the end. */
const HEAP_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;

describe('stack walker fuzzing', () => {
  it(`survives ${CASES} mutated dumps`, { timeout: 20 * 60_000 }, async () => {
    if (corpusSkip) {
      // The synthetic dumps still run; only the real ones are missing.
      console.log(`${corpusSkip} (fuzzing synthetic dumps only)`);
    }
    const inputs = fuzzInputs(
      corpusSkip ? undefined : join(corpusRoot, 'dumps'),
    );
    const symbols = corpusSkip
      ? undefined
      : new CachingSymbolSupplier({
          sources: [new LocalSymbolSource(join(corpusRoot, 'symbols'))],
        });
    const report = await runFuzz({
      seed: SEED,
      cases: CASES,
      inputs,
      symbols,
      timeLimitMs: TIME_LIMIT_MS,
    });
    const summary = {
      cases: report.cases,
      inputs: inputs.length,
      statuses: report.statuses,
      slowestMs: Math.round(report.slowestMs),
      totalMs: Math.round(report.totalMs),
      peakHeapMb: Math.round(report.peakHeapBytes / 2 ** 20),
    };
    console.log(`fuzz summary: ${JSON.stringify(summary)}`);
    assert.equal(report.cases, CASES);
    assert.deepEqual(
      report.failures.slice(0, 5),
      [],
      `seed ${SEED}: ${report.failures.length} failing cases`,
    );
    assert.ok(
      report.peakHeapBytes < HEAP_LIMIT_BYTES,
      `heap reached ${summary.peakHeapMb} MiB`,
    );
    assert.ok(
      report.peakHeapBytes - report.firstHeapBytes < HEAP_GROWTH_LIMIT_BYTES,
      `heap grew from ${report.firstHeapBytes} to ${report.peakHeapBytes} bytes`,
    );
    // The mutations must not all be rejected at the header: most cases
    // have to reach the walker proper for the run to mean anything.
    const walked =
      report.cases - (report.statuses.ERROR_NO_MINIDUMP_HEADER ?? 0);
    assert.ok(walked > report.cases / 2, JSON.stringify(report.statuses));
  });
});
