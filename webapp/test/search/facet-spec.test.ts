import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS } from '../../src/auth/permissions.js';
import {
  isFacetParam,
  parseFacets,
  type FacetNode,
} from '../../src/search/facet-spec.js';
import { queryOf } from './support/harness.js';
import { tokenPrincipal } from './support/crashes.js';
import { assertBadRequest, assertInvalid } from './support/errors.js';

const access = { principal: ANONYMOUS, unredacted: false };
const facets = (query: Record<string, string | string[]>) =>
  parseFacets(queryOf(query), access);

/** A readable outline: key, interval and children. */
function outline(nodes: readonly FacetNode[]): unknown[] {
  return nodes.map((node) => {
    if (node.kind === 'cardinality') {
      return node.key;
    }
    const interval =
      node.kind === 'histogram'
        ? node.interval.kind === 'date'
          ? `/${node.interval.count > 1 ? `${node.interval.count} ` : ''}${node.interval.unit}`
          : `/${node.interval.width}`
        : '';
    const label = `${node.key}${interval}`;
    return node.children.length > 0
      ? { [label]: outline(node.children) }
      : label;
  });
}

describe('parseFacets', () => {
  it('facets on signature by default', () => {
    assert.deepEqual(outline(facets({})), ['signature']);
    assert.deepEqual(outline(facets({ _facets: '' })), ['signature']);
  });

  it('reads terms, histogram and cardinality facets', () => {
    assert.deepEqual(
      outline(
        facets({
          _facets: ['platform', '_histogram.date', '_cardinality.install_age'],
        }),
      ),
      ['platform', 'histogram_date/day', 'cardinality_install_age'],
    );
  });

  it('nests _aggs chains and puts the values innermost', () => {
    assert.deepEqual(
      outline(
        facets({
          _facets: 'platform',
          '_aggs.product.version': ['platform', '_cardinality.uuid'],
        }),
      ),
      [
        'platform',
        { product: [{ version: ['platform', 'cardinality_uuid'] }] },
      ],
    );
  });

  it('merges facets with the same key', () => {
    assert.deepEqual(
      outline(
        facets({
          '_aggs.signature': ['product', '_histogram.uptime'],
          '_aggs.signature.product': 'version',
        }),
      ),
      [{ signature: [{ product: ['version'] }, 'histogram_uptime/1'] }],
    );
  });

  it('reads _histogram.<f> with sub-facets and its interval', () => {
    assert.deepEqual(
      outline(
        facets({
          _facets: '_histogram.uptime',
          '_histogram.date': ['product', '_cardinality.platform'],
          '_histogram_interval.date': '1h',
          '_histogram.uptime': 'platform',
          '_histogram_interval.uptime': '60',
        }),
      ),
      [
        { 'histogram_uptime/60': ['platform'] },
        { 'histogram_date/hour': ['product', 'cardinality_platform'] },
      ],
    );
  });

  it('applies an interval to histograms nested anywhere', () => {
    assert.deepEqual(
      outline(
        facets({
          '_aggs.product': '_histogram.date',
          '_histogram_interval.date': 'week',
        }),
      ),
      ['signature', { product: ['histogram_date/week'] }],
    );
  });

  it('reads fixed date intervals', () => {
    assert.deepEqual(
      outline(
        facets({
          _facets: '_histogram.date',
          '_histogram_interval.date': '6h',
        }),
      ),
      ['histogram_date/6 hour'],
    );
  });

  it('refuses unknown and protected fields wherever they are named', () => {
    const protectedMessage =
      "Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission";
    assertInvalid(
      () => facets({ _facets: 'nope' }),
      '_facets',
      "Unknown field 'nope'",
    );
    assertInvalid(
      () => facets({ _facets: 'url' }),
      '_facets',
      protectedMessage,
    );
    assertInvalid(
      () => facets({ _facets: '_cardinality.url' }),
      '_facets',
      protectedMessage,
    );
    assertBadRequest(
      () => facets({ '_aggs.url': 'product' }),
      protectedMessage,
    );
    assertBadRequest(
      () => facets({ '_aggs.product.nope': 'platform' }),
      "Unknown field 'nope' in parameter '_aggs.product.nope'",
    );
    assertInvalid(
      () => facets({ '_aggs.product': 'url' }),
      '_aggs.product',
      protectedMessage,
    );
    assertInvalid(
      () => facets({ '_histogram.date': '_cardinality.user_comments' }),
      '_histogram.date',
      "Field 'user_comments' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
    );
  });

  it('allows protected fields to unredacted callers with view_pii', () => {
    const pii = { principal: tokenPrincipal(['view_pii']), unredacted: true };
    const nodes = parseFacets(
      queryOf({ _facets: 'url', '_aggs.url': '_cardinality.user_comments' }),
      pii,
    );
    assert.deepEqual(outline(nodes), [{ url: ['cardinality_user_comments'] }]);
  });

  it('refuses histograms of fields that are not numbers or dates', () => {
    const message =
      "Field 'product' cannot have a histogram: only number and date fields can";
    assertInvalid(
      () => facets({ _facets: '_histogram.product' }),
      '_facets',
      message,
    );
    assertBadRequest(
      () => facets({ '_histogram.product': 'platform' }),
      `${message} (parameter '_histogram.product')`,
    );
    assertBadRequest(
      () => facets({ '_histogram_interval.product': '1' }),
      `${message} (parameter '_histogram_interval.product')`,
    );
    assertBadRequest(
      () => facets({ '_histogram.nope': 'platform' }),
      "Unknown field 'nope' in parameter '_histogram.nope'",
    );
  });

  it('refuses bad intervals', () => {
    assertInvalid(
      () => facets({ '_histogram_interval.date': '2w' }),
      '_histogram_interval.date',
      "'2w' is not a date interval: use one of 1s, second, 1m, minute, " +
        '1h, hour, 1d, day, 1w, week, 1M, month, 1q, quarter, 1y, year, ' +
        'or a whole number of s, m, h or d such as 6h or 2d',
    );
    assertInvalid(
      () => facets({ '_histogram_interval.uptime': '0' }),
      '_histogram_interval.uptime',
      "'0' is not a positive whole number",
    );
    assertInvalid(
      () => facets({ '_histogram_interval.uptime': '2.5' }),
      '_histogram_interval.uptime',
      "'2.5' is not a positive whole number",
    );
    assertInvalid(
      () => facets({ '_histogram_interval.uptime': ['1', '2'] }),
      '_histogram_interval.uptime',
      'Expects a single value',
    );
  });

  it('limits _aggs to three nested fields', () => {
    assert.doesNotThrow(() =>
      facets({ '_aggs.product.version.platform': 'cpu_arch' }),
    );
    assertBadRequest(
      () => facets({ '_aggs.product.version.platform.cpu_arch': 'uuid' }),
      "Parameter '_aggs.product.version.platform.cpu_arch' nests more than 3 fields",
    );
  });
});

describe('isFacetParam', () => {
  it('knows the aggregation parameters', () => {
    assert.deepEqual(
      [
        '_facets',
        '_aggs.x',
        '_histogram.x',
        '_histogram_interval.x',
        '_columns',
        '_cardinality.x',
        'product',
      ].map(isFacetParam),
      [true, true, true, true, false, false, false],
    );
  });
});
