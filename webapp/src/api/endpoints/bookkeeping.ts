/**
 * Socorro's endpoints about the service itself: MissingProcessedCrash, the
 * crashes found stored but never processed (with whether they have been
 * since), and NoOp, which does nothing, for checking a client or the API's
 * plumbing.
 */
// LIMITATION: nothing fills `missing_processed_crashes` yet (the job that
// looks for crashes the processor never stored belongs to crontasks, which
// is not built), so MissingProcessedCrash answers with an empty list
// (docs/limitations.md).
import { Collections } from '@crashstats/common';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint } from '../endpoint.js';
import { ApiError, badRequest } from '../errors.js';
import { isoDate } from '../format.js';
import { optionalParam, requiredParam } from '../params.js';

/** A crash found stored but not processed. */
export interface MissingProcessedCrashDocument {
  /** The crash id. */
  _id: string;
  /** Whether it has been processed since it was found. */
  is_processed: boolean;
  /** When it was found missing. */
  created: Date;
}

/** Records one page of MissingProcessedCrash holds, as in Socorro. */
export const MISSING_PAGE_SIZE = 1000;

export function bookkeepingEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const missing = deps.db.collection<MissingProcessedCrashDocument>(
    Collections.missingProcessedCrashes,
  );

  const missingProcessedCrash: ApiEndpoint = {
    name: 'MissingProcessedCrash',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'Crashes stored but never processed',
    description:
      'The crashes a check found stored without a processed crash, oldest find first, ' +
      `${MISSING_PAGE_SIZE} a page, each with whether it has been processed since. \`count\` is ` +
      'every record; `next` and `previous` are the URLs of the pages around this one, or null. ' +
      'A page past the last gives the last.',
    parameters: [
      {
        name: 'page',
        description: 'The page, from 1.',
        schema: { type: 'integer', minimum: 1, default: 1 },
        example: 1,
      },
    ],
    responseExample: {
      count: 1,
      next: null,
      previous: null,
      results: [
        {
          crash_id: 'de1bb258-cbbf-4589-a673-34f800160918',
          is_processed: false,
          created: '2026-12-04T06:00:00+00:00',
        },
      ],
    },
    async handle({ params, url }) {
      const text = optionalParam(params, 'page') ?? '1';
      if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new ApiError(400, { error: 'invalid page number' });
      }
      const count = await missing.countDocuments({});
      const pages = Math.max(1, Math.ceil(count / MISSING_PAGE_SIZE));
      const page = Math.min(Number(text), pages);
      const docs = await missing
        .find({})
        .sort({ created: 1, _id: 1 })
        .skip((page - 1) * MISSING_PAGE_SIZE)
        .limit(MISSING_PAGE_SIZE)
        .toArray();
      const link = (to: number) => {
        const target = new URL(url);
        target.searchParams.set('page', String(to));
        return target.href;
      };
      return json({
        count,
        next: page < pages ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: docs.map((doc) => ({
          crash_id: doc._id,
          is_processed: doc.is_processed,
          created: isoDate(doc.created),
        })),
      });
    },
  };

  const noOp: ApiEndpoint = {
    name: 'NoOp',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'Does nothing',
    description:
      'Answers an empty result, for checking a client and the API itself. `product` is required; ' +
      'the product `bad` is refused with a 400, to see an error answered.',
    parameters: [
      {
        name: 'product',
        description: 'Any product name; `bad` gives a 400.',
        required: true,
        schema: { type: 'string' },
        example: 'Firefox',
      },
    ],
    responseExample: { hits: [], total: 0 },
    handle({ params }) {
      if (requiredParam(params, 'product') === 'bad') {
        return Promise.reject(badRequest('Bad product'));
      }
      return Promise.resolve(json({ hits: [], total: 0 }));
    },
  };

  return [missingProcessedCrash, noOp];
}
