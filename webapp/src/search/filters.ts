/**
 * Turns filter clauses into a MongoDB filter. Keys come only from the field
 * list and every user value is an operand: text for substring, prefix and
 * suffix matches is escaped, and a regular expression is passed as a
 * `$regex` string. Per field, range clauses are ANDed and the others ORed;
 * fields are ANDed.
 */
import type { Document } from 'mongodb';
import type { SearchField } from './fields.js';
import type { Clause, FieldFilter } from './filter-params.js';
import type { RangeOperator } from './operators.js';

const MONGO_RANGE: Readonly<Record<RangeOperator, string>> = {
  '>': '$gt',
  '>=': '$gte',
  '<': '$lt',
  '<=': '$lte',
};

/**
 * Escapes the characters that are special in a regular expression. Only
 * punctuation is escaped, which PCRE (MongoDB) and RE2 (FerretDB) both
 * read as the character itself, and the null character.
 */
export function escapeRegex(text: string): string {
  // A null character cannot appear in a pattern as it is; both read \x00.
  return text
    .replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
    .replaceAll('\0', '\\x00');
}

/** The `$regex` source of a pattern clause. */
export function patternSource(
  clause: Extract<Clause, { kind: 'pattern' }>,
): string {
  switch (clause.operator) {
    case '~':
      return escapeRegex(clause.value);
    case '^':
      return `^${escapeRegex(clause.value)}`;
    case '$':
      return `${escapeRegex(clause.value)}$`;
    case '@':
      // Socorro's regular expressions (Elasticsearch's) match whole values.
      return `^(?:${clause.value})$`;
  }
}

/**
 * Text of a datetime bound in the form the text-stored datetime fields
 * use, for comparing strings: whole seconds cut at the seconds (so any
 * fraction or zone after them sorts later), otherwise milliseconds.
 */
export function isoTextBound(date: Date): string {
  const text = date.toISOString();
  return date.getUTCMilliseconds() === 0
    ? text.slice(0, 19)
    : text.slice(0, 23);
}

/**
 * A range condition on one field. Datetimes stored as text are compared as
 * text, which orders UTC ISO-8601 values in time; `>` and `<=` become
 * `>=` and `<` of the next millisecond so the text suffix cannot matter.
 */
export function rangeCondition(
  field: SearchField,
  operator: RangeOperator,
  value: number | Date,
): Document {
  if (!(value instanceof Date) || field.dateStorage !== 'text') {
    return { [MONGO_RANGE[operator]]: value };
  }
  // NOTE: sub-millisecond digits of stored values are not compared.
  const exclusive = operator === '>' || operator === '<=';
  const bound = new Date(value.getTime() + (exclusive ? 1 : 0));
  const op = operator.startsWith('>') ? '$gte' : '$lt';
  return { [op]: isoTextBound(bound) };
}

/** Matches text fields whole, ignoring case. */
function caseInsensitive(stored: string, value: string): Document {
  return {
    [stored]: { $regex: `^${escapeRegex(value)}$`, $options: 'i' },
  };
}

function termsFilter(
  field: SearchField,
  clause: Extract<Clause, { kind: 'terms' }>,
): Document {
  const stored = field.storedName;
  if (field.isText) {
    // LIMITATION: a case-insensitive regular expression cannot use an
    // index, so bare values on text fields scan the documents that the
    // other conditions leave. See docs/limitations.md.
    const matches = clause.values.map((v) =>
      caseInsensitive(stored, String(v)),
    );
    if (clause.negated) {
      return { $nor: matches };
    }
    return matches.length === 1 ? (matches[0] as Document) : { $or: matches };
  }
  const values = [...clause.values];
  if (clause.negated) {
    return { [stored]: { $nin: values } };
  }
  return { [stored]: values.length === 1 ? values[0] : { $in: values } };
}

/** The MongoDB condition of one clause. */
export function clauseFilter(field: SearchField, clause: Clause): Document {
  const stored = field.storedName;
  const { negated } = clause;
  switch (clause.kind) {
    case 'terms':
      return termsFilter(field, clause);
    case 'exact':
      return { [stored]: negated ? { $ne: clause.value } : clause.value };
    case 'pattern': {
      const regex = { $regex: patternSource(clause) };
      return { [stored]: negated ? { $not: regex } : regex };
    }
    case 'range': {
      const range = rangeCondition(field, clause.operator, clause.value);
      return { [stored]: negated ? { $not: range } : range };
    }
    case 'null':
      return { [stored]: negated ? { $ne: null } : null };
    case 'true':
      return { [stored]: negated ? { $ne: true } : true };
  }
}

/** ANDs conditions, lifting the parts of nested `$and`s. */
export function allOf(parts: readonly Document[]): Document {
  const flat = parts.flatMap((part) => {
    const keys = Object.keys(part);
    return keys.length === 1 && keys[0] === '$and'
      ? (part.$and as Document[])
      : [part];
  });
  if (flat.length === 0) {
    return {};
  }
  return flat.length === 1 ? (flat[0] as Document) : { $and: flat };
}

/** The condition of one field: (others ORed) AND each range. */
export function fieldFilter(filter: FieldFilter): Document {
  const ranges = filter.clauses.filter((c) => c.kind === 'range');
  const others = filter.clauses.filter((c) => c.kind !== 'range');
  const parts = ranges.map((c) => clauseFilter(filter.field, c));
  if (others.length > 0) {
    const alternatives = others.map((c) => clauseFilter(filter.field, c));
    parts.unshift(
      alternatives.length === 1
        ? (alternatives[0] as Document)
        : { $or: alternatives },
    );
  }
  return allOf(parts);
}

/** The filter of a whole search: every field's condition ANDed. */
export function searchFilter(filters: readonly FieldFilter[]): Document {
  return allOf(
    filters.filter((f) => f.clauses.length > 0).map((f) => fieldFilter(f)),
  );
}
