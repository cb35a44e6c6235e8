/**
 * CrashStats' own additions, built on the processed crashes: Top Crashers
 * (the signatures with the most crashes of a product in a period, with
 * Socorro's Top Crashers columns) and the product/version listing.
 *
 * The queries are plain `$match` / `$group` / `$sort` pipelines that both
 * MongoDB and the FerretDB stand-in run; one pipeline per column rather
 * than `$facet`, which FerretDB v1 lacks.
 */
import type { Document } from 'mongodb';
import { Collections, type SignatureDocument } from '@crashstats/common';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint } from '../endpoint.js';
import { invalidParameters } from '../errors.js';
import { isoDate } from '../format.js';
import { listParam, optionalParam, requiredParam } from '../params.js';
import type { BugAssociationDocument } from './signatures.js';

const DAY_MS = 86_400_000;
const MAX_DAYS = 90;
const MAX_ROWS = 300;
/** Most product versions one listing shows (the ones with most crashes). */
const MAX_VERSIONS = 500;

function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalidParameters({
      [name]: [`Must be a whole number from 1 to ${max}`],
    });
  }
  return n;
}

interface Count {
  _id: string;
  count: number;
}

export function topCrashersEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const crashes = deps.db.collection(Collections.processedCrashes);
  const signatures = deps.db.collection<SignatureDocument>(
    Collections.signatures,
  );
  const bugs = deps.db.collection<BugAssociationDocument>(
    Collections.bugAssociations,
  );

  const group = async <T extends Document>(
    pipeline: Document[],
  ): Promise<T[]> =>
    crashes
      .aggregate<T>(pipeline, {
        maxTimeMS: deps.config.WEBAPP_SEARCH_TIMEOUT_MS,
      })
      .toArray();

  const topCrashers: ApiEndpoint = {
    name: 'TopCrashers',
    methods: ['GET'],
    maxAgeSeconds: 300,
    origin: 'crashstats',
    summary: 'The signatures with the most crashes',
    description:
      'The signatures of a product (and versions) with the most crashes in the last `days` days, ranked, ' +
      'with Socorro’s Top Crashers columns: share of all crashes, rank change against the period before ' +
      '("new" when the signature was not there), counts per platform, distinct installations, first ' +
      'appearance and linked bugs.',
    parameters: [
      {
        name: 'product',
        description: 'Product name.',
        required: true,
        schema: { type: 'string' },
        example: 'Firefox',
      },
      {
        name: 'version',
        description: 'Versions to count (all when absent).',
        repeated: true,
        schema: { type: 'string' },
        example: '128.0',
      },
      {
        name: 'process_type',
        description: 'Only crashes of this process type.',
        schema: { type: 'string' },
        example: 'parent',
      },
      {
        name: 'days',
        description: `Length of the period, ending now, in days (1–${MAX_DAYS}).`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_DAYS, default: 7 },
      },
      {
        name: 'rows',
        description: `How many signatures (1–${MAX_ROWS}).`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_ROWS, default: 50 },
      },
    ],
    responseExample: {
      product: 'Firefox',
      versions: ['128.0'],
      start_date: '2026-11-26T10:00:00+00:00',
      end_date: '2026-12-03T10:00:00+00:00',
      total_crashes: 1200,
      crashes: [
        {
          rank: 1,
          signature: 'OOM | small',
          percent_of_total: 25.0,
          previous_rank: 2,
          rank_change: 1,
          count: 300,
          platforms: { 'Windows NT': 250, Linux: 50 },
          installs: 180,
          first_seen: '2026-11-02T08:00:00+00:00',
          bug_ids: [1834567],
        },
      ],
    },
    async handle({ params }) {
      const product = requiredParam(params, 'product');
      const versions = listParam(params, 'version');
      const processType = optionalParam(params, 'process_type');
      const days = intParam(optionalParam(params, 'days'), 'days', 7, MAX_DAYS);
      const rows = intParam(
        optionalParam(params, 'rows'),
        'rows',
        50,
        MAX_ROWS,
      );
      const end = deps.now();
      const start = new Date(end.getTime() - days * DAY_MS);
      const previousStart = new Date(start.getTime() - days * DAY_MS);
      const base: Document = { product, signature: { $type: 'string' } };
      if (versions.length > 0) {
        base.version = { $in: versions };
      }
      if (processType !== undefined) {
        base.process_type = processType;
      }
      const inPeriod = (from: Date, to: Date): Document => ({
        $match: { ...base, date_processed: { $gte: from, $lt: to } },
      });
      const [totals] = await group<{ count: number }>([
        inPeriod(start, end),
        { $group: { _id: null, count: { $sum: 1 } } },
      ]);
      const total = totals?.count ?? 0;
      const top = await group<Count>([
        inPeriod(start, end),
        { $group: { _id: '$signature', count: { $sum: 1 } } },
        { $sort: { count: -1, _id: 1 } },
        { $limit: rows },
      ]);
      const names = top.map((t) => t._id);
      const ofTop: Document = { $match: { signature: { $in: names } } };
      const [previous, platforms, installs, firsts, links] = await Promise.all([
        group<Count>([
          inPeriod(previousStart, start),
          { $group: { _id: '$signature', count: { $sum: 1 } } },
          { $sort: { count: -1, _id: 1 } },
        ]),
        group<{ _id: { s: string; os: string | null }; count: number }>([
          inPeriod(start, end),
          ofTop,
          {
            $group: {
              _id: { s: '$signature', os: '$os_name' },
              count: { $sum: 1 },
            },
          },
        ]),
        group<{ _id: string; count: number }>([
          inPeriod(start, end),
          ofTop,
          { $match: { install_time: { $type: 'number' } } },
          { $group: { _id: { s: '$signature', i: '$install_time' } } },
          { $group: { _id: '$_id.s', count: { $sum: 1 } } },
        ]),
        signatures.find({ _id: { $in: names } }).toArray(),
        bugs.find({ signature: { $in: names } }).toArray(),
      ]);
      const previousRank = new Map(previous.map((p, i) => [p._id, i + 1]));
      const installsOf = new Map(installs.map((i) => [i._id, i.count]));
      const firstSeen = new Map(firsts.map((f) => [f._id, f.first_seen]));
      const crashes = top.map((t, i) => {
        const rank = i + 1;
        const before = previousRank.get(t._id);
        const perPlatform: Record<string, number> = {};
        for (const p of platforms.filter((p) => p._id.s === t._id)) {
          perPlatform[p._id.os ?? 'Unknown'] = p.count;
        }
        const first = firstSeen.get(t._id);
        return {
          rank,
          signature: t._id,
          percent_of_total:
            total === 0 ? 0 : Math.round((t.count / total) * 10_000) / 100,
          previous_rank: before ?? null,
          rank_change: before === undefined ? 'new' : before - rank,
          count: t.count,
          platforms: perPlatform,
          installs: installsOf.get(t._id) ?? 0,
          first_seen: first === undefined ? null : isoDate(first),
          bug_ids: links
            .filter((l) => l.signature === t._id)
            .map((l) => l.bug_id)
            .sort((a, b) => a - b),
        };
      });
      return json({
        product,
        versions,
        start_date: isoDate(start),
        end_date: isoDate(end),
        total_crashes: total,
        crashes,
      });
    },
  };

  const products: ApiEndpoint = {
    name: 'ProductVersions',
    methods: ['GET'],
    maxAgeSeconds: 300,
    origin: 'crashstats',
    summary: 'Products and their versions',
    description:
      'Every product and version with crashes processed in the last `days` days, newest crash first, ' +
      'with the number of crashes and the release channels seen.',
    parameters: [
      {
        name: 'product',
        description: 'Only this product.',
        schema: { type: 'string' },
        example: 'Firefox',
      },
      {
        name: 'days',
        description: `How far back to look, in days (1–${MAX_DAYS}).`,
        schema: { type: 'integer', minimum: 1, maximum: MAX_DAYS, default: 30 },
      },
    ],
    responseExample: {
      hits: [
        {
          product: 'Firefox',
          version: '128.0',
          crashes: 1200,
          channels: ['release'],
          last_crash: '2026-12-03T09:59:00+00:00',
        },
      ],
      total: 1,
    },
    async handle({ params }) {
      const product = optionalParam(params, 'product');
      const days = intParam(
        optionalParam(params, 'days'),
        'days',
        30,
        MAX_DAYS,
      );
      const since = new Date(deps.now().getTime() - days * DAY_MS);
      const match: Document = {
        date_processed: { $gte: since },
        product: product ?? { $type: 'string' },
        version: { $type: 'string' },
      };
      const [versions, channels] = await Promise.all([
        group<{ _id: { p: string; v: string }; count: number }>([
          { $match: match },
          {
            $group: {
              _id: { p: '$product', v: '$version' },
              count: { $sum: 1 },
            },
          },
          { $sort: { count: -1 } },
          { $limit: MAX_VERSIONS },
        ]),
        group<{ _id: { p: string; v: string; c: string } }>([
          { $match: { ...match, release_channel: { $type: 'string' } } },
          {
            $group: {
              _id: { p: '$product', v: '$version', c: '$release_channel' },
            },
          },
        ]),
      ]);
      // LIMITATION: FerretDB v1 has no $max accumulator, so the newest
      // crash of each version is one indexed query per version.
      const last = await Promise.all(
        versions.map(async (v) => {
          const [newest] = await crashes
            .find(
              {
                date_processed: { $gte: since },
                product: v._id.p,
                version: v._id.v,
              },
              {
                projection: { date_processed: 1 },
                maxTimeMS: deps.config.WEBAPP_SEARCH_TIMEOUT_MS,
              },
            )
            .sort({ date_processed: -1 })
            .limit(1)
            .toArray();
          return newest?.date_processed instanceof Date
            ? newest.date_processed
            : since;
        }),
      );
      const hits = versions
        .map((v, i) => ({
          product: v._id.p,
          version: v._id.v,
          crashes: v.count,
          channels: channels
            .filter((c) => c._id.p === v._id.p && c._id.v === v._id.v)
            .map((c) => c._id.c)
            .sort(),
          last_crash: isoDate(last[i] ?? since),
        }))
        .sort(
          (a, b) =>
            a.product.localeCompare(b.product) ||
            b.last_crash.localeCompare(a.last_crash) ||
            a.version.localeCompare(b.version),
        );
      return json({ hits, total: hits.length });
    },
  };

  return [topCrashers, products];
}
