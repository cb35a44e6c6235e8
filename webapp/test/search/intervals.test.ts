import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateBuckets,
  nextBucket,
  numberBucket,
  parseDateInterval,
  truncateDate,
  type DateInterval,
  type DateUnit,
} from '../../src/search/intervals.js';

const at = (text: string) => new Date(text);

const one = (unit: DateUnit): DateInterval => ({ unit, count: 1 });

describe('parseDateInterval', () => {
  it("reads Elasticsearch's calendar intervals", () => {
    const cases: [string, DateUnit][] = [
      ['1s', 'second'],
      ['1m', 'minute'],
      ['1h', 'hour'],
      ['1d', 'day'],
      ['day', 'day'],
      ['1w', 'week'],
      ['week', 'week'],
      ['1M', 'month'],
      ['1q', 'quarter'],
      ['1y', 'year'],
    ];
    for (const [text, unit] of cases) {
      assert.deepEqual(parseDateInterval(text), one(unit), text);
    }
  });

  it('reads fixed intervals of seconds, minutes, hours and days', () => {
    assert.deepEqual(parseDateInterval('2d'), { unit: 'day', count: 2 });
    assert.deepEqual(parseDateInterval('6h'), { unit: 'hour', count: 6 });
    assert.deepEqual(parseDateInterval('90m'), { unit: 'minute', count: 90 });
    assert.deepEqual(parseDateInterval('30s'), { unit: 'second', count: 30 });
  });

  it('refuses other spellings', () => {
    const refused = [
      '0d',
      '02d',
      '2w',
      '2M',
      '2q',
      '2y',
      '1.5h',
      '-1d',
      '1000000d',
      'days',
      '1D',
      '',
      'toString',
      'constructor',
    ];
    for (const text of refused) {
      assert.equal(parseDateInterval(text), undefined, text);
    }
  });
});

describe('truncateDate and nextBucket', () => {
  const date = at('2026-11-18T13:47:21.500Z'); // a Wednesday
  const cases: [DateUnit, string, string][] = [
    ['second', '2026-11-18T13:47:21.000Z', '2026-11-18T13:47:22.000Z'],
    ['minute', '2026-11-18T13:47:00.000Z', '2026-11-18T13:48:00.000Z'],
    ['hour', '2026-11-18T13:00:00.000Z', '2026-11-18T14:00:00.000Z'],
    ['day', '2026-11-18T00:00:00.000Z', '2026-11-19T00:00:00.000Z'],
    ['week', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ['month', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['quarter', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['year', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ];
  for (const [unit, start, next] of cases) {
    it(`cuts by ${unit}`, () => {
      const truncated = truncateDate(date, one(unit));
      assert.equal(truncated.toISOString(), start);
      assert.equal(nextBucket(truncated, one(unit)).toISOString(), next);
    });
  }

  it('starts weeks on Monday, Sunday included in the week before', () => {
    assert.equal(
      truncateDate(at('2026-11-22T23:00:00Z'), one('week')).toISOString(),
      '2026-11-16T00:00:00.000Z',
    );
    assert.equal(
      truncateDate(at('2026-11-23T00:00:00Z'), one('week')).toISOString(),
      '2026-11-23T00:00:00.000Z',
    );
  });

  it('does not change its argument', () => {
    const original = at('2026-11-18T13:47:21.500Z');
    truncateDate(original, one('day'));
    truncateDate(original, { unit: 'hour', count: 6 });
    nextBucket(original, one('month'));
    nextBucket(original, { unit: 'day', count: 2 });
    assert.equal(original.toISOString(), '2026-11-18T13:47:21.500Z');
  });
});

describe('fixed intervals', () => {
  it('count buckets of that length from the start of 1970', () => {
    // 2026-11-18 is day 20,775 since 1970-01-01, an odd day: the 2-day
    // bucket holding it started the day before.
    const date = at('2026-11-18T13:47:21.500Z');
    const twoDays = { unit: 'day', count: 2 } as const;
    assert.equal(
      truncateDate(date, twoDays).toISOString(),
      '2026-11-17T00:00:00.000Z',
    );
    assert.equal(
      nextBucket(at('2026-11-17T00:00:00Z'), twoDays).toISOString(),
      '2026-11-19T00:00:00.000Z',
    );
    const sixHours = { unit: 'hour', count: 6 } as const;
    assert.equal(
      truncateDate(date, sixHours).toISOString(),
      '2026-11-18T12:00:00.000Z',
    );
    assert.equal(
      truncateDate(date, { unit: 'minute', count: 90 }).toISOString(),
      '2026-11-18T13:30:00.000Z',
    );
    assert.equal(
      truncateDate(date, { unit: 'second', count: 30 }).toISOString(),
      '2026-11-18T13:47:00.000Z',
    );
  });

  it('put a bucket boundary in the bucket it starts', () => {
    const sixHours = { unit: 'hour', count: 6 } as const;
    assert.equal(
      truncateDate(at('2026-11-18T18:00:00Z'), sixHours).toISOString(),
      '2026-11-18T18:00:00.000Z',
    );
    assert.equal(
      truncateDate(at('2026-11-18T17:59:59.999Z'), sixHours).toISOString(),
      '2026-11-18T12:00:00.000Z',
    );
  });
});

describe('dateBuckets', () => {
  it('covers both ends', () => {
    const buckets = dateBuckets(
      at('2026-12-01T12:00:00Z'),
      at('2026-12-03T00:00:00Z'),
      one('day'),
      10,
    );
    assert.deepEqual(
      buckets?.map((b) => [b.start.toISOString(), b.end.toISOString()]),
      [
        ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
        ['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z'],
        ['2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z'],
      ],
    );
  });

  it('gives up past the maximum', () => {
    const from = at('2026-12-01T00:00:00Z');
    const to = at('2026-12-03T23:00:00Z');
    assert.equal(dateBuckets(from, to, one('day'), 3)?.length, 3);
    assert.equal(dateBuckets(from, to, one('day'), 2), undefined);
  });

  it('is empty when the range is', () => {
    assert.deepEqual(
      dateBuckets(
        at('2026-12-03T00:00:00Z'),
        at('2026-12-01T00:00:00Z'),
        one('day'),
        5,
      ),
      [],
    );
  });
});

describe('numberBucket', () => {
  it('floors to a multiple of the width', () => {
    assert.equal(numberBucket(0, 10), 0);
    assert.equal(numberBucket(19.9, 10), 10);
    assert.equal(numberBucket(20, 10), 20);
    assert.equal(numberBucket(-1, 10), -10);
    assert.equal(numberBucket(7, 1), 7);
    assert.equal(numberBucket(1.5, 1), 1);
  });
});
