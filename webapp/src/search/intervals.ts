/**
 * Histogram intervals: calendar units for dates (as Elasticsearch's
 * `calendar_interval`, in UTC, weeks starting on Monday) and fixed widths
 * for numbers.
 */
// LIMITATION: a date histogram takes one calendar unit per bucket; multiples
// such as 2d are refused (docs/limitations.md).

/** A calendar unit a date histogram can be bucketed by. */
export type DateUnit =
  'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** How the buckets of one histogram are cut. */
export type HistogramInterval =
  | { readonly kind: 'date'; readonly unit: DateUnit }
  | { readonly kind: 'number'; readonly width: number };

/** Spellings Elasticsearch accepts for each calendar unit. */
const UNIT_NAMES: Readonly<Record<string, DateUnit>> = {
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

/** The spellings of {@link parseDateUnit}, for error messages. */
export const DATE_UNIT_NAMES: readonly string[] = Object.keys(UNIT_NAMES);

/** `1d`, `day`, `1h`, `1w`, `1M` (month)... or undefined. */
export function parseDateUnit(text: string): DateUnit | undefined {
  return Object.hasOwn(UNIT_NAMES, text) ? UNIT_NAMES[text] : undefined;
}

/** The start of the bucket holding `date`. */
export function truncateDate(date: Date, unit: DateUnit): Date {
  const d = new Date(date.getTime());
  switch (unit) {
    case 'year':
      return new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
    case 'quarter': {
      const month = d.getUTCMonth() - (d.getUTCMonth() % 3);
      return new Date(Date.UTC(d.getUTCFullYear(), month, 1));
    }
    case 'month':
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    case 'week': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      return new Date(day - sinceMonday * 86_400_000);
    }
    case 'day':
      d.setUTCHours(0, 0, 0, 0);
      return d;
    case 'hour':
      d.setUTCMinutes(0, 0, 0);
      return d;
    case 'minute':
      d.setUTCSeconds(0, 0);
      return d;
  }
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, unit: DateUnit): Date {
  const d = new Date(start.getTime());
  switch (unit) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + 1);
      return d;
    case 'quarter':
      d.setUTCMonth(d.getUTCMonth() + 3);
      return d;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + 1);
      return d;
    case 'week':
      return new Date(d.getTime() + 7 * 86_400_000);
    case 'day':
      return new Date(d.getTime() + 86_400_000);
    case 'hour':
      return new Date(d.getTime() + 3_600_000);
    case 'minute':
      return new Date(d.getTime() + 60_000);
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
  unit: DateUnit,
  max: number,
): DateBucket[] | undefined {
  const buckets: DateBucket[] = [];
  let start = truncateDate(from, unit);
  while (start.getTime() <= to.getTime()) {
    if (buckets.length === max) {
      return undefined;
    }
    const end = nextBucket(start, unit);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}

/** The key of the number bucket holding `value`, as Elasticsearch's. */
export function numberBucket(value: number, width: number): number {
  return Math.floor(value / width) * width;
}
