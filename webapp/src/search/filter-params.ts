/**
 * Reads the values of one field's filter parameter into clauses: each value
 * is split into negation, operator and operand, and the operand is checked
 * against the field's type. Values without an operator are gathered into
 * one "any of" clause per negation, as Socorro does.
 */
import { invalidParameters } from '../api/errors.js';
import type { SearchField } from './fields.js';
import {
  isRangeOperator,
  splitOperator,
  type OperatorTerm,
  type PatternOperator,
  type RangeOperator,
} from './operators.js';
import { parseBoolean, parseIsoDate, parseNumber } from './values.js';

/** A value a field may equal. */
export type TermValue = string | number | boolean;

/** One condition on a field. */
export type Clause =
  /** Equals any of the values (a value without an operator). */
  | {
      readonly kind: 'terms';
      readonly negated: boolean;
      readonly values: readonly TermValue[];
    }
  /** `=`: equals the text exactly, case included. */
  | {
      readonly kind: 'exact';
      readonly negated: boolean;
      readonly value: string;
    }
  /** `~`, `^`, `$` and `@` (a regular expression matching the whole value). */
  | {
      readonly kind: 'pattern';
      readonly negated: boolean;
      readonly operator: PatternOperator;
      readonly value: string;
    }
  | {
      readonly kind: 'range';
      readonly negated: boolean;
      readonly operator: RangeOperator;
      readonly value: number | Date;
    }
  /** `__null__`: the field is missing or null. */
  | { readonly kind: 'null'; readonly negated: boolean }
  /** `__true__`: the field is true. */
  | { readonly kind: 'true'; readonly negated: boolean };

/** Every clause given for one field. */
export interface FieldFilter {
  readonly field: SearchField;
  readonly clauses: readonly Clause[];
}

/** Longest regular expression `@` accepts. */
export const MAX_REGEX_LENGTH = 200;

type SingleClause = Exclude<Clause, { kind: 'terms' }>;

/** A value without an operator, before grouping. */
interface Term {
  readonly negated: boolean;
  readonly value: TermValue;
}

function fail(field: SearchField, message: string): never {
  throw invalidParameters({ [field.name]: [message] });
}

function checkRegex(field: SearchField, pattern: string): void {
  if (pattern.length > MAX_REGEX_LENGTH) {
    fail(
      field,
      `Regular expression is longer than ${MAX_REGEX_LENGTH} characters`,
    );
  }
  if (pattern.includes('\0')) {
    fail(field, 'Regular expression contains a null character');
  }
  try {
    new RegExp(pattern);
  } catch (error) {
    // The message starts with "Invalid regular expression".
    fail(field, error instanceof Error ? error.message : String(error));
  }
}

function rangeValue(field: SearchField, operand: string): number | Date {
  if (field.queryType === 'date') {
    return parseIsoDate(operand) ?? fail(field, notADate(operand));
  }
  return (
    parseNumber(operand, field.type === 'integer') ??
    fail(field, notANumber(field, operand))
  );
}

function notADate(operand: string): string {
  return `'${operand}' is not an ISO-8601 date`;
}

function notANumber(field: SearchField, operand: string): string {
  return field.type === 'integer'
    ? `'${operand}' is not a whole number`
    : `'${operand}' is not a number`;
}

/** The value of a term without an operator, checked against the type. */
function termValue(field: SearchField, operand: string): TermValue {
  switch (field.queryType) {
    case 'string':
      return operand;
    case 'number':
      return (
        parseNumber(operand, field.type === 'integer') ??
        fail(field, notANumber(field, operand))
      );
    case 'bool':
      return (
        parseBoolean(operand) ??
        fail(field, `'${operand}' is not a boolean (true or false)`)
      );
    case 'date':
      return fail(
        field,
        `'${operand}' needs an operator: one of >, >=, <, <=, __null__`,
      );
  }
}

/** A term with an operator, or undefined for a plain term. */
function singleClause(
  field: SearchField,
  term: OperatorTerm,
): SingleClause | undefined {
  const { negated, operator, operand } = term;
  if (operator === '') {
    return undefined;
  }
  if (operator === '__null__') {
    return { kind: 'null', negated };
  }
  if (operator === '__true__') {
    return { kind: 'true', negated };
  }
  if (operator === '=') {
    return { kind: 'exact', negated, value: operand };
  }
  if (operand === '') {
    fail(field, `Operator '${operator}' needs a value after it`);
  }
  if (isRangeOperator(operator)) {
    return {
      kind: 'range',
      negated,
      operator,
      value: rangeValue(field, operand),
    };
  }
  if (operator === '@') {
    checkRegex(field, operand);
  }
  return { kind: 'pattern', negated, operator, value: operand };
}

/**
 * Socorro's version rule: a version without an operator that ends in `b`
 * (`128.0b`) means every beta of it, so it becomes a starts-with match.
 */
function isBetaPrefix(
  field: SearchField,
  term: Term,
): term is Term & {
  value: string;
} {
  return (
    field.name === 'version' &&
    typeof term.value === 'string' &&
    term.value.endsWith('b')
  );
}

/**
 * The clauses of one field's values. Empty values are ignored, as in
 * Socorro; throws a 400 naming the field for a value it cannot take.
 */
export function parseFieldFilter(
  field: SearchField,
  rawValues: readonly string[],
): FieldFilter {
  const clauses: Clause[] = [];
  const terms: Term[] = [];
  for (const raw of rawValues) {
    if (raw === '') {
      continue;
    }
    const term = splitOperator(raw, field.queryType);
    const clause = singleClause(field, term);
    if (clause) {
      clauses.push(clause);
      continue;
    }
    const plain = {
      negated: term.negated,
      value: termValue(field, term.operand),
    };
    if (isBetaPrefix(field, plain)) {
      clauses.push({
        kind: 'pattern',
        negated: plain.negated,
        operator: '^',
        value: plain.value,
      });
    } else {
      terms.push(plain);
    }
  }
  for (const negated of [false, true]) {
    const values = terms
      .filter((t) => t.negated === negated)
      .map((t) => t.value);
    if (values.length > 0) {
      clauses.push({ kind: 'terms', negated, values });
    }
  }
  return { field, clauses };
}
