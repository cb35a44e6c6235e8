import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSearchField, type SearchField } from '../../src/search/fields.js';
import {
  MAX_REGEX_LENGTH,
  parseFieldFilter,
} from '../../src/search/filter-params.js';
import { assertInvalid } from './support/errors.js';

function field(name: string): SearchField {
  const found = findSearchField(name);
  assert.ok(found);
  return found;
}

const clausesOf = (name: string, ...values: string[]) =>
  parseFieldFilter(field(name), values).clauses;

describe('parseFieldFilter', () => {
  it('gathers plain values into one clause per negation', () => {
    assert.deepEqual(clausesOf('product', 'Firefox', '!Fenix', 'Focus', '!x'), [
      { kind: 'terms', negated: false, values: ['Firefox', 'Focus'] },
      { kind: 'terms', negated: true, values: ['Fenix', 'x'] },
    ]);
  });

  it('keeps one clause per operator value, before the plain ones', () => {
    assert.deepEqual(clausesOf('signature', 'a', '~b', '!^c', '@d+', '=e'), [
      { kind: 'pattern', negated: false, operator: '~', value: 'b' },
      { kind: 'pattern', negated: true, operator: '^', value: 'c' },
      { kind: 'pattern', negated: false, operator: '@', value: 'd+' },
      { kind: 'exact', negated: false, value: 'e' },
      { kind: 'terms', negated: false, values: ['a'] },
    ]);
  });

  it('ignores empty values', () => {
    assert.deepEqual(clausesOf('product', '', ''), []);
  });

  it('reads numbers, whole for integer fields', () => {
    assert.deepEqual(clausesOf('uptime', '>=10', '!<5', '7'), [
      { kind: 'range', negated: false, operator: '>=', value: 10 },
      { kind: 'range', negated: true, operator: '<', value: 5 },
      { kind: 'terms', negated: false, values: [7] },
    ]);
    assertInvalid(
      () => clausesOf('uptime', '1.5'),
      'uptime',
      "'1.5' is not a whole number",
    );
    assertInvalid(
      () => clausesOf('uptime', '>abc'),
      'uptime',
      "'abc' is not a whole number",
    );
    assertInvalid(
      () => clausesOf('uptime', '~5'),
      'uptime',
      "'~5' is not a whole number",
    );
  });

  it('reads dates for datetime fields', () => {
    assert.deepEqual(clausesOf('completed_datetime', '<2026-12-01'), [
      {
        kind: 'range',
        negated: false,
        operator: '<',
        value: new Date('2026-12-01T00:00:00Z'),
      },
    ]);
    assertInvalid(
      () => clausesOf('completed_datetime', '>2026-13-01'),
      'completed_datetime',
      "'2026-13-01' is not an ISO-8601 date",
    );
    assertInvalid(
      () => clausesOf('completed_datetime', '2026-12-01'),
      'completed_datetime',
      "'2026-12-01' needs an operator: one of >, >=, <, <=, __null__",
    );
  });

  it('reads booleans and the flags', () => {
    assert.deepEqual(
      clausesOf('success', 'true', '!F', '__true__', '__null__'),
      [
        { kind: 'true', negated: false },
        { kind: 'null', negated: false },
        { kind: 'terms', negated: false, values: [true] },
        { kind: 'terms', negated: true, values: [false] },
      ],
    );
    assertInvalid(
      () => clausesOf('success', 'perhaps'),
      'success',
      "'perhaps' is not a boolean (true or false)",
    );
  });

  it('needs a value after a pattern or range operator', () => {
    assertInvalid(
      () => clausesOf('signature', '~'),
      'signature',
      "Operator '~' needs a value after it",
    );
    assertInvalid(
      () => clausesOf('uptime', '!>='),
      'uptime',
      "Operator '>=' needs a value after it",
    );
    assert.deepEqual(clausesOf('signature', '='), [
      { kind: 'exact', negated: false, value: '' },
    ]);
  });

  it('checks regular expressions', () => {
    assertInvalid(
      () => clausesOf('signature', '@(unclosed'),
      'signature',
      'Invalid regular expression: /(unclosed/: Unterminated group',
    );
    assertInvalid(
      () => clausesOf('signature', '@a\0'),
      'signature',
      'Regular expression contains a null character',
    );
    const long = 'a'.repeat(MAX_REGEX_LENGTH + 1);
    assertInvalid(
      () => clausesOf('signature', `@${long}`),
      'signature',
      `Regular expression is longer than ${MAX_REGEX_LENGTH} characters`,
    );
    assert.equal(
      clausesOf('signature', `@${'a'.repeat(MAX_REGEX_LENGTH)}`).length,
      1,
    );
  });

  it('turns versions ending in b into prefix matches', () => {
    assert.deepEqual(clausesOf('version', '128.0b', '!127.0b', '128.0'), [
      { kind: 'pattern', negated: false, operator: '^', value: '128.0b' },
      { kind: 'pattern', negated: true, operator: '^', value: '127.0b' },
      { kind: 'terms', negated: false, values: ['128.0'] },
    ]);
    assert.deepEqual(clausesOf('product', 'Webb'), [
      { kind: 'terms', negated: false, values: ['Webb'] },
    ]);
  });
});
