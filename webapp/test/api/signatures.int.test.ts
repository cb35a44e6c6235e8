import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Collections } from '@crashstats/common';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

describe(
  'signature, bug, version and reprocessing endpoints',
  { timeout: 60_000 },
  () => {
    let h: WebappHarness;
    let reprocessor: string;
    const ids: string[] = [];

    before(async () => {
      h = await startWebappHarness({
        WEBAPP_REPROCESS_BATCH: '2',
        WEBAPP_REPROCESS_PAUSE_MS: '150',
      });
      reprocessor = await h.tokenWith(['reprocess_crashes']);
      const rows = [
        {
          sig: 'OOM | small',
          day: 3,
          build: '20261202000000',
          version: '128.0b3',
          channel: 'beta',
        },
        {
          sig: 'OOM | small',
          day: 1,
          build: '20261130000000',
          version: '128.0b2',
          channel: 'beta',
        },
        {
          sig: 'memcpy | Foo::Bar',
          day: 2,
          build: '20261201000000',
          version: '128.0',
          channel: 'release',
        },
      ];
      for (const row of rows) {
        const uuid = await h.storeRawCrash({ ProductName: 'Firefox' });
        ids.push(uuid);
        await h.storeProcessed({
          uuid,
          signature: row.sig,
          product: 'Firefox',
          version: row.version,
          release_channel: row.channel,
          build: row.build,
          date_processed: new Date(Date.UTC(2026, 11, row.day, 12)),
        });
      }
      await h.db.collection(Collections.bugAssociations).insertMany([
        { _id: '100:OOM | small', bug_id: 100, signature: 'OOM | small' },
        { _id: '200:OOM | small', bug_id: 200, signature: 'OOM | small' },
        {
          _id: '200:memcpy | Foo::Bar',
          bug_id: 200,
          signature: 'memcpy | Foo::Bar',
        },
      ] as never[]);
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    it('SignatureFirstDate gives the first crash date and smallest build', async () => {
      const res = await h.call(
        '/api/SignatureFirstDate/?signatures=OOM%20|%20small&signatures=never%20seen',
      );
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, {
        hits: [
          {
            signature: 'OOM | small',
            first_date: '2026-12-01T12:00:00+00:00',
            first_build: '20261130000000',
          },
        ],
        total: 1,
      });
      const none = await h.call('/api/SignatureFirstDate/');
      assert.deepEqual(none.json, {
        errors: { signatures: ['This field is required.'] },
      });
    });

    it('Bugs and SignaturesByBugs list the links both ways, over GET and POST', async () => {
      const bugs = await h.call('/api/Bugs/?signatures=OOM%20|%20small');
      assert.deepEqual(bugs.json, {
        hits: [
          { id: 100, signature: 'OOM | small' },
          { id: 200, signature: 'OOM | small' },
        ],
        total: 2,
      });
      const posted = await h.call('/api/Bugs/', {
        form: { signatures: ['memcpy | Foo::Bar'] },
      });
      assert.deepEqual(posted.json, {
        hits: [{ id: 200, signature: 'memcpy | Foo::Bar' }],
        total: 1,
      });
      const sigs = await h.call(
        '/api/SignaturesByBugs/?bug_ids=200&bug_ids=999',
      );
      assert.deepEqual(sigs.json, {
        hits: [
          { id: 200, signature: 'OOM | small' },
          { id: 200, signature: 'memcpy | Foo::Bar' },
        ].sort((a, b) => a.signature.localeCompare(b.signature)),
        total: 2,
      });
      const bad = await h.call('/api/SignaturesByBugs/?bug_ids=12x');
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.json), /Not a bug id/);
    });

    it('VersionString finds the version of a build', async () => {
      const res = await h.call(
        '/api/VersionString/?product=Firefox&channel=beta&build_id=20261130000000',
      );
      assert.deepEqual(res.json, {
        hits: [{ version_string: '128.0b2' }],
        total: 1,
      });
      const none = await h.call(
        '/api/VersionString/?product=Firefox&channel=beta&build_id=1',
      );
      assert.deepEqual(none.json, { hits: [], total: 0 });
      const bad = await h.call(
        '/api/VersionString/?product=Firefox&channel=beta&build_id=$where',
      );
      assert.equal(bad.status, 400);
      const missing = await h.call('/api/VersionString/?product=Firefox');
      assert.deepEqual(
        Object.keys((missing.json as { errors: object }).errors).sort(),
        ['build_id', 'channel'],
      );
    });

    it('CrashSignature runs the signature generator on each job', async () => {
      const res = await h.call('/api/CrashSignature/', {
        json: {
          jobs: [
            {
              crashing_thread: 0,
              threads: [
                {
                  frames: [
                    { function: 'NtWaitForSingleObject' },
                    { function: 'memcpy' },
                    { function: 'void Foo<int>::Bar(int)' },
                  ],
                },
              ],
            },
            {
              reason: 'EXCEPTION_STACK_OVERFLOW',
              crashing_thread: 0,
              threads: [{ frames: [{ function: 'f' }] }],
            },
          ],
        },
      });
      assert.equal(res.status, 200, res.text);
      const results = (
        res.json as {
          results: { signature: string; proto_signature: string }[];
        }
      ).results;
      assert.deepEqual(
        results.map((r) => r.signature),
        ['memcpy | Foo<T>::Bar', 'stackoverflow | f'],
      );
      assert.equal(
        results[0]?.proto_signature,
        'NtWaitForSingleObject | memcpy | Foo<T>::Bar',
      );
      const bad = await h.call('/api/CrashSignature/', {
        json: { jobs: [{ threads: 'x' }] },
      });
      assert.equal(bad.status, 400);
      assert.match(
        (bad.json as { error: string }).error,
        /^Bad request: jobs\[0\]: threads/,
      );
      const noJobs = await h.call('/api/CrashSignature/', {
        json: { nope: 1 },
      });
      assert.equal(noJobs.status, 400);
      const notJson = await h.call('/api/CrashSignature/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(notJson.status, 400);
      const get = await h.call('/api/CrashSignature/');
      assert.equal(get.status, 405);
    });

    describe('Reprocessing', () => {
      it('needs reprocess_crashes', async () => {
        const anonymous = await h.call('/api/Reprocessing/', {
          form: { crash_ids: ids[0]! },
        });
        assert.equal(anonymous.status, 403);
        assert.deepEqual(anonymous.json, {
          error:
            "Use of this endpoint requires the 'reprocess_crashes' permission",
        });
        const other = await h.tokenWith(['view_pii']);
        const denied = await h.call('/api/Reprocessing/', {
          token: other,
          form: { crash_ids: ids[0]! },
        });
        assert.equal(denied.status, 403);
      });

      it('validates every id and ruleset before publishing anything', async () => {
        for (const bad of [
          'not-a-crash',
          `${ids[0]}:drop_everything`,
          `${ids[0]}:regenerate_signature:x`,
        ]) {
          const res = await h.call('/api/Reprocessing/', {
            token: reprocessor,
            form: { crash_ids: [ids[1]!, bad] },
          });
          assert.equal(res.status, 400, bad);
          assert.ok(
            (res.json as { errors: Record<string, unknown> }).errors.crash_ids,
            bad,
          );
        }
        const empty = await h.call('/api/Reprocessing/', {
          token: reprocessor,
          form: {},
        });
        assert.equal(empty.status, 400);
        assert.deepEqual(await h.drainQueue('reprocess'), []);
      });

      it('publishes each crash with its own message id, paced in batches', async () => {
        const started = Date.now();
        const res = await h.call('/api/Reprocessing/', {
          token: reprocessor,
          form: {
            crash_ids: [
              ids[0]!,
              `bp-${ids[1]!}`,
              `${ids[2]!}:regenerate_signature`,
              ids[0]!,
              ids[2]!,
            ],
          },
        });
        const elapsed = Date.now() - started;
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json, true);
        // Four distinct tasks in batches of two: one pause of 150 ms.
        assert.ok(elapsed >= 150, `finished in ${elapsed} ms without pausing`);
        const again = await h.call('/api/Reprocessing/', {
          token: reprocessor,
          form: { crash_ids: ids[0]! },
        });
        assert.equal(again.json, true);
        const queued = await h.drainQueue('reprocess');
        assert.deepEqual(
          queued.map((m) => m.payload),
          [ids[0], ids[1], `${ids[2]}:regenerate_signature`, ids[2], ids[0]],
        );
        const msgIds = queued.map((m) => m.msgId);
        assert.equal(
          new Set(msgIds).size,
          msgIds.length,
          'a message id per publish',
        );
        assert.ok(msgIds.every((m) => m !== undefined));
      });
    });
  },
);
