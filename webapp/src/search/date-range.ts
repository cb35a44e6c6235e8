/**
 * Socorro's rules for the `date` field: every date filter carries a range
 * operator; a missing upper bound is now, a missing lower bound is seven
 * days before the upper one; and the range spans at most 365 days.
 */
import { invalidParameters } from '../api/errors.js';
import type { SearchField } from './fields.js';
import type { Clause, FieldFilter } from './filter-params.js';

/** Days searched when no lower bound is given. */
export const DEFAULT_DATE_RANGE_DAYS = 7;

/** Longest date range a search may cover. */
export const MAX_DATE_RANGE_DAYS = 365;

const DAY_MS = 86_400_000;

/** The `date` filter to apply and the span it covers. */
export interface DateRange {
  readonly filter: FieldFilter;
  readonly from: Date;
  readonly to: Date;
}

type RangeClause = Extract<Clause, { kind: 'range' }>;

function isDateBound(clause: Clause): clause is RangeClause & { value: Date } {
  return (
    clause.kind === 'range' && !clause.negated && clause.value instanceof Date
  );
}

function tightest(
  clauses: readonly (RangeClause & { value: Date })[],
  lower: boolean,
): Date | undefined {
  const values = clauses
    .filter((c) => c.operator.startsWith(lower ? '>' : '<'))
    .map((c) => c.value.getTime());
  if (values.length === 0) {
    return undefined;
  }
  return new Date(lower ? Math.max(...values) : Math.min(...values));
}

/**
 * Completes the `date` filter with the default bounds and checks its span.
 *
 * @param field - The `date` field.
 * @param given - The caller's `date` filter, if any.
 * @param now - The current time.
 */
export function resolveDateRange(
  field: SearchField,
  given: FieldFilter | undefined,
  now: Date,
): DateRange {
  const clauses = given?.clauses ?? [];
  const bounds = clauses.filter(isDateBound);
  if (bounds.length !== clauses.length) {
    throw invalidParameters({
      [field.name]: [
        `${field.name} filters need one of the operators >, >=, <, <= and cannot be negated`,
      ],
    });
  }
  const extra: RangeClause[] = [];
  let to = tightest(bounds, false);
  if (to === undefined) {
    to = now;
    extra.push({ kind: 'range', negated: false, operator: '<=', value: to });
  }
  let from = tightest(bounds, true);
  if (from === undefined) {
    from = new Date(to.getTime() - DEFAULT_DATE_RANGE_DAYS * DAY_MS);
    extra.push({ kind: 'range', negated: false, operator: '>=', value: from });
  }
  if (to.getTime() - from.getTime() > MAX_DATE_RANGE_DAYS * DAY_MS) {
    throw invalidParameters({
      [field.name]: [
        `The date range is longer than ${MAX_DATE_RANGE_DAYS} days`,
      ],
    });
  }
  return { filter: { field, clauses: [...bounds, ...extra] }, from, to };
}
