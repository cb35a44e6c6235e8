import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isValidCrashId, originalKeys, readMetric } from '@crashstats/common';
import {
  crashIdOf,
  dumpPart,
  multipart,
  post,
  startHarness,
  submit,
  type Harness,
} from './support/harness.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe(
  'POST /submit with real NATS and MongoDB',
  { timeout: 120_000 },
  () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    it('stores the raw crash and byte-identical dumps, and queues the id', async () => {
      const minidump = randomBytes(300_000);
      const browser = randomBytes(70_000);
      const form = multipart([
        { name: 'ProductName', value: 'Firefox' },
        { name: 'Version', value: '128.0' },
        { name: 'Email', value: 'someone@example.com' },
        dumpPart('upload_file_minidump', minidump),
        dumpPart('upload_file_minidump_browser', browser),
      ]);
      const reply = await submit(h.url, form, {
        'User-Agent': 'crashreporter/1.0',
      });
      assert.equal(reply.status, 200);
      assert.match(reply.headers['content-type'] as string, /^text\/plain/);
      const crashId = crashIdOf(reply);
      assert.ok(isValidCrashId(crashId, true));

      const doc = await h.rawCrash(crashId);
      assert.ok(doc, 'raw crash stored');
      const raw = doc.raw_crash;
      assert.equal(raw.uuid, crashId);
      assert.equal(raw.ProductName, 'Firefox');
      assert.equal(raw.Version, '128.0');
      assert.equal(raw.version, 2);
      assert.match(
        String(raw.submitted_timestamp),
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/,
      );
      assert.equal('Email' in raw, false, 'Email is removed before storage');
      assert.deepEqual(
        Object.keys(raw),
        [...Object.keys(raw)].sort(),
        'keys are sorted',
      );
      assert.deepEqual(
        Object.keys(raw.metadata as object),
        [
          'collector_notes',
          'dump_checksums',
          'payload',
          'payload_compressed',
          'payload_size',
          'throttle_rule',
          'user_agent',
        ],
        'metadata keys are sorted too',
      );
      assert.deepEqual(raw.metadata, {
        payload: 'multipart',
        payload_compressed: '0',
        payload_size: form.body.length,
        collector_notes: ['Removed Email from raw crash.'],
        dump_checksums: {
          upload_file_minidump: sha256(minidump),
          upload_file_minidump_browser: sha256(browser),
        },
        user_agent: 'crashreporter/1.0',
        throttle_rule: 'accept_everything',
      });

      const byName = new Map(doc.dumps.map((d) => [d.name, d]));
      for (const [name, bytes] of [
        ['upload_file_minidump', minidump],
        ['upload_file_minidump_browser', browser],
      ] as const) {
        const stored = byName.get(name);
        assert.ok(stored, `${name} stored`);
        const back = await h.dumpBytes(stored.fileId);
        assert.ok(back.equals(bytes), `${name} is byte-identical`);
        assert.equal(stored.sha256, sha256(back));
        assert.equal(stored.size, bytes.length);
      }
      assert.equal(doc.queued, true);
      assert.ok(
        (await h.queuedCrashIds()).includes(crashId),
        'id on the stream',
      );
    });

    it('accepts a whole-body gzip submission', async () => {
      const minidump = randomBytes(50_000);
      const form = multipart([
        {
          name: 'extra',
          value: JSON.stringify({ ProductName: 'Gz', Version: '1' }),
          contentType: 'application/json',
        },
        dumpPart('upload_file_minidump', minidump),
      ]);
      const body = gzipSync(form.body);
      const reply = await post(h.url, body, {
        'Content-Type': form.contentType,
        'Content-Encoding': 'gzip',
        'Content-Length': String(body.length),
      });
      const doc = await h.rawCrash(crashIdOf(reply));
      assert.ok(doc);
      const metadata = doc.raw_crash.metadata as Record<string, unknown>;
      assert.equal(metadata.payload, 'json');
      assert.equal(metadata.payload_compressed, '1');
      assert.equal(metadata.payload_size, body.length);
      assert.ok((await h.dumpBytes(doc.dumps[0]!.fileId)).equals(minidump));
    });

    it('reads annotations from one JSON part, values kept as sent', async () => {
      const extra = {
        ProductName: 'App',
        Version: '2.0',
        TelemetryEnvironment: '{"a":1}',
      };
      const reply = await submit(
        h.url,
        multipart([
          {
            name: 'extra',
            value: JSON.stringify(extra),
            contentType: 'application/json',
          },
          dumpPart('upload_file_minidump', randomBytes(1000)),
        ]),
      );
      const raw = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      assert.equal(raw.ProductName, 'App');
      assert.equal(raw.TelemetryEnvironment, '{"a":1}');
      assert.equal((raw.metadata as Record<string, unknown>).payload, 'json');
    });

    it('stores JSON annotations that are not strings as sent, keys sorted', async () => {
      const reply = await submit(
        h.url,
        multipart([
          {
            name: 'extra',
            value:
              '{"ProductName":"App","Count":3,"Flag":true,"Nested":{"z":1,"a":[{"y":2,"b":1}]}}',
            contentType: 'application/json',
          },
        ]),
      );
      const raw = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      assert.equal(raw.Count, 3);
      assert.equal(raw.Flag, true);
      assert.deepEqual(raw.Nested, { a: [{ b: 1, y: 2 }], z: 1 });
      const nested = raw.Nested as { a: object[] };
      assert.deepEqual(Object.keys(nested), ['a', 'z']);
      assert.deepEqual(Object.keys(nested.a[0]!), ['b', 'y']);
    });

    it('accepts annotation names no MongoDB key may hold, and keeps them', async () => {
      const extra = {
        $Dollar: 'd',
        'Dotted.Name': 'x',
        Nested: { 'uBlock0@raymondhill.net': { 'per%cent': 1 } },
        ProductName: 'App',
      };
      const reply = await submit(
        h.url,
        multipart([
          {
            name: 'extra',
            value: JSON.stringify(extra),
            contentType: 'application/json',
          },
        ]),
      );
      assert.equal(reply.status, 200, reply.body);
      const stored = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      // Stored escaped, read back as sent.
      assert.equal(stored['Dotted%2EName'], 'x');
      const annotations = originalKeys(stored);
      assert.deepEqual(
        Object.fromEntries(Object.keys(extra).map((k) => [k, annotations[k]])),
        extra,
      );
      const form = await submit(
        h.url,
        multipart([
          { name: 'ProductName', value: 'App' },
          { name: 'Form.Name', value: 'y' },
        ]),
      );
      assert.equal(form.status, 200, form.body);
      const formRaw = originalKeys(
        (await h.rawCrash(crashIdOf(form)))!.raw_crash,
      );
      assert.equal(formRaw['Form.Name'], 'y');
    });

    it('accepts multipart/mixed as well as multipart/form-data', async () => {
      const minidump = randomBytes(5000);
      const form = multipart([
        { name: 'ProductName', value: 'Mixed' },
        dumpPart('upload_file_minidump', minidump),
      ]);
      const reply = await submit(h.url, {
        body: form.body,
        contentType: form.contentType.replace(
          'multipart/form-data',
          'multipart/mixed',
        ),
      });
      const doc = (await h.rawCrash(crashIdOf(reply)))!;
      assert.equal(doc.raw_crash.ProductName, 'Mixed');
      assert.ok((await h.dumpBytes(doc.dumps[0]!.fileId)).equals(minidump));
    });

    it('accepts JSON and form annotations together, with a note', async () => {
      const reply = await submit(
        h.url,
        multipart([
          { name: 'Before', value: 'dropped' },
          {
            name: 'extra',
            value: JSON.stringify({ ProductName: 'Mix' }),
            contentType: 'application/json',
          },
          { name: 'After', value: 'kept' },
        ]),
      );
      const raw = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      assert.equal(raw.ProductName, 'Mix');
      assert.equal(raw.After, 'kept');
      assert.equal(
        'Before' in raw,
        false,
        'the JSON part replaces earlier form annotations',
      );
      assert.deepEqual(
        (raw.metadata as Record<string, unknown>).collector_notes,
        ['includes annotations in both json-encoded extra and formdata parts'],
      );
    });

    it('keeps dumps of any content type and notes the unusual ones', async () => {
      const report = randomBytes(2000);
      const reply = await submit(
        h.url,
        multipart([
          { name: 'ProductName', value: 'Any' },
          dumpPart('memory_report', report, 'application/gzip'),
          {
            name: 'upload_file_minidump',
            value: randomBytes(100),
            contentType: 'application/x-dmp',
          },
        ]),
      );
      const doc = (await h.rawCrash(crashIdOf(reply)))!;
      assert.deepEqual(doc.dumps.map((d) => d.name).sort(), [
        'memory_report',
        'upload_file_minidump',
      ]);
      assert.deepEqual(
        (doc.raw_crash.metadata as Record<string, unknown>).collector_notes,
        [
          'memory_report has content type application/gzip',
          'upload_file_minidump has content type application/x-dmp',
        ],
      );
    });

    it('sanitizes dump names and drops parts without a name', async () => {
      const reply = await submit(
        h.url,
        multipart([
          { name: 'ProductName', value: 'Names' },
          dumpPart('upload-file minidump/../x!!', randomBytes(10)),
          dumpPart('a'.repeat(40), randomBytes(10)),
          { name: '', value: 'nameless', contentType: 'text/plain' },
        ]),
      );
      const doc = (await h.rawCrash(crashIdOf(reply)))!;
      assert.deepEqual(doc.dumps.map((d) => d.name).sort(), [
        'a'.repeat(30),
        'uploadfileminidumpx',
      ]);
    });

    it('records a note for a form value that is not UTF-8', async () => {
      const reply = await submit(
        h.url,
        multipart([
          { name: 'ProductName', value: 'Bytes' },
          {
            name: 'Odd',
            value: Buffer.from([0x66, 0xff, 0xfe]),
            contentType: 'text/plain',
          },
        ]),
      );
      const raw = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      assert.deepEqual(
        (raw.metadata as Record<string, unknown>).collector_notes,
        ['Odd has a value that is not valid UTF-8'],
      );
    });

    it('counts accepted crashes in /metrics', async () => {
      assert.ok(
        (await readMetric(h.registry, 'collector_accepted_crashes_total')) >= 1,
      );
      const res = await fetch(`${h.url}/metrics`);
      assert.match(
        await res.text(),
        /collector_accepted_crashes_total\{service="collector"\} \d+/,
      );
    });

    it('answers Dockerflow endpoints', async () => {
      const lb = await fetch(`${h.url}/__lbheartbeat__`);
      assert.equal(lb.status, 200);
      const hb = await fetch(`${h.url}/__heartbeat__`);
      assert.equal(hb.status, 200);
      assert.deepEqual(await hb.json(), { errors: [] });
      const version = (await (
        await fetch(`${h.url}/__version__`)
      ).json()) as Record<string, unknown>;
      assert.equal(version.version, '0.0.0');
    });

    it('refuses other methods on /submit', async () => {
      const res = await fetch(`${h.url}/submit`);
      assert.equal(res.status, 405);
    });
  },
);
