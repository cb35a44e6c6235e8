import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDateRange } from '../../src/search/date-range.js';
import { findSearchField } from '../../src/search/fields.js';
import { parseFieldFilter } from '../../src/search/filter-params.js';
import { assertInvalid } from './support/errors.js';

const date = findSearchField('date');
assert.ok(date);
const now = new Date('2026-12-08T12:00:00Z');
const resolve = (...values: string[]) =>
  resolveDateRange(
    date,
    values.length > 0 ? parseFieldFilter(date, values) : undefined,
    now,
  );
const span = (range: ReturnType<typeof resolve>) => [
  range.from.toISOString(),
  range.to.toISOString(),
];

describe('resolveDateRange', () => {
  it('searches the last seven days by default', () => {
    const range = resolve();
    assert.deepEqual(span(range), [
      '2026-12-01T12:00:00.000Z',
      '2026-12-08T12:00:00.000Z',
    ]);
    assert.deepEqual(range.filter.clauses, [
      { kind: 'range', negated: false, operator: '<=', value: now },
      { kind: 'range', negated: false, operator: '>=', value: range.from },
    ]);
  });

  it('ends at now when only a lower bound is given', () => {
    const range = resolve('>=2026-11-01');
    assert.deepEqual(span(range), [
      '2026-11-01T00:00:00.000Z',
      '2026-12-08T12:00:00.000Z',
    ]);
    assert.equal(range.filter.clauses.length, 2);
  });

  it('starts seven days before an upper bound given alone', () => {
    const range = resolve('<2026-06-10');
    assert.deepEqual(span(range), [
      '2026-06-03T00:00:00.000Z',
      '2026-06-10T00:00:00.000Z',
    ]);
  });

  it('keeps every given bound and measures the tightest', () => {
    const range = resolve(
      '>2025-01-01',
      '>=2026-01-01',
      '<2026-12-31',
      '<=2026-12-01',
    );
    assert.deepEqual(span(range), [
      '2026-01-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    assert.equal(range.filter.clauses.length, 4);
  });

  it('allows 365 days and no more', () => {
    assert.doesNotThrow(() => resolve('>=2025-12-01', '<2026-12-01'));
    assertInvalid(
      () => resolve('>=2025-12-01', '<2026-12-01T00:00:00.001'),
      'date',
      'The date range is longer than 365 days',
    );
    assertInvalid(
      () => resolve('>=2025-01-01'),
      'date',
      'The date range is longer than 365 days',
    );
  });

  it('needs a range operator on every date value', () => {
    const message =
      'date filters need one of the operators >, >=, <, <= and cannot be negated';
    assertInvalid(() => resolve('__null__'), 'date', message);
    assertInvalid(() => resolve('!>2026-12-01'), 'date', message);
    assertInvalid(
      () => resolve('2026-12-01'),
      'date',
      "'2026-12-01' needs an operator: one of >, >=, <, <=, __null__",
    );
  });
});
