/**
 * Socorro's operator prefixes. A value may start with `!` (not) and then
 * one operator; which operators a field takes depends on its query type,
 * and longer operators are tried first, so `>=` is never read as `>`.
 */
import type { SearchQueryType } from './fields.js';

/** Operators comparing a value with an ordered field. */
export type RangeOperator = '>' | '>=' | '<' | '<=';

/** Operators matching a string field against a pattern. */
export type PatternOperator = '~' | '^' | '$' | '@';

/** Every operator; `''` is a value without one. */
export type Operator =
  '' | '=' | PatternOperator | RangeOperator | '__null__' | '__true__';

/** A query value split into negation, operator and operand. */
export interface OperatorTerm {
  readonly negated: boolean;
  readonly operator: Operator;
  readonly operand: string;
}

const NOT = '!';

/** Whole-value operators: they take no operand. */
type Flag = '__null__' | '__true__';

const PREFIXES: Readonly<Record<SearchQueryType, readonly Operator[]>> = {
  string: ['=', '~', '^', '$', '@'],
  number: ['>=', '<=', '>', '<'],
  date: ['>=', '<=', '>', '<'],
  bool: [],
};

const FLAGS_BY_TYPE: Readonly<Record<SearchQueryType, readonly Flag[]>> = {
  string: ['__null__'],
  number: ['__null__'],
  date: ['__null__'],
  bool: ['__null__', '__true__'],
};

/** True for the operators that bound a range. */
export function isRangeOperator(operator: Operator): operator is RangeOperator {
  return (
    operator === '>' ||
    operator === '>=' ||
    operator === '<' ||
    operator === '<='
  );
}

/**
 * Splits a raw value. Text that starts with no operator of the field's
 * type is an operand as it is: `>5` on a string field is the text `>5`.
 */
export function splitOperator(
  raw: string,
  queryType: SearchQueryType,
): OperatorTerm {
  const negated = raw.startsWith(NOT);
  const rest = negated ? raw.slice(NOT.length) : raw;
  const flag = FLAGS_BY_TYPE[queryType].find((f) => rest === f);
  if (flag) {
    return { negated, operator: flag, operand: '' };
  }
  const prefix = PREFIXES[queryType].find((p) => rest.startsWith(p));
  if (prefix) {
    return { negated, operator: prefix, operand: rest.slice(prefix.length) };
  }
  return { negated, operator: '', operand: rest };
}
