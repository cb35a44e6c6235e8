import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idsWhere, inDefaultRange, tokenPrincipal } from './support/crashes.js';
import {
  assertApiError,
  startSearchHarness,
  type SearchHarness,
} from './support/harness.js';

const PYTHON_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

describe(
  'Super Search results on a real database',
  { timeout: 120_000 },
  () => {
    let h: SearchHarness;
    before(async () => {
      h = await startSearchHarness();
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    const inRange = () => h.crashes.filter(inDefaultRange);
    const newestFirst = () =>
      [...inRange()].sort(
        (a, b) =>
          b.date_processed.getTime() - a.date_processed.getTime() ||
          (a.uuid < b.uuid ? -1 : 1),
      );

    describe('hits', () => {
      it('carry the default columns, newest first', async () => {
        const result = await h.search({ _facets_size: '0' });
        const expected = newestFirst();
        assert.equal(result.total, expected.length);
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.facets, {});
        assert.deepEqual(
          result.hits.map((hit) => hit.uuid),
          expected.map((c) => c.uuid),
        );
        const [first] = result.hits;
        const crash = expected[0];
        assert.ok(first && crash);
        assert.deepEqual(Object.keys(first), [
          'uuid',
          'date',
          'signature',
          'product',
          'version',
        ]);
        assert.deepEqual(first, {
          uuid: crash.uuid,
          date: crash.date_processed
            .toISOString()
            .replace(/\.(\d{3})Z$/, '.$1000+00:00'),
          signature: crash.signature,
          product: crash.product,
          version: crash.version,
        });
      });

      it('format every date like Python', async () => {
        const result = await h.search({
          _columns: ['date', 'completed_datetime'],
          _results_number: '1000',
        });
        let completed = 0;
        for (const hit of result.hits) {
          assert.match(String(hit.date), PYTHON_ISO);
          if (typeof hit.completed_datetime === 'string') {
            assert.match(hit.completed_datetime, PYTHON_ISO);
            completed += 1;
          }
        }
        assert.ok(completed > 20, 'most crashes have completed_datetime');
        const special = await h.search({
          product: '=FIREFOX',
          _columns: ['date', 'completed_datetime'],
        });
        assert.deepEqual(special.hits, [
          {
            date: '2026-12-05T10:00:00+00:00',
            completed_datetime: '2026-12-05T10:02:00.123456+00:00',
          },
        ]);
      });

      it('carry requested columns under public names, null when missing', async () => {
        const result = await h.search({
          uuid: '00000101-0000-4000-8000-000000261205',
          _columns: ['platform', 'build_id', 'addons', 'uptime', 'success'],
        });
        assert.deepEqual(result.hits, [
          {
            platform: null,
            build_id: null,
            addons: ['d@x:4', 'd@x:4'],
            uptime: 0,
            success: false,
          },
        ]);
        const regular = await h.search({
          uuid: '00000003-0000-4000-8000-000000261203',
          _columns: ['platform', 'build_id', 'startup_crash'],
        });
        assert.deepEqual(regular.hits, [
          {
            platform: 'Mac OS X',
            build_id: '20261203093000',
            startup_crash: false,
          },
        ]);
      });

      it('return protected columns to unredacted callers with view_pii', async () => {
        const query = {
          uuid: '00000102-0000-4000-8000-000000261206',
          _columns: ['uuid', 'url'],
        };
        const result = await h.search(query, {
          principal: tokenPrincipal(['view_pii']),
          unredacted: true,
        });
        assert.deepEqual(result.hits, [
          {
            uuid: '00000102-0000-4000-8000-000000261206',
            url: 'https://example.com/special',
          },
        ]);
        await assertApiError(h.search(query), 400, {
          errors: {
            _columns: [
              "Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
            ],
          },
        });
        await assertApiError(
          h.search(query, {
            principal: tokenPrincipal(['reprocess_crashes']),
            unredacted: true,
          }),
          400,
          {
            errors: {
              _columns: ["Field 'url' requires the 'view_pii' permission"],
            },
          },
        );
      });

      it('never carry fields that were not asked for', async () => {
        const result = await h.search({
          _columns: 'uuid',
          _results_number: '5',
        });
        for (const hit of result.hits) {
          assert.deepEqual(Object.keys(hit), ['uuid']);
        }
        assert.equal(result.hits.length, 5);
      });
    });

    describe('sort', () => {
      it('sorts by the given keys, then by crash id', async () => {
        const result = await h.search({
          _sort: ['product', '-uptime'],
          _columns: ['uuid', 'product', 'uptime'],
          _results_number: '1000',
        });
        const expected = [...inRange()]
          .sort((a, b) => {
            const p =
              String(a.product) < String(b.product)
                ? -1
                : String(a.product) > String(b.product)
                  ? 1
                  : 0;
            const ua = typeof a.uptime === 'number' ? a.uptime : -Infinity;
            const ub = typeof b.uptime === 'number' ? b.uptime : -Infinity;
            return p || ub - ua || (a.uuid < b.uuid ? -1 : 1);
          })
          .map((c) => c.uuid);
        assert.deepEqual(
          result.hits.map((hit) => hit.uuid),
          expected,
        );
        assert.equal(result.hits[0]?.product, 'FIREFOX');
      });

      it('sorts ascending by date', async () => {
        const result = await h.search({
          _sort: 'date',
          _columns: 'uuid',
          _results_number: '1000',
        });
        assert.deepEqual(
          result.hits.map((hit) => hit.uuid),
          [...inRange()]
            .sort(
              (a, b) =>
                a.date_processed.getTime() - b.date_processed.getTime() ||
                (a.uuid < b.uuid ? -1 : 1),
            )
            .map((c) => c.uuid),
        );
      });

      it('refuses unknown sort fields', async () => {
        await assertApiError(h.search({ _sort: '-nope' }), 400, {
          errors: { _sort: ["Unknown field 'nope'"] },
        });
      });
    });

    describe('paging', () => {
      it('pages through every hit once', async () => {
        const seen: unknown[] = [];
        for (let offset = 0; offset < 40; offset += 7) {
          const page = await h.search({
            _columns: 'uuid',
            _results_number: '7',
            _results_offset: String(offset),
            _facets_size: '0',
          });
          assert.equal(page.total, inRange().length, 'total ignores paging');
          assert.ok(page.hits.length <= 7);
          seen.push(...page.hits.map((hit) => hit.uuid));
        }
        assert.deepEqual(
          seen,
          newestFirst().map((c) => c.uuid),
        );
      });

      it('returns no hits but the total for _results_number=0', async () => {
        const result = await h.search({
          _results_number: '0',
          product: 'Fenix',
        });
        assert.deepEqual(result.hits, []);
        assert.equal(
          result.total,
          idsWhere(h.crashes, (c) => inDefaultRange(c) && c.product === 'Fenix')
            .length,
        );
        assert.ok(result.total > 0);
      });

      it('returns nothing past the last hit', async () => {
        const result = await h.search({ _results_offset: '500' });
        assert.deepEqual(result.hits, []);
        assert.equal(result.total, inRange().length);
      });

      it('refuses bad paging values', async () => {
        await assertApiError(h.search({ _results_number: '1001' }), 400, {
          errors: {
            _results_number: ['_results_number cannot be greater than 1,000'],
          },
        });
        await assertApiError(h.search({ _results_offset: 'x' }), 400, {
          errors: { _results_offset: ["'x' is not a whole number"] },
        });
        await assertApiError(h.search({ _results_number: ['1', '2'] }), 400, {
          errors: { _results_number: ['Expects a single value'] },
        });
      });
    });

    describe('_return_query', () => {
      it('returns the MongoDB query without running it', async () => {
        const result = await h.search({
          product: 'Firefox',
          uptime: '>5',
          _columns: ['uuid', 'platform'],
          _sort: '-uptime',
          _results_number: '3',
          _results_offset: '6',
          _return_query: 'true',
        });
        assert.deepEqual(result.hits, []);
        assert.equal(result.total, 0);
        assert.deepEqual(JSON.parse(JSON.stringify(result.query)), {
          collection: 'processed_crashes',
          filter: {
            $and: [
              { product: 'Firefox' },
              { uptime: { $gt: 5 } },
              { date_processed: { $lte: '2026-12-08T12:00:00.000Z' } },
              { date_processed: { $gte: '2026-12-01T12:00:00.000Z' } },
            ],
          },
          sort: { uptime: -1, _id: 1 },
          skip: 6,
          limit: 3,
          projection: { _id: 0, uuid: 1, os_name: 1 },
        });
      });

      it('is off by default and for false', async () => {
        assert.equal(
          (await h.search({ _return_query: 'false' })).query,
          undefined,
        );
        assert.equal((await h.search({})).query, undefined);
        await assertApiError(h.search({ _return_query: 'maybe' }), 400, {
          errors: {
            _return_query: ["'maybe' is not a boolean (true or false)"],
          },
        });
      });
    });
  },
);
