import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS, type Principal } from '../../src/auth/permissions.js';
import { SEARCH_FIELDS } from '../../src/search/index.js';
import { parseSearchRequest } from '../../src/search/params.js';
import { NOW, tokenPrincipal } from './support/crashes.js';
import {
  apiErrorOf,
  assertBadRequest,
  assertInvalid,
} from './support/errors.js';
import { queryOf } from './support/harness.js';

const anonymous = { principal: ANONYMOUS, unredacted: false };
const parse = (
  query: Record<string, string | string[]>,
  access: { principal: Principal; unredacted: boolean } = anonymous,
) => parseSearchRequest(queryOf(query), access, NOW);

describe('parseSearchRequest', () => {
  it('fills in the defaults', () => {
    const request = parse({});
    assert.equal(request.resultsNumber, 100);
    assert.equal(request.resultsOffset, 0);
    assert.equal(request.facetsSize, 50);
    assert.equal(request.returnQuery, false);
    assert.deepEqual(
      request.filters.map((f) => f.field.name),
      ['date'],
    );
    assert.equal(request.dateRange.to, NOW);
    assert.deepEqual(
      request.columns.map((c) => c.name),
      ['uuid', 'date', 'signature', 'product', 'version'],
    );
    assert.deepEqual(
      request.facets.map((f) => f.key),
      ['signature'],
    );
  });

  it('reads one filter per field, date last', () => {
    const request = parse({
      date: '>=2026-12-05',
      product: ['Firefox', 'Fenix'],
      uptime: '>5',
      version: '',
    });
    assert.deepEqual(
      request.filters.map((f) => [f.field.name, f.clauses.length]),
      [
        ['product', 1],
        ['uptime', 1],
        ['date', 2],
      ],
    );
    assert.equal(
      request.dateRange.from.toISOString(),
      '2026-12-05T00:00:00.000Z',
    );
  });

  it('reads the paging and facet sizes', () => {
    const request = parse({
      _results_number: '0',
      _results_offset: '9000',
      _facets_size: '10000',
      _return_query: 'true',
    });
    assert.equal(request.resultsNumber, 0);
    assert.equal(request.resultsOffset, 9000);
    assert.equal(request.facetsSize, 10_000);
    assert.equal(request.returnQuery, true);
  });

  it('bounds the paging and facet sizes', () => {
    assertInvalid(
      () => parse({ _results_number: '1001' }),
      '_results_number',
      '_results_number cannot be greater than 1,000',
    );
    assertInvalid(
      () => parse({ _facets_size: '10001' }),
      '_facets_size',
      '_facets_size cannot be greater than 10,000',
    );
    assertInvalid(
      () => parse({ _results_offset: '9901', _results_number: '100' }),
      '_results_offset',
      '_results_offset + _results_number cannot be greater than 10,000',
    );
    assertInvalid(
      () => parse({ _results_offset: '-1' }),
      '_results_offset',
      '_results_offset cannot be negative',
    );
  });

  it('refuses unknown parameters', () => {
    assertBadRequest(() => parse({ nope: 'x' }), "Unknown parameter 'nope'");
    assertBadRequest(() => parse({ _nope: 'x' }), "Unknown parameter '_nope'");
    assertBadRequest(
      () => parse({ '_cardinality.platform': 'x' }),
      "Unknown parameter '_cardinality.platform'",
    );
    assertBadRequest(
      () => parse({ os_name: 'Linux' }),
      "Unknown parameter 'os_name'",
    );
    assertBadRequest(
      () => parse({ json_dump: 'x' }),
      "Unknown parameter 'json_dump'",
    );
  });

  it('refuses bad filter values, naming the field', () => {
    assertInvalid(
      () => parse({ date: '2026-12-01' }),
      'date',
      "'2026-12-01' needs an operator: one of >, >=, <, <=, __null__",
    );
    assertInvalid(
      () => parse({ date: '>=2025-01-01' }),
      'date',
      'The date range is longer than 365 days',
    );
    assertInvalid(
      () => parse({ install_age: '<soon' }),
      'install_age',
      "'soon' is not a whole number",
    );
  });
});

describe('protected fields', () => {
  const protectedFields = SEARCH_FIELDS.filter((f) => f.isProtected);
  const callers: [string, Principal, boolean][] = [
    ['anonymous on SuperSearch', ANONYMOUS, false],
    ['view_pii on SuperSearch', tokenPrincipal(['view_pii']), false],
    ['anonymous on SuperSearchUnredacted', ANONYMOUS, true],
    [
      'view_rawdump on SuperSearchUnredacted',
      tokenPrincipal(['view_rawdump']),
      true,
    ],
  ];
  /** Every place a field name can appear in a query. */
  const places = (name: string): Record<string, string | string[]>[] => [
    // `date` filters take range operators only.
    { [name]: name === 'date' ? '>=2026-12-05' : '__null__' },
    { [name]: name === 'date' ? '<2026-12-05' : '!__null__' },
    { _columns: ['uuid', name] },
    { _sort: name },
    { _sort: `-${name}` },
    { _facets: name },
    { _facets: `_cardinality.${name}` },
    { [`_aggs.${name}`]: 'product' },
    { [`_aggs.product.${name}`]: 'platform' },
    { '_aggs.product': name },
    { '_aggs.product': `_cardinality.${name}` },
    { '_histogram.date': name },
    { '_histogram.uptime': `_cardinality.${name}` },
  ];

  it('exist in the schema', () => {
    assert.ok(protectedFields.length >= 4);
  });

  for (const [who, principal, unredacted] of callers) {
    it(`are refused everywhere to ${who}`, () => {
      for (const field of protectedFields) {
        for (const query of places(field.name)) {
          const { status, body } = apiErrorOf(() =>
            parse(query, { principal, unredacted }),
          );
          assert.equal(status, 400, JSON.stringify(query));
          const text = JSON.stringify(body);
          assert.ok(
            text.includes(`Field '${field.name}'`) && text.includes('view_pii'),
            `${JSON.stringify(query)} -> ${text}`,
          );
        }
      }
    });
  }

  it('are allowed everywhere on SuperSearchUnredacted with view_pii', () => {
    const access = {
      principal: tokenPrincipal(['view_pii']),
      unredacted: true,
    };
    for (const field of protectedFields) {
      for (const query of places(field.name)) {
        assert.doesNotThrow(() => parse(query, access), JSON.stringify(query));
      }
    }
  });

  it('leave public fields open to everyone', () => {
    for (const field of SEARCH_FIELDS.filter((f) => !f.isProtected)) {
      for (const query of places(field.name)) {
        assert.doesNotThrow(() => parse(query), JSON.stringify(query));
      }
    }
  });
});
