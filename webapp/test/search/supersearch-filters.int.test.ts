import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import {
  idsWhere,
  inDefaultRange,
  NOW,
  type Crash,
} from './support/crashes.js';
import {
  assertApiError,
  startSearchHarness,
  type SearchHarness,
} from './support/harness.js';

const DAY_MS = 86_400_000;

describe(
  'Super Search filters on a real database',
  { timeout: 120_000 },
  () => {
    let h: SearchHarness;
    before(async () => {
      h = await startSearchHarness();
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    /** The ids a search finds; checks that `total` agrees. */
    async function found(query: Record<string, string | string[]>) {
      const result = await h.search({
        ...query,
        _columns: 'uuid',
        _results_number: '1000',
        _facets_size: '0',
      });
      const ids = result.hits.map((hit) => String(hit.uuid)).sort();
      assert.equal(result.total, ids.length, 'total counts the hits');
      return ids;
    }

    /**
     * Crashes of the default range for which `predicate` holds: some, and
     * (unless `all`) not every one, so that a filter left out would show.
     */
    function expected(predicate: (c: Crash) => boolean, all = false) {
      const ids = idsWhere(h.crashes, (c) => inDefaultRange(c) && predicate(c));
      const everyone = idsWhere(h.crashes, inDefaultRange).length;
      assert.ok(ids.length > 0, 'some crashes match');
      assert.ok(all || ids.length < everyone, 'some crashes do not match');
      return ids;
    }

    const lower = (value: unknown) => String(value).toLowerCase();
    const text = (value: unknown) => (typeof value === 'string' ? value : '');

    it('searches the last seven days without a date filter', async () => {
      const ids = await found({});
      assert.deepEqual(
        ids,
        expected(() => true, true),
      );
      assert.ok(ids.length > 20 && ids.length < h.crashes.length);
    });

    describe('values without an operator', () => {
      it('match keyword fields exactly', async () => {
        assert.deepEqual(
          await found({ version: '128.0' }),
          expected((c) => c.version === '128.0'),
        );
        assert.deepEqual(await found({ version: '128' }), []);
        assert.deepEqual(await found({ cpu_arch: 'ARM64' }), []);
      });

      it('match signature and product exactly, as Socorro does', async () => {
        assert.deepEqual(
          await found({ product: 'FIREFOX' }),
          expected((c) => c.product === 'FIREFOX'),
        );
        assert.deepEqual(await found({ product: 'firefox' }), []);
        assert.deepEqual(
          await found({ signature: 'OOM | small' }),
          expected((c) => c.signature === 'OOM | small'),
        );
        assert.deepEqual(await found({ signature: 'OOM' }), []);
      });

      it('match text fields whole, ignoring case', async () => {
        const segv = await found({ reason: 'sigsegv /segv_maperr' });
        assert.deepEqual(
          segv,
          expected((c) => lower(c.reason) === 'sigsegv /segv_maperr'),
        );
        assert.ok(segv.length > 0);
        assert.deepEqual(await found({ reason: 'SIGSEGV' }), []);
      });

      it('OR repeated values', async () => {
        assert.deepEqual(
          await found({ platform: ['Linux', 'Android'] }),
          expected((c) => c.os_name === 'Linux' || c.os_name === 'Android'),
        );
      });

      it('negated, match none of the values', async () => {
        assert.deepEqual(
          await found({ product: '!Firefox' }),
          expected((c) => c.product !== 'Firefox'),
        );
        assert.deepEqual(
          await found({ product: ['!Firefox', '!Fenix'] }),
          expected((c) => c.product !== 'Firefox' && c.product !== 'Fenix'),
        );
      });

      it('match numbers and booleans', async () => {
        assert.deepEqual(
          await found({ uptime: ['10', '20'] }),
          expected((c) => c.uptime === 10 || c.uptime === 20),
        );
        assert.deepEqual(
          await found({ uptime: '0' }),
          expected((c) => c.uptime === 0),
        );
        assert.deepEqual(
          await found({ startup_crash: 'true' }),
          expected((c) => c.startup_crash === true),
        );
        assert.deepEqual(
          await found({ success: 'false' }),
          expected((c) => c.success === false),
        );
      });

      it('find the elements of arrays', async () => {
        assert.deepEqual(
          await found({ addons: 'b@x:2' }),
          expected(
            (c) => Array.isArray(c.addons) && c.addons.includes('b@x:2'),
          ),
        );
        assert.deepEqual(
          await found({ addons: '!a@x:1' }),
          expected(
            (c) => !(Array.isArray(c.addons) && c.addons.includes('a@x:1')),
          ),
        );
      });

      it('take null characters in text as text', async () => {
        assert.deepEqual(await found({ signature: '~OOM\0' }), []);
        assert.deepEqual(await found({ signature: 'OOM | small\0' }), []);
        assert.deepEqual(await found({ signature: '=\0' }), []);
      });

      it('take text with regular-expression characters literally', async () => {
        const special = expected((c) => text(c.signature).startsWith('foo('));
        assert.equal(special.length, 1);
        assert.deepEqual(
          await found({ signature: 'foo(bar).baz*[x] | a+b?' }),
          special,
        );
        assert.deepEqual(
          await found({ signature: 'foo(bar).baz.[x] | a+b?' }),
          [],
        );
        assert.deepEqual(await found({ signature: '^foo(bar).baz*' }), special);
      });
    });

    describe('string operators', () => {
      it('= matches exactly, case included', async () => {
        assert.deepEqual(
          await found({ product: '=FIREFOX' }),
          expected((c) => c.product === 'FIREFOX'),
        );
        assert.deepEqual(
          await found({ product: '!=Firefox' }),
          expected((c) => c.product !== 'Firefox'),
        );
      });

      it('~ finds a substring, case included', async () => {
        assert.deepEqual(
          await found({ signature: '~GCMarker' }),
          expected((c) => text(c.signature).includes('GCMarker')),
        );
        assert.deepEqual(await found({ signature: '~gcmarker' }), []);
        assert.deepEqual(
          await found({ signature: '~(bar).baz*[' }),
          expected((c) => text(c.signature).includes('(bar).baz*[')),
        );
        assert.deepEqual(
          await found({ signature: '!~OOM' }),
          expected((c) => !text(c.signature).includes('OOM')),
        );
      });

      it('^ and $ match the start and the end', async () => {
        assert.deepEqual(
          await found({ signature: '^OOM' }),
          expected((c) => text(c.signature).startsWith('OOM')),
        );
        assert.deepEqual(
          await found({ signature: '$Shutdown' }),
          expected((c) => text(c.signature).endsWith('Shutdown')),
        );
        assert.deepEqual(
          await found({ signature: '$a+b?' }),
          expected((c) => text(c.signature).endsWith('a+b?')),
        );
        assert.deepEqual(
          await found({ signature: '!^js::' }),
          expected((c) => !text(c.signature).startsWith('js::')),
        );
        assert.deepEqual(
          await found({ addons: '^c@' }),
          expected(
            (c) =>
              Array.isArray(c.addons) &&
              c.addons.some((a) => String(a).startsWith('c@')),
          ),
        );
      });

      it('@ matches a regular expression against the whole value', async () => {
        assert.deepEqual(
          await found({ signature: '@OOM \\| (small|large)' }),
          expected((c) => /^OOM \| (small|large)$/.test(text(c.signature))),
        );
        assert.deepEqual(await found({ signature: '@GCMarker' }), []);
        assert.deepEqual(
          await found({ signature: '@.*GCMarker.*' }),
          expected((c) => text(c.signature).includes('GCMarker')),
        );
        assert.deepEqual(
          await found({ signature: '!@.*::.*' }),
          expected((c) => !text(c.signature).includes('::')),
        );
      });

      it('ORs different operators on one field', async () => {
        assert.deepEqual(
          await found({
            signature: ['^OOM', '~GCMarker', 'mozilla::dom::Foo'],
          }),
          expected(
            (c) =>
              text(c.signature).startsWith('OOM') ||
              text(c.signature).includes('GCMarker') ||
              c.signature === 'mozilla::dom::Foo',
          ),
        );
      });
    });

    describe('ranges', () => {
      it('AND the bounds of one field', async () => {
        assert.deepEqual(
          await found({ uptime: ['>100', '<=200'] }),
          expected(
            (c) =>
              typeof c.uptime === 'number' && c.uptime > 100 && c.uptime <= 200,
          ),
        );
        assert.deepEqual(
          await found({ uptime: ['>=280'] }),
          expected((c) => typeof c.uptime === 'number' && c.uptime >= 280),
        );
        assert.deepEqual(
          await found({ uptime: ['<2'] }),
          expected((c) => typeof c.uptime === 'number' && c.uptime < 2),
        );
      });

      it('negated, include crashes without the field', async () => {
        assert.deepEqual(
          await found({ uptime: '!>50' }),
          expected((c) => !(typeof c.uptime === 'number' && c.uptime > 50)),
        );
      });

      it('AND ranges with the ORed other values', async () => {
        assert.deepEqual(
          await found({ uptime: ['__null__', '10', '>=0', '<50'] }),
          expected((c) => c.uptime === 10),
        );
      });
    });

    describe('__null__ and __true__', () => {
      it('__null__ finds missing and null values', async () => {
        assert.deepEqual(
          await found({ platform: '__null__' }),
          expected((c) => c.os_name === undefined || c.os_name === null),
        );
        assert.deepEqual(
          await found({ address: '__null__' }),
          expected((c) => c.address === undefined || c.address === null),
        );
        assert.deepEqual(
          await found({ address: '!__null__' }),
          expected((c) => typeof c.address === 'string'),
        );
        assert.deepEqual(
          await found({ addons: '__null__' }),
          expected((c) => c.addons === undefined),
        );
      });

      it('__true__ finds true values', async () => {
        assert.deepEqual(
          await found({ success: '__true__' }),
          expected((c) => c.success === true),
        );
        assert.deepEqual(
          await found({ success: '!__true__' }),
          expected((c) => c.success !== true),
        );
        assert.deepEqual(
          await found({ success: '__null__' }),
          expected((c) => c.success === undefined),
        );
      });
    });

    describe('dates', () => {
      it('bounds date by the given range', async () => {
        const from = Date.parse('2026-12-05T00:00:00Z');
        const to = Date.parse('2026-12-07T00:00:00Z');
        assert.deepEqual(
          await found({ date: ['>=2026-12-05', '<2026-12-07'] }),
          idsWhere(h.crashes, (c) => {
            const t = c.date_processed.getTime();
            return t >= from && t < to;
          }),
        );
      });

      it('ends at now when only a lower bound is given', async () => {
        const ids = await found({ date: '>2026-11-15' });
        assert.deepEqual(
          ids,
          idsWhere(h.crashes, (c) => {
            const t = c.date_processed.getTime();
            return t > Date.parse('2026-11-15') && t <= NOW.getTime();
          }),
        );
        assert.ok(ids.includes('00000103-0000-4000-8000-000000261120'));
      });

      it('starts seven days before an upper bound given alone', async () => {
        const to = Date.parse('2026-11-25T00:00:00Z');
        assert.deepEqual(
          await found({ date: '<2026-11-25' }),
          idsWhere(h.crashes, (c) => {
            const t = c.date_processed.getTime();
            return t < to && t >= to - 7 * DAY_MS;
          }),
        );
      });

      it('reaches back as far as 365 days', async () => {
        const ids = await found({ date: '>=2026-01-01' });
        assert.deepEqual(
          ids,
          idsWhere(h.crashes, (c) => c.date_processed <= NOW),
        );
        assert.ok(ids.includes('00000104-0000-4000-8000-000000260115'));
      });

      it('compares datetimes stored as text', async () => {
        const special = '00000101-0000-4000-8000-000000261205';
        const at = (op: string) =>
          found({ completed_datetime: `${op}2026-12-05T10:02:00.123` });
        assert.ok((await at('>=')).includes(special));
        assert.ok(!(await at('>')).includes(special));
        assert.ok((await at('<=')).includes(special));
        assert.ok(!(await at('<')).includes(special));
        assert.deepEqual(
          await found({ completed_datetime: ['>=2026-12-05', '<2026-12-06'] }),
          expected((c) => text(c.completed_datetime).startsWith('2026-12-05')),
        );
        assert.deepEqual(
          await found({ completed_datetime: '__null__' }),
          expected((c) => c.completed_datetime === undefined),
        );
      });
    });

    describe('the version rule', () => {
      it('turns a version ending in b into every beta of it', async () => {
        const betas = await found({ version: '128.0b' });
        assert.deepEqual(
          betas,
          expected((c) => text(c.version).startsWith('128.0b')),
        );
        assert.ok(betas.length >= 3);
        assert.deepEqual(
          await found({ version: ['128.0b', '127.0.2'] }),
          expected(
            (c) =>
              text(c.version).startsWith('128.0b') || c.version === '127.0.2',
          ),
        );
        assert.deepEqual(
          await found({ version: '!128.0b' }),
          expected((c) => !text(c.version).startsWith('128.0b')),
        );
        assert.deepEqual(
          await found({ version: '=128.0b' }),
          expected((c) => c.version === '128.0b'),
        );
      });
    });

    it('ANDs different fields', async () => {
      assert.deepEqual(
        await found({ product: 'Firefox', platform: 'Linux', uptime: '>0' }),
        expected(
          (c) =>
            c.product === 'Firefox' &&
            c.os_name === 'Linux' &&
            typeof c.uptime === 'number' &&
            c.uptime > 0,
        ),
      );
      assert.deepEqual(
        await found({ build_id: '20261204093000', release_channel: 'beta' }),
        expected(
          (c) => c.build === '20261204093000' && c.release_channel === 'beta',
        ),
      );
    });

    describe('errors', () => {
      it('refuses a regular expression JavaScript cannot read', async () => {
        await assertApiError(h.search({ signature: '@(a' }), 400, {
          errors: {
            signature: ['Invalid regular expression: /(a/: Unterminated group'],
          },
        });
      });

      it('refuses a regular expression the server cannot compile', async () => {
        await assert.rejects(
          h.search({ signature: '@\\k' }),
          (error: unknown) => {
            assert.ok(error instanceof ApiError);
            assert.equal(error.status, 400);
            assert.match(
              String(error.body.error),
              /^Bad request: Invalid regular expression: /,
            );
            return true;
          },
        );
      });

      it('refuses values of the wrong type', async () => {
        await assertApiError(h.search({ uptime: 'long' }), 400, {
          errors: { uptime: ["'long' is not a whole number"] },
        });
        await assertApiError(h.search({ date: '>last week' }), 400, {
          errors: { date: ["'last week' is not an ISO-8601 date"] },
        });
        await assertApiError(h.search({ success: 'perhaps' }), 400, {
          errors: { success: ["'perhaps' is not a boolean (true or false)"] },
        });
      });

      it('applies the date rules', async () => {
        await assertApiError(h.search({ date: '2026-12-01' }), 400, {
          errors: {
            date: [
              "'2026-12-01' needs an operator: one of >, >=, <, <=, __null__",
            ],
          },
        });
        await assertApiError(h.search({ date: '>=2025-12-01' }), 400, {
          errors: { date: ['The date range is longer than 365 days'] },
        });
      });

      it('refuses unknown and protected fields', async () => {
        await assertApiError(h.search({ nope: 'x' }), 400, {
          error: "Bad request: Unknown parameter 'nope'",
        });
        await assertApiError(h.search({ url: '~example' }), 400, {
          error:
            "Bad request: Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
        });
        await assertApiError(
          h.search({ url: '~example' }, { unredacted: true }),
          400,
          {
            error:
              "Bad request: Field 'url' requires the 'view_pii' permission",
          },
        );
      });
    });
  },
);
