/**
 * Histogram intervals. Dates are cut either by one calendar unit (as
 * Elasticsearch's `calendar_interval`: `1d`, `1w`, `1M`…, in UTC, weeks
 * starting on Monday) or by a whole number of seconds, minutes, hours or
 * days (as its `fixed_interval`: `30s`, `6h`, `2d`…, buckets of that many
 * milliseconds counted from 1970-01-01T00:00:00Z). Numbers are cut by a
 * fixed width.
 */

/** A unit a date histogram can be bucketed by. */
export type DateUnit =
  'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * How the buckets of a date histogram are cut: `count` times `unit`. A
 * count above 1 is a fixed interval, which only units of a fixed length
 * (second, minute, hour, day) can have.
 */
export interface DateInterval {
  readonly unit: DateUnit;
  readonly count: number;
}

/** How the buckets of one histogram are cut. */
export type HistogramInterval =
  | ({ readonly kind: 'date' } & DateInterval)
  | { readonly kind: 'number'; readonly width: number };

/** Spellings Elasticsearch accepts for each calendar unit. */
const UNIT_NAMES: Readonly<Record<string, DateUnit>> = {
  '1s': 'second',
  second: 'second',
  '1m': 'minute',
  minute: 'minute',
  '1h': 'hour',
  hour: 'hour',
  '1d': 'day',
  day: 'day',
  '1w': 'week',
  week: 'week',
  '1M': 'month',
  month: 'month',
  '1q': 'quarter',
  quarter: 'quarter',
  '1y': 'year',
  year: 'year',
};

/** The letters of fixed intervals, and the length of each unit. */
const FIXED_UNITS: Readonly<Record<string, DateUnit>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
};

const UNIT_MS: Readonly<Partial<Record<DateUnit, number>>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** A whole number of fixed units: `2d`, `6h`, `90m`, `30s`. */
const FIXED_INTERVAL = /^([1-9][0-9]{0,5})([smhd])$/;

/** The accepted spellings, for error messages. */
export const DATE_INTERVAL_HELP =
  `one of ${Object.keys(UNIT_NAMES).join(', ')}, ` +
  'or a whole number of s, m, h or d such as 6h or 2d';

/** `1d`, `day`, `1w`, `1M` (month), `6h`, `2d`... or undefined. */
export function parseDateInterval(text: string): DateInterval | undefined {
  if (Object.hasOwn(UNIT_NAMES, text)) {
    return { unit: UNIT_NAMES[text] as DateUnit, count: 1 };
  }
  const fixed = FIXED_INTERVAL.exec(text);
  if (fixed === null) {
    return undefined;
  }
  return {
    unit: FIXED_UNITS[fixed[2] as string] as DateUnit,
    count: Number(fixed[1]),
  };
}

/** The length in milliseconds of a fixed interval, else undefined. */
function fixedLength(interval: DateInterval): number | undefined {
  const unit = UNIT_MS[interval.unit];
  return unit === undefined ? undefined : unit * interval.count;
}

/** The start of the bucket holding `date`. */
export function truncateDate(date: Date, interval: DateInterval): Date {
  const length = fixedLength(interval);
  if (length !== undefined) {
    return new Date(Math.floor(date.getTime() / length) * length);
  }
  const d = new Date(date.getTime());
  switch (interval.unit) {
    case 'year':
      return new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
    case 'quarter': {
      const month = d.getUTCMonth() - (d.getUTCMonth() % 3);
      return new Date(Date.UTC(d.getUTCFullYear(), month, 1));
    }
    case 'month':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    default: {
      // week: the units of fixed length were handled above.
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return new Date(day - sinceMonday * 86_400_000);
    }
  }
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, interval: DateInterval): Date {
  const length = fixedLength(interval);
  if (length !== undefined) {
    return new Date(start.getTime() + length);
  }
  const d = new Date(start.getTime());
  switch (interval.unit) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + 1);
      return d;
    case 'quarter':
      d.setUTCMonth(d.getUTCMonth() + 3);
      return d;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + 1);
      return d;
    default:
      return new Date(d.getTime() + 7 * 86_400_000);
  }
}

/** One date bucket: `start` inclusive, `end` exclusive. */
export interface DateBucket {
  readonly start: Date;
  readonly end: Date;
}

/**
 * The buckets covering `from` to `to` (both inclusive), or undefined when
 * there would be more than `max` of them.
 */
export function dateBuckets(
  from: Date,
  to: Date,
  interval: DateInterval,
  max: number,
): DateBucket[] | undefined {
  const buckets: DateBucket[] = [];
  let start = truncateDate(from, interval);
  while (start.getTime() <= to.getTime()) {
    if (buckets.length === max) {
      return undefined;
    }
    const end = nextBucket(start, interval);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}

/** The key of the number bucket holding `value`, as Elasticsearch's. */
export function numberBucket(value: number, width: number): number {
  return Math.floor(value / width) * width;
}
