import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

describe('crash endpoints on real servers', { timeout: 60_000 }, () => {
  let h: WebappHarness;
  let pii: string;
  let rawdump: string;
  let processedId: string;
  let unprocessedId: string;
  const dump = Buffer.from('MDMP fake dump bytes \u0000\u0001\u0002');
  const browserDump = Buffer.from('second dump');
  const memoryReport = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]);

  before(async () => {
    h = await startWebappHarness();
    pii = await h.tokenWith(['view_pii']);
    rawdump = await h.tokenWith(['view_rawdump']);
    processedId = await h.storeRawCrash(
      {
        ProductName: 'Firefox',
        Version: '128.0',
        URL: 'https://private.example/secret-page',
        Comments: 'my email is someone@example.com',
        SomeUnknownAnnotation: 'unknown means protected',
        metadata: { user_agent: 'Reporter/1.0', collector_notes: [] },
      },
      {
        upload_file_minidump: dump,
        upload_file_minidump_browser: browserDump,
        memory_report: memoryReport,
      },
    );
    await h.storeProcessed({
      uuid: processedId,
      signature: 'OOM | small',
      product: 'Firefox',
      version: '128.0',
      date_processed: new Date('2026-12-01T08:30:00.250Z'),
      // The processor stores these as text, as Socorro's does.
      started_datetime: '2026-12-01T08:30:01.000Z',
      completed_datetime: '2026-12-01T08:30:01.125Z',
      client_crash_date: '2026-12-01T08:29:59.000Z',
      url: 'https://private.example/secret-page',
      user_comments: 'my email is someone@example.com',
      not_in_schema: 'also protected',
      json_dump: { status: 'OK', threads: [] },
    });
    unprocessedId = await h.storeRawCrash({
      ProductName: 'Firefox',
      Version: '1',
    });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  describe('ProcessedCrash', () => {
    it('returns public fields only without view_pii, and Socorro-style dates', async () => {
      const res = await h.call(`/api/ProcessedCrash/?crash_id=${processedId}`);
      assert.equal(res.status, 200, res.text);
      const doc = res.json as Record<string, unknown>;
      assert.equal(doc.signature, 'OOM | small');
      assert.equal(doc.date_processed, '2026-12-01T08:30:00.250000+00:00');
      assert.deepEqual(
        [doc.started_datetime, doc.completed_datetime, doc.client_crash_date],
        [
          '2026-12-01T08:30:01+00:00',
          '2026-12-01T08:30:01.125000+00:00',
          '2026-12-01T08:29:59+00:00',
        ],
      );
      assert.deepEqual(doc.json_dump, { status: 'OK', threads: [] });
      for (const hidden of [
        'url',
        'user_comments',
        'not_in_schema',
        '_id',
        'counted_signature',
      ]) {
        assert.equal(hidden in doc, false, hidden);
      }
      assert.equal(res.text.includes('secret-page'), false);
      assert.equal(res.headers.get('cache-control'), 'private, max-age=0');
    });

    it('returns protected fields with view_pii, but never bookkeeping', async () => {
      const res = await h.call(
        `/api/ProcessedCrash/?crash_id=bp-${processedId}`,
        { token: pii },
      );
      assert.equal(res.status, 200);
      const doc = res.json as Record<string, unknown>;
      assert.equal(doc.url, 'https://private.example/secret-page');
      assert.equal(doc.user_comments, 'my email is someone@example.com');
      assert.equal(doc.not_in_schema, 'also protected');
      assert.equal('_id' in doc, false);
      assert.equal('counted_signature' in doc, false);
    });

    it('answers 404 for an unknown crash and 400 for a bad id', async () => {
      const missing = await h.call(
        '/api/ProcessedCrash/?crash_id=00000000-0000-0000-0000-000000261201',
      );
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, {
        error: 'Not found: crash 00000000-0000-0000-0000-000000261201',
      });
      const bad = await h.call(
        '/api/ProcessedCrash/?crash_id=../../etc/passwd',
      );
      assert.equal(bad.status, 400);
      assert.deepEqual(Object.keys((bad.json as { errors: object }).errors), [
        'crash_id',
      ]);
      const absent = await h.call('/api/ProcessedCrash/');
      assert.deepEqual(absent.json, {
        errors: { crash_id: ['This field is required.'] },
      });
    });

    it('queues a stored but unprocessed crash on the priority subject, once a minute', async () => {
      const first = await h.call(
        `/api/ProcessedCrash/?crash_id=${unprocessedId}`,
      );
      assert.equal(first.status, 404);
      assert.match(
        String((first.json as { error: string }).error),
        /not processed yet; it is queued/,
      );
      await h.call(`/api/ProcessedCrash/?crash_id=${unprocessedId}`);
      await h.call(`/api/ProcessedCrash/?crash_id=${unprocessedId}`);
      const queued = await h.drainQueue('priority');
      assert.deepEqual(
        queued.map((m) => m.payload),
        [unprocessedId],
      );
    });
  });

  describe('RawCrash', () => {
    it('format=meta reduces annotations to public ones without view_pii', async () => {
      const res = await h.call(`/api/RawCrash/?crash_id=${processedId}`);
      assert.equal(res.status, 200, res.text);
      const raw = res.json as Record<string, unknown>;
      assert.equal(raw.ProductName, 'Firefox');
      assert.equal(raw.uuid, processedId);
      for (const hidden of [
        'URL',
        'Comments',
        'SomeUnknownAnnotation',
        'metadata',
      ]) {
        assert.equal(hidden in raw, false, hidden);
      }
      const full = await h.call(
        `/api/RawCrash/?crash_id=${processedId}&format=meta`,
        { token: pii },
      );
      const all = full.json as Record<string, unknown>;
      assert.equal(all.URL, 'https://private.example/secret-page');
      assert.equal(all.SomeUnknownAnnotation, 'unknown means protected');
      assert.deepEqual(all.metadata, {
        user_agent: 'Reporter/1.0',
        collector_notes: [],
      });
    });

    it('format=raw needs view_rawdump', async () => {
      for (const token of [undefined, pii]) {
        const res = await h.call(
          `/api/RawCrash/?crash_id=${processedId}&format=raw`,
          token === undefined ? {} : { token },
        );
        assert.equal(res.status, 403);
        assert.deepEqual(res.json, {
          error: "Use of this endpoint requires the 'view_rawdump' permission",
        });
      }
    });

    it('format=raw serves dumps byte for byte as attachments', async () => {
      const main = await fetch(
        `${h.url}/api/RawCrash/?crash_id=${processedId}&format=raw`,
        {
          headers: { 'Auth-Token': rawdump },
        },
      );
      assert.equal(main.status, 200);
      assert.equal(
        main.headers.get('content-type'),
        'application/octet-stream',
      );
      assert.equal(
        main.headers.get('content-disposition'),
        `attachment; filename="${processedId}.dmp"`,
      );
      assert.deepEqual(Buffer.from(await main.arrayBuffer()), dump);
      // Socorro's name for the main dump, which crashstats-tools asks for.
      const alias = await fetch(
        `${h.url}/api/RawCrash/?crash_id=${processedId}&format=raw&name=dump`,
        {
          headers: { 'Auth-Token': rawdump },
        },
      );
      assert.equal(
        alias.headers.get('content-disposition'),
        `attachment; filename="${processedId}.dmp"`,
      );
      assert.deepEqual(Buffer.from(await alias.arrayBuffer()), dump);
      const other = await fetch(
        `${h.url}/api/RawCrash/?crash_id=${processedId}&format=raw&name=upload_file_minidump_browser`,
        { headers: { 'Auth-Token': rawdump } },
      );
      assert.equal(
        other.headers.get('content-disposition'),
        `attachment; filename="${processedId}-upload_file_minidump_browser.dmp"`,
      );
      assert.deepEqual(Buffer.from(await other.arrayBuffer()), browserDump);
      // Socorro serves the memory report under its own name, not <id>-<name>.dmp.
      const memory = await fetch(
        `${h.url}/api/RawCrash/?crash_id=${processedId}&format=raw&name=memory_report`,
        { headers: { 'Auth-Token': rawdump } },
      );
      assert.equal(memory.status, 200);
      assert.equal(
        memory.headers.get('content-disposition'),
        'attachment; filename="memory_report.json.gz"',
      );
      assert.deepEqual(Buffer.from(await memory.arrayBuffer()), memoryReport);
      const missing = await h.call(
        `/api/RawCrash/?crash_id=${processedId}&format=raw&name=nope`,
        { token: rawdump },
      );
      assert.equal(missing.status, 404);
    });

    it('refuses an unknown format and answers 404 for an unknown crash', async () => {
      const bad = await h.call(
        `/api/RawCrash/?crash_id=${processedId}&format=xml`,
      );
      assert.equal(bad.status, 400);
      assert.ok(
        (bad.json as { errors: Record<string, unknown> }).errors.format,
      );
      const missing = await h.call(
        '/api/RawCrash/?crash_id=00000000-0000-0000-0000-000000261201',
      );
      assert.equal(missing.status, 404);
    });
  });

  it('CrashVerify says where a crash is stored', async () => {
    const res = await h.call(`/api/CrashVerify/?crash_id=${unprocessedId}`);
    assert.deepEqual(res.json, {
      uuid: unprocessedId,
      raw_crash: true,
      processed_crash: false,
      elasticsearch_crash: false,
      telemetry_crash: false,
    });
  });

  it('answers unknown endpoints and wrong methods as Socorro does', async () => {
    const unknown = await h.call('/api/NoSuchThing/');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, {
      error: "No service called 'NoSuchThing'",
    });
    const wrong = await h.call(`/api/ProcessedCrash/?crash_id=${processedId}`, {
      method: 'POST',
      form: {},
    });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    const put = await h.call('/api/CrashVerify/', { method: 'PUT' });
    assert.equal(put.status, 405);
  });
});
