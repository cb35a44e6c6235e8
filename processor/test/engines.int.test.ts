/**
 * The configured engines inside the service: dumps walked on the worker
 * pool with symbols from a local folder, the stack-walk and symbol metrics,
 * and the per-walk time limit turning into a note instead of a stall.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readMetric, type Registry } from '@crashstats/common';
import { eventually } from '@crashstats/testkit';
import { startHarness, type Harness } from './support/harness.js';
import { sampleDump } from './support/minidump-sample.js';
import {
  SAMPLE_FUNCTION,
  writeSampleSymbols,
} from './support/sample-symbols.js';

/** `<name>_count` of a histogram. */
async function histogramCount(
  registry: Registry,
  name: string,
): Promise<number> {
  const { values } = await registry.getSingleMetric(name)!.get();
  // Histogram values carry the series name (`_bucket`, `_sum`, `_count`).
  const count = values.find(
    (v) => (v as { metricName?: string }).metricName === `${name}_count`,
  );
  return count?.value ?? 0;
}

async function processDump(h: Harness, dump: Buffer) {
  const crashId = await h.storeCrash(
    { ProductName: 'Engines', Version: '2.0' },
    { upload_file_minidump: dump },
  );
  await h.enqueue('standard', crashId);
  return eventually(
    `crash ${crashId} processed`,
    async () => (await h.processed(crashId)) ?? undefined,
    { timeoutMs: 30_000 },
  );
}

describe('configured engines', { timeout: 120_000 }, () => {
  let h: Harness;
  let symbols: string;
  let registry: Registry;

  before(async () => {
    h = await startHarness();
    symbols = await mkdtemp(join(tmpdir(), 'crashstats-engines-'));
    await writeSampleSymbols(symbols);
    const running = await h.startProcessor(
      { PROCESSOR_SYMBOLS_PATHS: symbols, PROCESSOR_WORKERS: '1' },
      'configured',
    );
    registry = running.registry;
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
    await rm(symbols, { recursive: true, force: true });
  });

  it('walks on the pool, symbolicates and counts symbol use', async () => {
    const first = await processDump(h, sampleDump('amd64').build());
    const json = first.json_dump as {
      crashing_thread: { frames: { function?: string }[] };
    };
    assert.equal(json.crashing_thread.frames[0]?.function, SAMPLE_FUNCTION);
    assert.equal(first.mdsw_status_string, 'OK');
    assert.equal(first.signature, 'CrashHere');

    const second = await processDump(h, sampleDump('amd64').build());
    assert.equal(second.signature, 'CrashHere');

    assert.equal(
      await histogramCount(registry, 'processor_stackwalk_seconds'),
      2,
    );
    const lookups = (result: string) =>
      readMetric(registry, 'processor_symbol_lookups_total', { result });
    assert.equal(await lookups('fetched'), 1, 'read from disk once');
    assert.ok((await lookups('cache_hit')) >= 1, 'then served from memory');
    assert.ok((await readMetric(registry, 'processor_symbol_bytes_total')) > 0);
  });
});

describe('stack-walk time limit', { timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    // Far below what loading a worker and walking takes.
    await h.startProcessor(
      { PROCESSOR_STACKWALK_TIMEOUT_MS: '1', PROCESSOR_WORKERS: '1' },
      'configured',
    );
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('stores the crash with a note instead of stalling', async () => {
    const processed = await processDump(h, sampleDump('x86').build());
    assert.equal(processed.mdsw_status_string, 'ERROR_TIMEOUT');
    const notes = processed.processor_notes as string[];
    assert.ok(
      notes.includes(
        'upload_file_minidump: stack walk failed: JobTimeoutError',
      ),
      JSON.stringify(notes),
    );
    assert.equal(processed.product, 'Engines', 'the other rules still ran');
  });
});
