/**
 * Submits the real minidumps of the shared test corpus in the shapes real
 * crash reporters send. The corpus is not part of the repository; where it
 * is absent these tests skip and say so.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  crashIdOf,
  multipart,
  post,
  startHarness,
  submit,
  type Harness,
} from './support/harness.js';

const corpus =
  process.env.CRASHSTATS_TESTDATA ??
  fileURLToPath(new URL('../../../shared/testdata/minidumps', import.meta.url));
const dumpsDir = join(corpus, 'dumps');
const available = existsSync(dumpsDir);
const skip = available
  ? false
  : `real minidump corpus not found at ${dumpsDir}; skipping`;

function realDumps(): string[] {
  return readdirSync(dumpsDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.dmp'))
    .map((f) => join(dumpsDir, f))
    .sort();
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe(
  'real minidumps from the test corpus',
  { skip, timeout: 120_000 },
  () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h?.[Symbol.asyncDispose]();
    });

    async function expectStored(crashId: string, dump: Buffer) {
      const doc = await h.rawCrash(crashId);
      assert.ok(doc);
      const stored = doc.dumps.find((d) => d.name === 'upload_file_minidump');
      assert.ok(stored);
      assert.ok((await h.dumpBytes(stored.fileId)).equals(dump));
      assert.equal(
        (doc.raw_crash.metadata as { dump_checksums: Record<string, string> })
          .dump_checksums.upload_file_minidump,
        sha256(dump),
      );
      assert.ok((await h.queuedCrashIds()).includes(crashId));
      return doc.raw_crash;
    }

    it('accepts every dump as Crashpad sends it: gzip body, form annotations', async () => {
      const files = realDumps();
      assert.ok(files.length > 0);
      for (const file of files) {
        const dump = readFileSync(file);
        const form = multipart([
          { name: 'prod', value: 'TestApp' },
          { name: 'ver', value: '1.2.3' },
          { name: 'plat', value: 'Linux' },
          { name: 'guid', value: '0f6e8d1c2b3a49587665a4b3c2d1e0f9' },
          {
            name: 'upload_file_minidump',
            value: dump,
            filename: 'upload_file_minidump.dmp',
            contentType: 'application/octet-stream',
          },
        ]);
        const body = gzipSync(form.body);
        const reply = await post(h.url, body, {
          'Content-Type': form.contentType,
          'Content-Encoding': 'gzip',
          'Content-Length': String(body.length),
          'User-Agent': 'Crashpad/0.8.0',
        });
        const raw = await expectStored(crashIdOf(reply), dump);
        assert.equal(raw.prod, 'TestApp', file);
      }
    });

    it('accepts a dump as Firefox sends it: an extra JSON part, any dump content type', async () => {
      const [file] = realDumps();
      const dump = readFileSync(file!);
      const extra = {
        ProductName: 'Firefox',
        Version: '128.0',
        BuildID: '20240701000000',
        ReleaseChannel: 'release',
        CrashTime: '1719915072',
        StartupTime: '1719915000',
        TelemetryEnvironment: JSON.stringify({
          system: { os: { name: 'Windows_NT' } },
        }),
      };
      const reply = await submit(
        h.url,
        multipart([
          {
            name: 'extra',
            value: JSON.stringify(extra),
            contentType: 'application/json',
          },
          {
            name: 'upload_file_minidump',
            value: dump,
            filename: 'a.dmp',
            contentType: 'application/x-minidump',
          },
        ]),
        { 'User-Agent': 'Firefox crash reporter' },
      );
      const raw = await expectStored(crashIdOf(reply), dump);
      assert.equal(raw.ProductName, 'Firefox');
      assert.equal(raw.BuildID, '20240701000000');
      const metadata = raw.metadata as Record<string, unknown>;
      assert.equal(metadata.payload, 'json');
      assert.deepEqual(metadata.collector_notes, [
        'upload_file_minidump has content type application/x-minidump',
      ]);
    });
  },
);
