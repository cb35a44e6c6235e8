/**
 * crashstats-tools, the command-line tools written for Mozilla's Crash
 * Stats, run unmodified against a CrashStats web app. Crashes go through
 * the real collector and processor (both run as the programs they are);
 * more processed crashes, stored with the processor's storage code, make
 * Super Search answer in several pages.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  Collections,
  createCrashId,
  ProcessedCrashStorage,
  type ProcessedCrashDocument,
} from '@crashstats/common';
import { freePort } from '@crashstats/testkit';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';
import { pythonTool } from '../support/python-tool.js';

const execFileAsync = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const TOOLS_VERSION = '2.1.0';
/** Crashes through the collector and processor. */
const SUBMITTED = 4;
/** Processed crashes stored directly, so results span more than one 1,000-hit page. */
const STORED = 1_150;

describe('crashstats-tools against CrashStats', { timeout: 600_000 }, () => {
  let h: WebappHarness;
  let bin: string;
  let token: string;
  let collectorUrl: string;
  const children: ChildProcess[] = [];
  const submitted: string[] = [];
  const dumps = new Map<string, Buffer>();
  let outDir: string;

  const tool = async (
    name: string,
    args: string[],
    options: { token?: boolean } = {},
  ) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      COLUMNS: '200',
    };
    if (options.token !== false) {
      env.CRASHSTATS_API_TOKEN = token;
    } else {
      delete env.CRASHSTATS_API_TOKEN;
    }
    const { stdout } = await execFileAsync(
      join(bin, name),
      ['--host', h.url, ...args],
      {
        env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
    );
    return stdout;
  };

  before(async () => {
    bin = await pythonTool('crashstats-tools', TOOLS_VERSION);
    h = await startWebappHarness({
      WEBAPP_RATE_LIMIT_AUTHENTICATED: '0',
      WEBAPP_RATE_LIMIT_ANONYMOUS: '0',
    });
    token = await h.tokenWith([
      'view_pii',
      'view_rawdump',
      'reprocess_crashes',
    ]);
    outDir = await mkdtemp(join(tmpdir(), 'crashstats-tools-'));
    const port = await freePort();
    collectorUrl = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ...h.env, LOG_LEVEL: 'warn' };
    children.push(
      spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'collector/src/main.ts'],
        {
          cwd: repo,
          env: {
            ...env,
            COLLECTOR_HOST: '127.0.0.1',
            COLLECTOR_PORT: String(port),
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
      spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'processor/src/main.ts'],
        {
          cwd: repo,
          env: {
            ...env,
            PROCESSOR_HOST: '127.0.0.1',
            PROCESSOR_PORT: '0',
            PROCESSOR_WORKERS: '1',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
    );
    for (let wait = 0; ; wait++) {
      const up = await fetch(`${collectorUrl}/__lbheartbeat__`).catch(
        () => undefined,
      );
      if (up?.ok) {
        break;
      }
      assert.ok(wait < 300, 'collector did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < SUBMITTED; i++) {
      const dump = randomBytes(2048);
      const form = new FormData();
      form.append('ProductName', 'ToolsTest');
      form.append('Version', i % 2 === 0 ? '1.0' : '2.0');
      form.append('ReleaseChannel', 'nightly');
      form.append('URL', 'https://private.example/page');
      form.append('upload_file_minidump', new Blob([dump]), 'crash.dmp');
      const res = await fetch(`${collectorUrl}/submit`, {
        method: 'POST',
        body: form,
      });
      const id = /^CrashID=bp-(.+)\n$/.exec(await res.text())?.[1];
      assert.ok(id);
      submitted.push(id);
      dumps.set(id, dump);
    }
    const processed = h.db.collection(Collections.processedCrashes);
    for (
      let wait = 0;
      (await processed.countDocuments({ uuid: { $in: submitted } })) <
      SUBMITTED;
      wait++
    ) {
      assert.ok(
        wait < 600,
        'the processor did not process the submitted crashes',
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    const storage = new ProcessedCrashStorage(h.db);
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < STORED; i++) {
      const uuid = createCrashId(new Date(base), 0, randomUUID);
      const doc: ProcessedCrashDocument = {
        _id: uuid,
        uuid,
        product: 'PagingTest',
        version: '3.0',
        signature: `sig${i % 7}`,
        date_processed: new Date(base + i * 1000),
      };
      await storage.save(doc);
    }
  });

  after(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await rm(outDir, { recursive: true, force: true });
    await h?.[Symbol.asyncDispose]();
  });

  it('supersearch lists every crash, over several pages', async () => {
    const out = await tool('supersearch', [
      '--num',
      'all',
      '--product',
      'PagingTest',
      '--no-headers',
    ]);
    const ids = out.trim().split('\n');
    assert.equal(ids.length, STORED);
    const stored = await h.db
      .collection(Collections.processedCrashes)
      .find({ product: 'PagingTest' }, { projection: { uuid: 1 } })
      .toArray();
    assert.deepEqual(
      new Set(ids),
      new Set(stored.map((d) => d.uuid as string)),
    );
  });

  it('supersearch returns the columns asked for, newest first', async () => {
    const out = await tool('supersearch', [
      '--num',
      '10',
      '--product',
      'ToolsTest',
      '--_columns',
      'uuid',
      '--_columns',
      'version',
      '--_columns',
      'signature',
      '--format',
      'csv',
      '--headers',
    ]);
    const [header, ...rows] = out.trim().split(/\r?\n/);
    assert.equal(header, 'uuid,version,signature');
    assert.deepEqual(
      new Set(rows.map((r) => r.split(',')[0])),
      new Set(submitted),
    );
    for (const row of rows) {
      const [id, version, signature] = row.split(',');
      assert.equal(version, submitted.indexOf(id!) % 2 === 0 ? '1.0' : '2.0');
      assert.ok(signature && signature.length > 0, row);
    }
  });

  it('supersearchfacet counts terms as the server holds them', async () => {
    const out = await tool(
      'supersearchfacet',
      ['--product', 'PagingTest', '--_facets', 'signature', '--format', 'json'],
      {
        token: false,
      },
    );
    const rows = (
      JSON.parse(out) as { signature: { signature: string; count: number }[] }
    ).signature;
    const counts = Object.fromEntries(rows.map((r) => [r.signature, r.count]));
    for (let s = 0; s < 7; s++) {
      const expected = Math.floor(STORED / 7) + (s < STORED % 7 ? 1 : 0);
      assert.equal(counts[`sig${s}`], expected, `sig${s}`);
    }
    assert.equal(counts.total, STORED);
  });

  it('fetch-data saves the raw crash, its dump and the processed crash', async () => {
    const id = submitted[0]!;
    await tool('fetch-data', ['--raw', '--dumps', '--processed', outDir, id]);
    const raw = JSON.parse(
      await readFile(
        join(outDir, 'raw_crash', `20${id.slice(-6)}`, id),
        'utf8',
      ),
    ) as Record<string, unknown>;
    assert.equal(raw.ProductName, 'ToolsTest');
    assert.equal(raw.URL, 'https://private.example/page');
    const dump = await readFile(join(outDir, 'upload_file_minidump', id));
    assert.deepEqual(dump, dumps.get(id));
    const processed = JSON.parse(
      await readFile(join(outDir, 'processed_crash', id), 'utf8'),
    ) as Record<string, unknown>;
    const stored = await h.db
      .collection(Collections.processedCrashes)
      .findOne({ uuid: id });
    assert.equal(processed.signature, stored?.signature);
    assert.equal(processed.product, 'ToolsTest');
    assert.deepEqual(await readdir(join(outDir, 'dump_names')), [id]);
  });

  it('reprocess sends crashes to the reprocess queue', async () => {
    const before = await h.drainQueue('reprocess');
    assert.deepEqual(before, []);
    await tool('reprocess', [
      '--allow-many',
      '--sleep',
      '0',
      submitted[1]!,
      submitted[2]!,
    ]);
    const queued = await h.drainQueue('reprocess');
    assert.deepEqual(
      queued.map((m) => m.payload).sort(),
      [submitted[1], submitted[2]].sort(),
    );
  });
});
