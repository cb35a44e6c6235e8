/**
 * The whole path on real servers, with both services as the programs they
 * are: a crash is submitted over HTTP to the collector, stored and queued,
 * then walked, symbolicated and signed by the processor, and the processed
 * crash is stored.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProcessedCrashDocument } from '@crashstats/common';
import { eventually, freePort } from '@crashstats/testkit';
import { corpusFile, corpusRoot, corpusSkip } from './minidump/corpus.js';
import { repoRoot, startHarness, type Harness } from './support/harness.js';
import { sampleDump } from './support/minidump-sample.js';
import {
  SAMPLE_FUNCTION,
  writeSampleSymbols,
} from './support/sample-symbols.js';

async function submit(
  url: string,
  annotations: Record<string, string>,
  dump: Buffer,
): Promise<string> {
  const form = new FormData();
  for (const [key, value] of Object.entries(annotations)) {
    form.append(key, value);
  }
  form.append(
    'upload_file_minidump',
    new Blob([dump], { type: 'application/octet-stream' }),
    'crash.dmp',
  );
  const res = await fetch(`${url}/submit`, { method: 'POST', body: form });
  const body = await res.text();
  assert.equal(res.status, 200, body);
  const crashId = /^CrashID=bp-(.+)\n$/.exec(body)?.[1];
  assert.ok(crashId, `unexpected reply ${JSON.stringify(body)}`);
  return crashId;
}

function frames(doc: ProcessedCrashDocument): Record<string, unknown>[] {
  const json = doc.json_dump as {
    crashing_thread?: { frames?: Record<string, unknown>[] };
  };
  return json.crashing_thread?.frames ?? [];
}

describe('collector → stream → processor', { timeout: 120_000 }, () => {
  let h: Harness;
  let collector: ChildProcess;
  let url: string;
  let symbolsDir: string;
  const processedWithin = (crashId: string) =>
    eventually(
      `crash ${crashId} processed`,
      async () => (await h.processed(crashId)) ?? undefined,
      { timeoutMs: 30_000 },
    );

  before(async () => {
    h = await startHarness();
    symbolsDir = await mkdtemp(join(tmpdir(), 'crashstats-system-'));
    await writeSampleSymbols(symbolsDir);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    collector = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'collector/src/main.ts'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          ...h.env,
          COLLECTOR_HOST: '127.0.0.1',
          COLLECTOR_PORT: String(port),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const paths = [symbolsDir, corpusSkip ? '' : join(corpusRoot, 'symbols')];
    h.spawnProcessor({
      PROCESSOR_SYMBOLS_PATHS: paths.filter(Boolean).join(','),
      PROCESSOR_WORKERS: '1',
    });
    await eventually(
      'collector up',
      async () =>
        (await fetch(`${url}/__lbheartbeat__`).catch(() => undefined))?.ok ===
        true,
      { timeoutMs: 30_000 },
    );
  });

  after(async () => {
    collector?.kill('SIGKILL');
    await h?.[Symbol.asyncDispose]();
    await rm(symbolsDir, { recursive: true, force: true });
  });

  it('processes a submitted crash into a symbolicated, signed document', async () => {
    const submitted = Date.now();
    const crashId = await submit(
      url,
      {
        ProductName: 'SystemTest',
        Version: '1.0',
        ReleaseChannel: 'nightly',
        BuildID: '20261201000000',
      },
      sampleDump('amd64').build(),
    );
    const doc = await processedWithin(crashId);
    const latencyMs = Date.now() - submitted;
    console.log(`submitted → processed crash visible: ${latencyMs} ms`);
    assert.equal(doc.uuid, crashId);
    assert.equal(doc.product, 'SystemTest');
    assert.equal(doc.version, '1.0');
    assert.equal(doc.release_channel, 'nightly');
    assert.equal(doc.success, true);
    assert.equal(doc.os_name, 'Linux');
    assert.equal(doc.cpu_arch, 'amd64');
    const top = frames(doc)[0];
    assert.equal(top?.function, SAMPLE_FUNCTION);
    assert.equal(top?.file, 'src/crash.cc');
    assert.equal(top?.line, 42);
    assert.equal(doc.signature, 'CrashHere');
    assert.match(String(doc.modules_in_stack), /app\/4242/);
  });

  it(
    'processes a real Windows dump with its symbols',
    {
      skip: corpusSkip,
    },
    async () => {
      const crashId = await submit(
        url,
        { ProductName: 'TestApp', Version: '1.0' },
        corpusFile('dumps/windows-x86/test.dmp'),
      );
      const doc = await processedWithin(crashId);
      assert.equal(doc.success, true);
      assert.equal(doc.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
      assert.equal(doc.address, '0x00000045');
      assert.equal(doc.crashing_thread, 0);
      const top = frames(doc)[0];
      assert.equal(top?.module, 'test_app.exe');
      assert.equal(top?.function, "`anonymous namespace'::CrashFunction");
      assert.equal(top?.file, 'c:\\test_app.cc');
      assert.equal(top?.line, 58);
      assert.equal(doc.os_name, 'Windows NT');
      assert.equal(doc.cpu_arch, 'x86');
      // The signature generator spells MSVC's anonymous namespace the GCC way.
      assert.equal(doc.signature, '(anonymous namespace)::CrashFunction');
    },
  );
});
