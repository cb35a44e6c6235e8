import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { readMetric } from '@crashstats/common';
import {
  crashIdOf,
  dumpPart,
  multipart,
  post,
  startHarness,
  submit,
  type Harness,
  type MultipartBody,
} from './support/harness.js';

const MIB = 1024 * 1024;
const json = (value: string) => ({
  name: 'extra',
  value,
  contentType: 'application/json',
});

describe('refused submissions', { timeout: 180_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  /** Asserts a 400 with the reason, and that nothing was kept. */
  async function expectMalformed(
    reason: string,
    send: () => Promise<{ status: number; body: string }>,
  ) {
    const [files, crashes] = [
      await h.countDumpFiles(),
      await h.countRawCrashes(),
    ];
    const before = await readMetric(
      h.registry,
      'collector_malformed_crashes_total',
      { reason },
    );
    const reply = await send();
    assert.equal(reply.status, 400, `${reason}: ${reply.body}`);
    assert.equal(reply.body, `Discarded=malformed_${reason}`);
    assert.equal(
      await h.countDumpFiles(),
      files,
      `${reason}: no dump left behind`,
    );
    assert.equal(
      await h.countRawCrashes(),
      crashes,
      `${reason}: no raw crash stored`,
    );
    assert.equal(
      await readMetric(h.registry, 'collector_malformed_crashes_total', {
        reason,
      }),
      before + 1,
    );
  }

  const withDump = (...parts: Parameters<typeof multipart>[0]) =>
    multipart([
      ...parts,
      dumpPart('upload_file_minidump', randomBytes(200_000)),
    ]);

  describe('every malformed reason', () => {
    it('no_content_type', () =>
      expectMalformed('no_content_type', () =>
        post(h.url, Buffer.from('x'), { 'Content-Length': '1' }),
      ));

    it('wrong_content_type', () =>
      expectMalformed('wrong_content_type', () =>
        post(h.url, Buffer.from('{}'), {
          'Content-Type': 'application/json',
          'Content-Length': '2',
        }),
      ));

    it('no_boundary', () =>
      expectMalformed('no_boundary', () =>
        post(h.url, Buffer.from('x'), {
          'Content-Type': 'multipart/form-data',
          'Content-Length': '1',
        }),
      ));

    it('no_content_length', () =>
      expectMalformed('no_content_length', () =>
        post(h.url, Buffer.alloc(0), {
          'Content-Type': 'multipart/form-data; boundary=x',
          'Content-Length': '0',
        }),
      ));

    it('bad_gzip', () => {
      const form = withDump({ name: 'ProductName', value: 'X' });
      return expectMalformed('bad_gzip', () =>
        post(h.url, form.body, {
          'Content-Type': form.contentType,
          'Content-Encoding': 'gzip',
          'Content-Length': String(form.body.length),
        }),
      );
    });

    it('bad_gzip when the stream is cut short', () => {
      const form = withDump({ name: 'ProductName', value: 'X' });
      const gz = gzipSync(form.body).subarray(0, 5000);
      return expectMalformed('bad_gzip', () =>
        post(h.url, gz, {
          'Content-Type': form.contentType,
          'Content-Encoding': 'gzip',
          'Content-Length': String(gz.length),
        }),
      );
    });

    it('invalid_payload_structure: a body cut before its closing boundary', () => {
      const form = withDump({ name: 'ProductName', value: 'X' });
      const cut = form.body.subarray(0, form.body.length - 100);
      return expectMalformed('invalid_payload_structure', () =>
        submit(h.url, { body: cut, contentType: form.contentType }),
      );
    });

    it('invalid_payload_structure: a body cut at any point, the collector staying up', async () => {
      // Cut inside each kind of part: a form annotation, the JSON part, a
      // dump, and between parts, plainly and gzipped.
      const form = multipart([
        { name: 'ProductName', value: 'Cut' },
        json('{"Version":"1.0","ReleaseChannel":"beta"}'),
        dumpPart('upload_file_minidump', randomBytes(2000)),
        { name: 'Comments', value: 'after the dump' },
      ]);
      const text = form.body.toString('latin1');
      const offsets = new Set<number>();
      for (const marker of [
        'Cut',
        '"Version"',
        'application/octet-stream',
        'after the dump',
      ]) {
        const at = text.indexOf(marker);
        assert.ok(at > 0, marker);
        offsets.add(at + 1);
        offsets.add(at + marker.length);
      }
      for (let at = 1; at < form.body.length; at += 97) {
        offsets.add(at);
      }
      for (const at of offsets) {
        const cut = form.body.subarray(0, at);
        for (const gzipped of [false, true]) {
          const reply = gzipped
            ? await post(h.url, gzipSync(cut), {
                'Content-Type': form.contentType,
                'Content-Encoding': 'gzip',
              })
            : await submit(h.url, { body: cut, contentType: form.contentType });
          assert.equal(
            reply.status,
            400,
            `cut at ${at}${gzipped ? ', gzipped' : ''}: ${reply.body}`,
          );
          assert.equal(
            reply.body,
            'Discarded=malformed_invalid_payload_structure',
            `cut at ${at}${gzipped ? ', gzipped' : ''}`,
          );
        }
      }
      const heartbeat = await fetch(`${h.url}/__lbheartbeat__`);
      assert.equal(heartbeat.status, 200);
    });

    it('invalid_payload_structure: not multipart at all', () =>
      expectMalformed('invalid_payload_structure', () =>
        submit(h.url, {
          body: Buffer.from('hello there'),
          contentType: 'multipart/form-data; boundary=zz',
        }),
      ));

    it('invalid_json', () =>
      expectMalformed('invalid_json', () =>
        submit(h.url, withDump(json('{"ProductName": '))),
      ));

    it('invalid_json_value', () =>
      expectMalformed('invalid_json_value', () =>
        submit(h.url, withDump(json('["a", "b"]'))),
      ));

    it('no_annotations', () =>
      expectMalformed('no_annotations', () => submit(h.url, withDump())));

    for (const reserved of ['raw_crash', 'dump_names', 'processed_crash']) {
      it(`invalid_dump_name: ${reserved}`, () =>
        expectMalformed('invalid_dump_name', () =>
          submit(
            h.url,
            multipart([
              { name: 'ProductName', value: 'X' },
              dumpPart('upload_file_minidump', randomBytes(100_000)),
              dumpPart(reserved, randomBytes(10)),
            ]),
          ),
        ));
    }
  });

  describe('size limit', () => {
    const LIMIT = 2 * MIB;

    /** A body of exactly `size` bytes. */
    function bodyOfSize(size: number): MultipartBody {
      const shell = multipart(
        [
          { name: 'ProductName', value: 'Big' },
          dumpPart('upload_file_minidump', Buffer.alloc(0)),
        ],
        'b0und',
      );
      return multipart(
        [
          { name: 'ProductName', value: 'Big' },
          dumpPart(
            'upload_file_minidump',
            randomBytes(size - shell.body.length),
          ),
        ],
        'b0und',
      );
    }

    before(() => h.restart({ COLLECTOR_MAX_BODY_BYTES: String(LIMIT) }));
    after(() => h.restart());

    it('accepts a body exactly at the limit', async () => {
      const form = bodyOfSize(LIMIT);
      assert.equal(form.body.length, LIMIT);
      crashIdOf(await submit(h.url, form));
    });

    it('refuses a body one byte over the limit with 413', async () => {
      const form = bodyOfSize(LIMIT + 1);
      const files = await h.countDumpFiles();
      const reply = await submit(h.url, form);
      assert.equal(reply.status, 413);
      assert.equal(reply.body, 'Discarded=payload_too_large');
      assert.equal(await h.countDumpFiles(), files);
    });

    it('refuses a chunked body that grows past the limit', async () => {
      const form = bodyOfSize(LIMIT + 1);
      // Sent in pieces without a Content-Length: the size is learned late.
      async function* chunks() {
        for (let i = 0; i < form.body.length; i += 64 * 1024) {
          await sleep(1);
          yield form.body.subarray(i, i + 64 * 1024);
        }
      }
      const files = await h.countDumpFiles();
      const reply = await post(h.url, chunks(), {
        'Content-Type': form.contentType,
      });
      assert.equal(reply.status, 413);
      assert.equal(await h.countDumpFiles(), files, 'partial dump removed');
    });

    it('applies the limit to the decompressed size of a gzip body', async () => {
      const form = bodyOfSize(LIMIT + 1);
      const gz = gzipSync(Buffer.concat([form.body]));
      const reply = await post(h.url, gz, {
        'Content-Type': form.contentType,
        'Content-Encoding': 'gzip',
        'Content-Length': String(gz.length),
      });
      assert.equal(reply.status, 413);
    });
  });

  it('refuses a gzip bomb (a gigabyte of zeros) with bounded memory', async () => {
    const boundary = 'bomb';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="ProductName"\r\n\r\nBomb\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="upload_file_minidump"; filename="a.dmp"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const gzip = createGzip({ level: 1 });
    const out: Buffer[] = [];
    gzip.on('data', (c: Buffer) => out.push(c));
    const done = new Promise((r) => gzip.on('end', r));
    gzip.write(head);
    const zeros = Buffer.alloc(MIB);
    for (let i = 0; i < 1024; i++) {
      if (!gzip.write(zeros)) {
        await new Promise((r) => gzip.once('drain', r));
      }
    }
    gzip.end(Buffer.from(`\r\n--${boundary}--\r\n`));
    await done;
    const bomb = Buffer.concat(out);
    assert.ok(bomb.length < 8 * MIB, `compressed bomb is ${bomb.length} bytes`);

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const files = await h.countDumpFiles();
    const reply = await post(h.url, bomb, {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Encoding': 'gzip',
      'Content-Length': String(bomb.length),
    });
    clearInterval(sampler);
    assert.equal(reply.status, 413);
    const grewMiB = (peak - rssBefore) / MIB;
    assert.ok(grewMiB < 150, `memory grew by ${grewMiB.toFixed(0)} MiB`);
    assert.equal(await h.countDumpFiles(), files, 'partial dump removed');
  });

  describe('stage submitter crash ids', () => {
    const TOKEN = 'stage-token-for-tests';
    before(() => h.restart({ COLLECTOR_STAGE_SUBMITTER_TOKEN: TOKEN }));
    after(() => h.restart());

    it('honours a uuid annotation with the bearer token', async () => {
      const id = 'de1bb258-cbbf-4589-a673-34f800160918';
      const reply = await submit(
        h.url,
        withDump(
          { name: 'ProductName', value: 'X' },
          { name: 'uuid', value: id },
        ),
        {
          Authorization: `Bearer ${TOKEN}`,
        },
      );
      assert.equal(crashIdOf(reply), id);
      const raw = (await h.rawCrash(id))!.raw_crash;
      assert.equal(raw.uuid, id);
    });

    it('answers 401 for a uuid annotation without the token', async () => {
      const files = await h.countDumpFiles();
      const reply = await submit(
        h.url,
        withDump(
          { name: 'ProductName', value: 'X' },
          { name: 'uuid', value: 'x' },
        ),
      );
      assert.equal(reply.status, 401);
      assert.equal(reply.body, 'Discarded=unauthorized_uuid');
      assert.equal(await h.countDumpFiles(), files);
    });

    it('invalid_uuid for a malformed uuid with the token', async () => {
      const reply = await submit(
        h.url,
        withDump(
          { name: 'ProductName', value: 'X' },
          { name: 'uuid', value: 'nope' },
        ),
        {
          Authorization: `Bearer ${TOKEN}`,
        },
      );
      assert.equal(reply.status, 400);
      assert.equal(reply.body, 'Discarded=malformed_invalid_uuid');
    });
  });

  describe('JSON and form annotations together when configured to reject', () => {
    before(() => h.restart({ COLLECTOR_JSON_AND_FORM_ANNOTATIONS: 'reject' }));
    after(() => h.restart());

    it('has_json_and_kv', () =>
      expectMalformed('has_json_and_kv', () =>
        submit(
          h.url,
          withDump({ name: 'A', value: '1' }, json('{"ProductName":"X"}')),
        ),
      ));
  });

  describe('throttle rules', () => {
    const rules = [
      {
        name: 'has_comments',
        when: [{ annotation: 'Comments', present: true }],
        result: 'accept',
      },
      {
        name: 'unsupported_product',
        when: [{ annotation: 'ProductName', in: ['Firefox'], not: true }],
        result: 'reject',
      },
      {
        name: 'is_firefox_desktop',
        result: { samplePercent: 10, sampled: 'accept', unsampled: 'reject' },
      },
    ];
    let roll = 0;
    before(async () => {
      await h[Symbol.asyncDispose]();
      h = await startHarness({
        settings: { COLLECTOR_THROTTLE_RULES: JSON.stringify(rules) },
        random: () => roll,
      });
    });

    it('stores the deciding rule in the metadata', async () => {
      const reply = await submit(
        h.url,
        withDump(
          { name: 'ProductName', value: 'Other' },
          { name: 'Comments', value: 'hi' },
        ),
      );
      const raw = (await h.rawCrash(crashIdOf(reply)))!.raw_crash;
      assert.equal(
        (raw.metadata as Record<string, unknown>).throttle_rule,
        'has_comments',
      );
    });

    it('rejects with Discarded=rule_<name> and stores nothing', async () => {
      const [files, crashes] = [
        await h.countDumpFiles(),
        await h.countRawCrashes(),
      ];
      const reply = await submit(
        h.url,
        withDump({ name: 'ProductName', value: 'Other' }),
      );
      assert.equal(reply.status, 200);
      assert.equal(reply.body, 'Discarded=rule_unsupported_product');
      assert.equal(await h.countDumpFiles(), files);
      assert.equal(await h.countRawCrashes(), crashes);
      assert.equal(
        await readMetric(h.registry, 'collector_throttle_total', {
          result: 'reject',
          rule: 'unsupported_product',
        }),
        1,
      );
    });

    it('answers 401 for a uuid annotation even when a rule rejects the crash', async () => {
      const files = await h.countDumpFiles();
      const reply = await submit(
        h.url,
        withDump(
          { name: 'ProductName', value: 'Other' },
          { name: 'uuid', value: 'de1bb258-cbbf-4589-a673-34f800160918' },
        ),
      );
      assert.equal(reply.status, 401);
      assert.equal(reply.body, 'Discarded=unauthorized_uuid');
      assert.equal(await h.countDumpFiles(), files);
    });

    it('samples with the injected randomness', async () => {
      roll = 5;
      const kept = await submit(
        h.url,
        withDump({ name: 'ProductName', value: 'Firefox' }),
      );
      crashIdOf(kept);
      roll = 50;
      const dropped = await submit(
        h.url,
        withDump({ name: 'ProductName', value: 'Firefox' }),
      );
      assert.equal(dropped.body, 'Discarded=rule_is_firefox_desktop');
      assert.equal(
        await readMetric(h.registry, 'collector_throttle_total', {
          result: 'accept',
          rule: 'is_firefox_desktop',
        }),
        1,
      );
    });
  });
});
