/**
 * The meta parameters that shape the answer rather than filter it:
 * `_columns`, `_sort`, `_results_number`, `_results_offset`,
 * `_facets_size` and `_return_query`. Empty values are ignored and an
 * empty list means the default, as in Socorro.
 */
import { invalidParameters } from '../api/errors.js';
import { resolveField, type SearchAccess } from './access.js';
import type { SearchField } from './fields.js';
import { parseBoolean, parseNumber } from './values.js';

/** Columns returned when `_columns` is not given. */
export const DEFAULT_COLUMNS: readonly string[] = [
  'uuid',
  'date',
  'signature',
  'product',
  'version',
];

/** One sort key: `platform` ascending, `-platform` descending. */
export interface SortKey {
  readonly field: SearchField;
  readonly descending: boolean;
}

/** The non-empty values of a parameter. */
export function nonEmpty(values: readonly string[] | undefined): string[] {
  return (values ?? []).filter((value) => value !== '');
}

/** The one value of a single-valued parameter, if given. */
export function singleValue(
  param: string,
  values: readonly string[] | undefined,
): string | undefined {
  const given = nonEmpty(values);
  if (given.length > 1) {
    throw invalidParameters({ [param]: ['Expects a single value'] });
  }
  return given[0];
}

/** `_columns`: the fields of each hit, without repeats. */
export function parseColumns(
  values: readonly string[] | undefined,
  access: SearchAccess,
): SearchField[] {
  const given = nonEmpty(values);
  const names = given.length > 0 ? given : DEFAULT_COLUMNS;
  const fields = names.map((name) =>
    resolveField(name, access, { param: '_columns', inKey: false }),
  );
  return [...new Set(fields)];
}

/** `_sort`: newest `date` first unless given; a field counts once. */
export function parseSort(
  values: readonly string[] | undefined,
  access: SearchAccess,
): SortKey[] {
  const given = nonEmpty(values);
  const names = given.length > 0 ? given : ['-date'];
  const keys: SortKey[] = [];
  for (const name of names) {
    const descending = name.startsWith('-');
    const field = resolveField(descending ? name.slice(1) : name, access, {
      param: '_sort',
      inKey: false,
    });
    if (!keys.some((key) => key.field === field)) {
      keys.push({ field, descending });
    }
  }
  return keys;
}

/** Bounds and default of a whole-number parameter. */
export interface CountRule {
  readonly defaultValue: number;
  readonly max: number;
}

/** A whole number from 0 to `rule.max`. */
export function parseCount(
  param: string,
  values: readonly string[] | undefined,
  rule: CountRule,
): number {
  const text = singleValue(param, values);
  if (text === undefined) {
    return rule.defaultValue;
  }
  const value = parseNumber(text, true);
  if (value === undefined) {
    throw invalidParameters({ [param]: [`'${text}' is not a whole number`] });
  }
  if (value < 0) {
    throw invalidParameters({ [param]: [`${param} cannot be negative`] });
  }
  if (value > rule.max) {
    throw invalidParameters({
      [param]: [
        `${param} cannot be greater than ${rule.max.toLocaleString('en-US')}`,
      ],
    });
  }
  return value;
}

/** A boolean parameter such as `_return_query`. */
export function parseFlag(
  param: string,
  values: readonly string[] | undefined,
): boolean {
  const text = singleValue(param, values);
  if (text === undefined) {
    return false;
  }
  const value = parseBoolean(text);
  if (value === undefined) {
    throw invalidParameters({
      [param]: [`'${text}' is not a boolean (true or false)`],
    });
  }
  return value;
}
