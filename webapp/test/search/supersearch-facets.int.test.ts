import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inDefaultRange, NOW, type Crash } from './support/crashes.js';
import {
  assertApiError,
  startSearchHarness,
  type SearchHarness,
} from './support/harness.js';

/** A facet bucket as the response has it. */
interface Bucket {
  term: unknown;
  count: number;
  facets?: Record<string, unknown>;
}

/** Values of one crash for a facet; a crash counts once per value. */
type Values = (crash: Crash) => unknown[];

const field =
  (name: string): Values =>
  (crash) => {
    const value = crash[name];
    if (value === undefined || value === null) {
      return [];
    }
    return Array.isArray(value) ? [...new Set<unknown>(value)] : [value];
  };

const bool =
  (name: string): Values =>
  (crash) =>
    typeof crash[name] === 'boolean' ? [crash[name] ? 'T' : 'F'] : [];

/** The start of the crash's day, week (Monday) or hour, as a term. */
const dateBucket =
  (
    unit: 'day' | 'week' | 'hour',
    of: (c: Crash) => Date | undefined = (c) => c.date_processed,
  ): Values =>
  (crash) => {
    const date = of(crash);
    if (date === undefined) {
      return [];
    }
    const d = new Date(date);
    if (unit === 'hour') {
      d.setUTCMinutes(0, 0, 0);
    } else {
      d.setUTCHours(0, 0, 0, 0);
    }
    if (unit === 'week') {
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    }
    return [d.toISOString().replace('.000Z', '+00:00')];
  };

/** Buckets of `ms` milliseconds counted from 1970, as fixed intervals are. */
const fixedDateBucket =
  (ms: number): Values =>
  (crash) => {
    const date = crash.date_processed;
    const start = new Date(Math.floor(date.getTime() / ms) * ms);
    return [start.toISOString().replace('.000Z', '+00:00')];
  };

const numberBucket =
  (name: string, width: number): Values =>
  (crash) =>
    typeof crash[name] === 'number'
      ? [Math.floor(crash[name] / width) * width]
      : [];

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    return a - b;
  }
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

interface Level {
  key: string;
  values: Values;
  histogram?: boolean;
}

/** The expected facets of `crashes` for a chain of levels. */
function facetsOf(
  crashes: readonly Crash[],
  levels: readonly Level[],
  size = 50,
): Record<string, Bucket[]> {
  const [level, ...rest] = levels;
  if (level === undefined) {
    return {};
  }
  const counts = new Map<unknown, number>();
  for (const crash of crashes) {
    for (const value of level.values(crash)) {
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }
  let buckets = [...counts].map(([term, count]) => ({ term, count }));
  if (level.histogram) {
    buckets.sort((a, b) => compare(a.term, b.term));
  } else {
    buckets.sort((a, b) => b.count - a.count || compare(a.term, b.term));
    buckets = buckets.slice(0, size);
  }
  return {
    [level.key]: buckets.map(({ term, count }) => {
      if (rest.length === 0) {
        return { term, count };
      }
      const inside = crashes.filter((c) => level.values(c).includes(term));
      return { term, count, facets: facetsOf(inside, rest, size) };
    }),
  };
}

describe('Super Search facets on a real database', { timeout: 120_000 }, () => {
  let h: SearchHarness;
  before(async () => {
    h = await startSearchHarness();
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  const inRange = () => h.crashes.filter(inDefaultRange);
  const facets = async (query: Record<string, string | string[]>) =>
    (await h.search({ _results_number: '0', ...query })).facets;

  describe('terms', () => {
    it('counts signatures by default, largest first then by term', async () => {
      const result = await facets({});
      assert.deepEqual(
        result,
        facetsOf(inRange(), [{ key: 'signature', values: field('signature') }]),
      );
      const signatures = result.signature as Bucket[];
      assert.ok(signatures.length > 4);
      assert.ok(
        signatures[0] && signatures[0].count > (signatures.at(-1)?.count ?? 0),
      );
    });

    it('computes several facets and keeps _facets_size buckets', async () => {
      const result = await facets({
        _facets: ['platform', 'product'],
        _facets_size: '2',
      });
      assert.deepEqual(result, {
        ...facetsOf(
          inRange(),
          [{ key: 'platform', values: field('os_name') }],
          2,
        ),
        ...facetsOf(
          inRange(),
          [{ key: 'product', values: field('product') }],
          2,
        ),
      });
      assert.deepEqual(Object.keys(result), ['platform', 'product']);
      assert.equal((result.platform as Bucket[]).length, 2);
    });

    it('follows the filters', async () => {
      const result = await facets({ product: '=Fenix', _facets: 'platform' });
      const fenix = inRange().filter((c) => c.product === 'Fenix');
      assert.deepEqual(
        result,
        facetsOf(fenix, [{ key: 'platform', values: field('os_name') }]),
      );
    });

    it('writes booleans as T and F', async () => {
      const result = await facets({ _facets: ['success', 'startup_crash'] });
      assert.deepEqual(result, {
        ...facetsOf(inRange(), [{ key: 'success', values: bool('success') }]),
        ...facetsOf(inRange(), [
          { key: 'startup_crash', values: bool('startup_crash') },
        ]),
      });
      assert.deepEqual((result.success as Bucket[]).map((b) => b.term).sort(), [
        'F',
        'T',
      ]);
    });

    it('counts a crash once per distinct array element', async () => {
      const result = await facets({ _facets: 'addons' });
      assert.deepEqual(
        result,
        facetsOf(inRange(), [{ key: 'addons', values: field('addons') }]),
      );
      assert.deepEqual(
        (result.addons as Bucket[]).find((b) => b.term === 'd@x:4'),
        {
          term: 'd@x:4',
          count: 1,
        },
      );
    });

    it('keeps numbers as numbers', async () => {
      const result = await facets({ _facets: 'uptime', _facets_size: '5' });
      assert.deepEqual(
        result,
        facetsOf(inRange(), [{ key: 'uptime', values: field('uptime') }], 5),
      );
      assert.equal(typeof (result.uptime as Bucket[])[0]?.term, 'number');
    });

    it('is empty with _facets_size=0', async () => {
      assert.deepEqual(
        await facets({ _facets: ['platform'], _facets_size: '0' }),
        {},
      );
    });
  });

  describe('nested aggregations', () => {
    it('nests _aggs.<f1>.<f2>=<f3>', async () => {
      const result = await facets({
        _facets: 'platform',
        '_aggs.product.version': 'platform',
      });
      assert.deepEqual(result, {
        ...facetsOf(inRange(), [{ key: 'platform', values: field('os_name') }]),
        ...facetsOf(inRange(), [
          { key: 'product', values: field('product') },
          { key: 'version', values: field('version') },
          { key: 'platform', values: field('os_name') },
        ]),
      });
      const firefox = (result.product as Bucket[]).find(
        (b) => b.term === 'Firefox',
      );
      const versions = firefox?.facets?.version as Bucket[] | undefined;
      assert.ok(versions && versions.length > 2);
    });

    it('merges _aggs.<f> into the facet of the same field', async () => {
      const result = await facets({
        '_aggs.signature': ['product', '_cardinality.platform'],
        _facets_size: '3',
      });
      const expected = facetsOf(
        inRange(),
        [{ key: 'signature', values: field('signature') }],
        3,
      );
      for (const bucket of expected.signature ?? []) {
        const inside = inRange().filter((c) => c.signature === bucket.term);
        bucket.facets = {
          ...facetsOf(
            inside,
            [{ key: 'product', values: field('product') }],
            3,
          ),
          cardinality_platform: {
            value: new Set(inside.flatMap(field('os_name'))).size,
          },
        };
      }
      assert.deepEqual(result, expected);
    });

    it('nests under array elements', async () => {
      const result = await facets({
        _facets: 'product',
        '_aggs.addons': 'product',
      });
      assert.deepEqual(result, {
        ...facetsOf(inRange(), [{ key: 'product', values: field('product') }]),
        ...facetsOf(inRange(), [
          { key: 'addons', values: field('addons') },
          { key: 'product', values: field('product') },
        ]),
      });
    });

    it('nests a date histogram under terms', async () => {
      const result = await facets({
        _facets: 'product',
        '_aggs.product': '_histogram.date',
      });
      assert.deepEqual(
        result,
        facetsOf(inRange(), [
          { key: 'product', values: field('product') },
          { key: 'histogram_date', values: dateBucket('day'), histogram: true },
        ]),
      );
    });
  });

  describe('histograms', () => {
    it('counts dates per day, leaving out empty days', async () => {
      const result = await facets({
        date: '>=2026-11-15',
        _facets: '_histogram.date',
      });
      const crashes = h.crashes.filter(
        (c) =>
          c.date_processed >= new Date('2026-11-15') && c.date_processed <= NOW,
      );
      assert.deepEqual(
        result,
        facetsOf(crashes, [
          { key: 'histogram_date', values: dateBucket('day'), histogram: true },
        ]),
      );
      const terms = (result.histogram_date as Bucket[]).map((b) => b.term);
      assert.equal(terms[0], '2026-11-20T00:00:00+00:00');
      assert.equal(terms[1], '2026-12-01T00:00:00+00:00');
    });

    it('cuts by week and by hour, with sub-facets', async () => {
      const weekly = await facets({
        date: '>=2026-11-15',
        _facets: 'signature',
        '_histogram.date': 'product',
        '_histogram_interval.date': '1w',
      });
      const crashes = h.crashes.filter(
        (c) =>
          c.date_processed >= new Date('2026-11-15') && c.date_processed <= NOW,
      );
      assert.deepEqual(
        weekly.histogram_date,
        facetsOf(crashes, [
          {
            key: 'histogram_date',
            values: dateBucket('week'),
            histogram: true,
          },
          { key: 'product', values: field('product') },
        ]).histogram_date,
      );
      assert.deepEqual(
        (weekly.histogram_date as Bucket[]).map((b) => b.term),
        [
          '2026-11-16T00:00:00+00:00',
          '2026-11-30T00:00:00+00:00',
          '2026-12-07T00:00:00+00:00',
        ],
      );
      const hourly = await facets({
        _facets: '_histogram.date',
        '_histogram_interval.date': '1h',
      });
      assert.deepEqual(
        hourly,
        facetsOf(inRange(), [
          {
            key: 'histogram_date',
            values: dateBucket('hour'),
            histogram: true,
          },
        ]),
      );
    });

    it('cuts by fixed intervals counted from 1970, with sub-facets', async () => {
      const twoDays = await facets({
        date: '>=2026-11-15',
        '_histogram.date': 'product',
        '_histogram_interval.date': '2d',
      });
      const crashes = h.crashes.filter(
        (c) =>
          c.date_processed >= new Date('2026-11-15') && c.date_processed <= NOW,
      );
      assert.deepEqual(
        twoDays.histogram_date,
        facetsOf(crashes, [
          {
            key: 'histogram_date',
            values: fixedDateBucket(2 * 86_400_000),
            histogram: true,
          },
          { key: 'product', values: field('product') },
        ]).histogram_date,
      );
      // 2026-11-20 is day 20,777 since 1970, in the bucket that starts the
      // day before; 2026-12-01, day 20,788, starts a bucket.
      const terms = (twoDays.histogram_date as Bucket[]).map((b) => b.term);
      assert.equal(terms[0], '2026-11-19T00:00:00+00:00');
      assert.equal(terms[1], '2026-12-01T00:00:00+00:00');
      const sixHours = await facets({
        _facets: '_histogram.date',
        '_histogram_interval.date': '6h',
      });
      assert.deepEqual(
        sixHours,
        facetsOf(inRange(), [
          {
            key: 'histogram_date',
            values: fixedDateBucket(6 * 3_600_000),
            histogram: true,
          },
        ]),
      );
    });

    it('cuts numbers by the interval, with sub-facets', async () => {
      const result = await facets({
        _facets: 'product',
        '_histogram.uptime': ['platform', '_cardinality.product'],
        '_histogram_interval.uptime': '100',
      });
      const expected = facetsOf(inRange(), [
        {
          key: 'histogram_uptime',
          values: numberBucket('uptime', 100),
          histogram: true,
        },
        { key: 'platform', values: field('os_name') },
      ]).histogram_uptime;
      for (const bucket of expected ?? []) {
        const inside = inRange().filter((c) =>
          numberBucket('uptime', 100)(c).includes(bucket.term),
        );
        bucket.facets = {
          ...bucket.facets,
          cardinality_product: {
            value: new Set(inside.flatMap(field('product'))).size,
          },
        };
      }
      assert.deepEqual(result.histogram_uptime, expected);
      assert.deepEqual(
        (result.histogram_uptime as Bucket[]).map((b) => b.term),
        [0, 100, 200],
      );
    });

    it('uses a width of 1 by default', async () => {
      const result = await facets({
        _facets: '_histogram.uptime',
        uptime: '<3',
      });
      assert.deepEqual(result.histogram_uptime, [
        { term: 0, count: 1 },
        { term: 1, count: 1 },
      ]);
    });

    it('covers dates stored as text', async () => {
      const result = await facets({ _facets: '_histogram.completed_datetime' });
      const completed = (c: Crash) =>
        typeof c.completed_datetime === 'string'
          ? new Date(c.completed_datetime)
          : undefined;
      assert.deepEqual(
        result,
        facetsOf(inRange(), [
          {
            key: 'histogram_completed_datetime',
            values: dateBucket('day', completed),
            histogram: true,
          },
        ]),
      );
    });

    it('nests a date histogram in a date histogram', async () => {
      const result = await facets({
        '_histogram.date': '_histogram.date',
        _facets: 'platform',
      });
      for (const bucket of result.histogram_date as Bucket[]) {
        assert.deepEqual(bucket.facets, {
          histogram_date: [{ term: bucket.term, count: bucket.count }],
        });
      }
      assert.ok((result.histogram_date as Bucket[]).length >= 7);
    });
  });

  describe('cardinality', () => {
    it('counts distinct values at the top level', async () => {
      const result = await facets({
        _facets: [
          '_cardinality.platform',
          '_cardinality.addons',
          '_cardinality.uuid',
        ],
      });
      assert.deepEqual(result, {
        cardinality_platform: {
          value: new Set(inRange().flatMap(field('os_name'))).size,
        },
        cardinality_addons: {
          value: new Set(inRange().flatMap(field('addons'))).size,
        },
        cardinality_uuid: { value: inRange().length },
      });
      assert.ok(result.cardinality_platform.value >= 4);
    });
  });

  describe('errors', () => {
    it('refuses histograms with too many buckets', async () => {
      await assertApiError(
        h.search({
          _facets: '_histogram.date',
          '_histogram_interval.date': '1m',
        }),
        400,
        {
          error:
            "Bad request: The histogram of 'date' would have more than 1000 " +
            'buckets: use a larger _histogram_interval.date',
        },
      );
    });

    it('refuses aggregations needing too many queries', async () => {
      await assertApiError(
        h.search({
          '_histogram.date': '_histogram.completed_datetime',
          '_histogram_interval.date': '1h',
          '_histogram_interval.completed_datetime': '1h',
        }),
        400,
        {
          error:
            'Bad request: The aggregations need more than 2000 database ' +
            'queries: narrow the date range, use a larger histogram ' +
            'interval or fewer nested histograms',
        },
      );
    });

    it('answers a 400 when the search runs out of time', async () => {
      // An hourly histogram takes 169 queries: far more than a millisecond.
      await assertApiError(
        h.search(
          { _facets: '_histogram.date', '_histogram_interval.date': '1h' },
          { maxTimeMs: 1 },
        ),
        400,
        {
          error:
            'Bad request: Search query timed out. Simplify the search ' +
            'pattern and try again.',
        },
      );
    });

    it('refuses bad facet parameters', async () => {
      await assertApiError(h.search({ _facets: '_histogram.signature' }), 400, {
        errors: {
          _facets: [
            "Field 'signature' cannot have a histogram: only number and date fields can",
          ],
        },
      });
      await assertApiError(
        h.search({ '_histogram_interval.date': 'fortnight' }),
        400,
        {
          errors: {
            '_histogram_interval.date': [
              "'fortnight' is not a date interval: use one of 1s, second, " +
                '1m, minute, 1h, hour, 1d, day, 1w, week, 1M, month, 1q, ' +
                'quarter, 1y, year, or a whole number of s, m, h or d such ' +
                'as 6h or 2d',
            ],
          },
        },
      );
      await assertApiError(h.search({ _facets_size: '10001' }), 400, {
        errors: {
          _facets_size: ['_facets_size cannot be greater than 10,000'],
        },
      });
      await assertApiError(
        h.search({ '_aggs.product': 'user_comments' }),
        400,
        {
          errors: {
            '_aggs.product': [
              "Field 'user_comments' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
            ],
          },
        },
      );
      await assertApiError(h.search({ '_aggs.nope': 'product' }), 400, {
        error: "Bad request: Unknown field 'nope' in parameter '_aggs.nope'",
      });
    });
  });
});
