/**
 * Super Search: SuperSearch (public fields only), SuperSearchUnredacted
 * (protected fields too, for tokens with view_pii) and SuperSearchFields
 * (the field definitions), over the Super Search engine in `search/`.
 */
import {
  SEARCH_FIELDS,
  superSearch,
  superSearchFields,
} from '../../search/index.js';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint, type ParameterDoc } from '../endpoint.js';

const META_PARAMETERS: readonly ParameterDoc[] = [
  {
    name: '_columns',
    description:
      'Fields of each hit (default uuid, date, signature, product, version).',
    repeated: true,
    schema: { type: 'string' },
    example: 'signature',
  },
  {
    name: '_sort',
    description: 'Sort fields, -field for descending (default -date).',
    repeated: true,
    schema: { type: 'string' },
    example: '-date',
  },
  {
    name: '_results_number',
    description: 'Hits per page, 0 to 1000 (default 100).',
    schema: { type: 'integer', minimum: 0, maximum: 1000, default: 100 },
  },
  {
    name: '_results_offset',
    description: 'Hits to skip, for paging (default 0).',
    schema: { type: 'integer', minimum: 0, default: 0 },
  },
  {
    name: '_facets',
    description:
      'Fields to count terms of (default signature); also _histogram.<field> and _cardinality.<field>.',
    repeated: true,
    schema: { type: 'string' },
    example: 'platform',
  },
  {
    name: '_facets_size',
    description: 'Terms per facet (default 50, at most 10000).',
    schema: { type: 'integer', minimum: 0, maximum: 10000, default: 50 },
  },
  {
    name: '_aggs.<field>[.<field>]',
    description:
      'Sub-aggregations of a facet: _aggs.signature=platform counts platforms per signature.',
    repeated: true,
    schema: { type: 'string' },
  },
  {
    name: '_histogram.<field>',
    description:
      'Range buckets of a date or number field, with sub-aggregations by the given fields.',
    repeated: true,
    schema: { type: 'string' },
  },
  {
    name: '_histogram_interval.<field>',
    description:
      'Bucket size. Dates: one calendar unit (1s, 1m, 1h, 1d, 1w, 1M, 1q, 1y; default 1d, in UTC, ' +
      'weeks from Monday) or a whole number of s, m, h or d (6h, 2d: buckets of that length ' +
      'counted from 1970-01-01). Numbers: a positive width (default 1).',
    schema: { type: 'string' },
  },
  {
    name: '_return_query',
    description:
      'Answer with the database query instead of running it (debugging).',
    schema: { type: 'boolean' },
  },
];

/** One filter parameter per searchable field, as the OpenAPI document lists them. */
function filterParameters(unredacted: boolean): ParameterDoc[] {
  return SEARCH_FIELDS.filter((f) => unredacted || !f.isProtected).map((f) => ({
    name: f.name,
    description:
      `${f.description} Values may start with an operator (=, ~, ^, $, @, >, >=, <, <=, !, __null__, __true__).` +
      (f.isProtected ? ' Protected: needs view_pii.' : ''),
    repeated: true,
    schema: { type: 'string' },
  }));
}

const RESULT_EXAMPLE = {
  hits: [
    {
      uuid: '6a1f0a7e-0c3b-4bd2-9d8e-0f5e20261203',
      date: '2026-12-03T10:00:00.123000+00:00',
      signature: 'OOM | small',
      product: 'Firefox',
      version: '128.0',
    },
  ],
  total: 1,
  facets: { signature: [{ term: 'OOM | small', count: 1 }] },
  errors: [],
};

export function searchEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const run =
    (unredacted: boolean): ApiEndpoint['handle'] =>
    async ({ params, principal }) =>
      json(
        await superSearch(params, {
          db: deps.db,
          principal,
          unredacted,
          maxTimeMs: deps.config.WEBAPP_SEARCH_TIMEOUT_MS,
          now: deps.now,
        }),
      );
  return [
    {
      name: 'SuperSearch',
      methods: ['GET'],
      maxAgeSeconds: 0,
      origin: 'socorro',
      summary: 'Search processed crashes',
      description:
        'Filters, facets, aggregations and histograms over the processed crashes of the last 7 days (or the ' +
        'date range given, at most 365 days), with Socorro’s Super Search parameters. Protected fields are ' +
        'not allowed here: use SuperSearchUnredacted.',
      parameters: [...filterParameters(false), ...META_PARAMETERS],
      responseExample: RESULT_EXAMPLE,
      handle: run(false),
    },
    {
      name: 'SuperSearchUnredacted',
      methods: ['GET'],
      maxAgeSeconds: 0,
      origin: 'socorro',
      summary: 'Search processed crashes, protected fields included',
      description:
        'SuperSearch that also filters, returns and aggregates protected fields, for tokens with view_pii.',
      parameters: [...filterParameters(true), ...META_PARAMETERS],
      responseExample: RESULT_EXAMPLE,
      handle: run(true),
    },
    {
      name: 'SuperSearchFields',
      methods: ['GET'],
      maxAgeSeconds: 3600,
      origin: 'socorro',
      summary: 'The Super Search fields',
      description:
        'Every field Super Search knows, with Socorro’s field definition keys.',
      parameters: [],
      responseExample: {
        signature: {
          name: 'signature',
          namespace: 'processed_crash',
          in_database_name: 'signature',
          query_type: 'string',
          permissions_needed: [],
          is_exposed: true,
          is_returned: true,
        },
      },
      handle: () => Promise.resolve(json(superSearchFields())),
    },
  ];
}
