/**
 * Reads the aggregation parameters into a tree of facets:
 *   `_facets=f`, `_facets=_histogram.f`, `_facets=_cardinality.f`;
 *   `_aggs.f1[.f2[.f3]]=g` (terms of f1, then f2 in each bucket, ... with
 *   g in the innermost buckets);
 *   `_histogram.f=g` (a histogram of f with g in each bucket), cut by
 *   `_histogram_interval.f`.
 * Facets with the same response key are merged, so `_facets=signature` and
 * `_aggs.signature=product` give one `signature` facet with `product` in
 * each bucket.
 */
import { badRequest, invalidParameters } from '../api/errors.js';
import { resolveField, type SearchAccess } from './access.js';
import { isHistogramField, type SearchField } from './fields.js';
import {
  DATE_INTERVAL_HELP,
  parseDateInterval,
  type HistogramInterval,
} from './intervals.js';
import { nonEmpty, singleValue } from './meta-params.js';
import { parseNumber } from './values.js';

/** Buckets by value, the most frequent first; response key: the field. */
export interface TermsFacet {
  readonly kind: 'terms';
  readonly key: string;
  readonly field: SearchField;
  readonly children: readonly FacetNode[];
}

/** Buckets by range, in order; response key `histogram_<field>`. */
export interface HistogramFacet {
  readonly kind: 'histogram';
  readonly key: string;
  readonly field: SearchField;
  readonly interval: HistogramInterval;
  readonly children: readonly FacetNode[];
}

/** Number of distinct values; response key `cardinality_<field>`. */
export interface CardinalityFacet {
  readonly kind: 'cardinality';
  readonly key: string;
  readonly field: SearchField;
}

/** One facet of the tree, with its sub-facets. */
export type FacetNode = TermsFacet | HistogramFacet | CardinalityFacet;

/** Facets computed when `_facets` is not given. */
export const DEFAULT_FACETS: readonly string[] = ['signature'];

/** Most fields one `_aggs.` parameter may nest. */
export const MAX_AGGS_DEPTH = 3;

const AGGS = '_aggs.';
const HISTOGRAM = '_histogram.';
const INTERVAL = '_histogram_interval.';
const CARDINALITY = '_cardinality.';

/** True for the parameters this module reads. */
export function isFacetParam(key: string): boolean {
  return (
    key === '_facets' ||
    key.startsWith(AGGS) ||
    key.startsWith(HISTOGRAM) ||
    key.startsWith(INTERVAL)
  );
}

type Query = Readonly<Record<string, readonly string[]>>;

/** Facets under construction: children can still be added. */
type TermsDraft = Omit<TermsFacet, 'children'> & { children: Draft[] };
type HistogramDraft = Omit<HistogramFacet, 'children'> & { children: Draft[] };
type Draft = TermsDraft | HistogramDraft | CardinalityFacet;

/** Adds a facet, merging it into one with the same key. */
function addFacet(list: Draft[], facet: Draft): Draft {
  const same = list.find((other) => other.key === facet.key);
  if (same === undefined) {
    list.push(facet);
    return facet;
  }
  if (same.kind !== 'cardinality' && facet.kind !== 'cardinality') {
    for (const child of facet.children) {
      addFacet(same.children, child);
    }
  }
  return same;
}

class FacetReader {
  private readonly intervals = new Map<SearchField, HistogramInterval>();

  constructor(
    private readonly query: Query,
    private readonly access: SearchAccess,
  ) {
    for (const key of Object.keys(query)) {
      if (key.startsWith(INTERVAL)) {
        const field = this.histogramFieldOfKey(key, INTERVAL);
        this.intervals.set(field, this.parseInterval(key, field));
      }
    }
  }

  read(): FacetNode[] {
    const roots: Draft[] = [];
    const given = nonEmpty(this.query._facets);
    for (const token of given.length > 0 ? given : DEFAULT_FACETS) {
      addFacet(roots, this.token(token, '_facets'));
    }
    for (const key of Object.keys(this.query)) {
      if (key.startsWith(HISTOGRAM)) {
        const field = this.histogramFieldOfKey(key, HISTOGRAM);
        const facet = this.histogram(field);
        this.addValues(facet.children, key);
        addFacet(roots, facet);
      } else if (key.startsWith(AGGS)) {
        addFacet(roots, this.aggsChain(key));
      }
    }
    return roots;
  }

  /** `_aggs.f1.f2=g`: terms of f1 holding terms of f2 holding g. */
  private aggsChain(key: string): Draft {
    const names = key.slice(AGGS.length).split('.');
    if (names.length > MAX_AGGS_DEPTH) {
      throw badRequest(
        `Parameter '${key}' nests more than ${MAX_AGGS_DEPTH} fields`,
      );
    }
    let outer: TermsDraft | undefined;
    for (const name of names.reverse()) {
      const field = resolveField(name, this.access, {
        param: key,
        inKey: true,
      });
      const facet = this.terms(field);
      if (outer === undefined) {
        this.addValues(facet.children, key);
      } else {
        facet.children.push(outer);
      }
      outer = facet;
    }
    // split() returns at least one name, so the loop ran.
    return outer as TermsDraft;
  }

  private addValues(children: Draft[], key: string): void {
    for (const token of nonEmpty(this.query[key])) {
      addFacet(children, this.token(token, key));
    }
  }

  /** One value of `_facets`, `_aggs.*` or `_histogram.*`. */
  private token(token: string, param: string): Draft {
    const source = { param, inKey: false };
    if (token.startsWith(HISTOGRAM)) {
      const name = token.slice(HISTOGRAM.length);
      const field = resolveField(name, this.access, source);
      if (!isHistogramField(field)) {
        throw invalidParameters({ [param]: [noHistogram(field)] });
      }
      return this.histogram(field);
    }
    if (token.startsWith(CARDINALITY)) {
      const name = token.slice(CARDINALITY.length);
      const field = resolveField(name, this.access, source);
      return { kind: 'cardinality', key: `cardinality_${field.name}`, field };
    }
    return this.terms(resolveField(token, this.access, source));
  }

  private terms(field: SearchField): TermsDraft {
    return { kind: 'terms', key: field.name, field, children: [] };
  }

  private histogram(field: SearchField): HistogramDraft {
    return {
      kind: 'histogram',
      key: `histogram_${field.name}`,
      field,
      interval: this.intervals.get(field) ?? defaultInterval(field),
      children: [],
    };
  }

  private histogramFieldOfKey(key: string, prefix: string): SearchField {
    const name = key.slice(prefix.length);
    const field = resolveField(name, this.access, { param: key, inKey: true });
    if (!isHistogramField(field)) {
      throw badRequest(`${noHistogram(field)} (parameter '${key}')`);
    }
    return field;
  }

  private parseInterval(key: string, field: SearchField): HistogramInterval {
    const text = singleValue(key, this.query[key]);
    if (text === undefined) {
      return defaultInterval(field);
    }
    if (field.queryType === 'date') {
      const interval = parseDateInterval(text);
      if (interval === undefined) {
        throw invalidParameters({
          [key]: [
            `'${text}' is not a date interval: use ${DATE_INTERVAL_HELP}`,
          ],
        });
      }
      return { kind: 'date', ...interval };
    }
    const width = parseNumber(text, field.type === 'integer');
    if (width === undefined || width <= 0) {
      throw invalidParameters({
        [key]: [`'${text}' is not a positive ${numberKind(field)}`],
      });
    }
    return { kind: 'number', width };
  }
}

function numberKind(field: SearchField): string {
  return field.type === 'integer' ? 'whole number' : 'number';
}

function noHistogram(field: SearchField): string {
  return `Field '${field.name}' cannot have a histogram: only number and date fields can`;
}

function defaultInterval(field: SearchField): HistogramInterval {
  return field.queryType === 'date'
    ? { kind: 'date', unit: 'day', count: 1 }
    : { kind: 'number', width: 1 };
}

/** The facet tree of a query; throws a 400 naming any field it refuses. */
export function parseFacets(query: Query, access: SearchAccess): FacetNode[] {
  return new FacetReader(query, access).read();
}
