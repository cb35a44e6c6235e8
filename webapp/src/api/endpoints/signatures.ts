/**
 * Signature endpoints: SignatureFirstDate, Bugs and SignaturesByBugs (the
 * bug links a scheduled job keeps in `bug_associations`), VersionString,
 * and CrashSignature, which runs the processor's signature generator on
 * the crash data it is given.
 */
// LIMITATION: nothing fills `bug_associations` yet (the bug-tracker job of
// crontasks is not built), so Bugs and SignaturesByBugs answer with empty
// lists (docs/limitations.md).
import {
  Collections,
  firstBuildOf,
  generateSignatureDetails,
  parseSignatureInput,
  SignatureInputError,
  type SignatureDocument,
} from '@crashstats/common';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint } from '../endpoint.js';
import { badRequest, invalidParameters } from '../errors.js';
import { isoDate } from '../format.js';
import { listParam, requiredParams } from '../params.js';

/** A signature linked to a bug. */
export interface BugAssociationDocument {
  /** `<bug id>:<signature>`. */
  _id: string;
  bug_id: number;
  signature: string;
}

/** Most values one list parameter may carry. */
const MAX_LIST_VALUES = 1000;
/** Most jobs one CrashSignature request may carry. */
const MAX_SIGNATURE_JOBS = 100;

function boundedList(values: string[], name: string): string[] {
  if (values.length > MAX_LIST_VALUES) {
    throw invalidParameters({ [name]: [`At most ${MAX_LIST_VALUES} values`] });
  }
  return [...new Set(values)];
}

export function signatureEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const signatures = deps.db.collection<SignatureDocument>(
    Collections.signatures,
  );
  const bugs = deps.db.collection<BugAssociationDocument>(
    Collections.bugAssociations,
  );

  const signatureFirstDate: ApiEndpoint = {
    name: 'SignatureFirstDate',
    methods: ['GET'],
    maxAgeSeconds: 300,
    origin: 'socorro',
    summary: 'When signatures were first seen',
    description:
      'For each signature the date of its first crash and the smallest build id among its crashes. ' +
      'Signatures never seen are left out.',
    parameters: [
      {
        name: 'signatures',
        description: 'Signatures to look up.',
        required: true,
        repeated: true,
        schema: { type: 'string' },
        example: 'OOM | small',
      },
    ],
    responseExample: {
      hits: [
        {
          signature: 'OOM | small',
          first_date: '2026-11-02T08:00:00+00:00',
          first_build: '20261101093015',
        },
      ],
      total: 1,
    },
    async handle({ params }) {
      const wanted = boundedList(
        listParam(params, 'signatures', { required: true }),
        'signatures',
      );
      const docs = await signatures.find({ _id: { $in: wanted } }).toArray();
      const hits = docs
        .sort((a, b) => a._id.localeCompare(b._id))
        .map((doc) => ({
          signature: doc._id,
          first_date: isoDate(doc.first_seen),
          first_build: firstBuildOf(doc),
        }));
      return json({ hits, total: hits.length });
    },
  };

  const bugsEndpoint: ApiEndpoint = {
    name: 'Bugs',
    methods: ['GET', 'POST'],
    maxAgeSeconds: 300,
    origin: 'socorro',
    summary: 'Bugs linked to signatures',
    description: 'Every bug id linked to one of the signatures.',
    parameters: [
      {
        name: 'signatures',
        description: 'Signatures whose bugs to list.',
        required: true,
        repeated: true,
        schema: { type: 'string' },
        example: 'OOM | small',
      },
    ],
    responseExample: {
      hits: [{ id: 1834567, signature: 'OOM | small' }],
      total: 1,
    },
    async handle({ params }) {
      const wanted = boundedList(
        listParam(params, 'signatures', { required: true }),
        'signatures',
      );
      const docs = await bugs.find({ signature: { $in: wanted } }).toArray();
      const hits = docs
        .map((d) => ({ id: d.bug_id, signature: d.signature }))
        .sort((a, b) => a.id - b.id || a.signature.localeCompare(b.signature));
      return json({ hits, total: hits.length });
    },
  };

  const signaturesByBugs: ApiEndpoint = {
    name: 'SignaturesByBugs',
    methods: ['GET'],
    maxAgeSeconds: 300,
    origin: 'socorro',
    summary: 'Signatures linked to bugs',
    description: 'Every signature linked to one of the bug ids.',
    parameters: [
      {
        name: 'bug_ids',
        description: 'Bug ids whose signatures to list.',
        required: true,
        repeated: true,
        schema: { type: 'integer', minimum: 1 },
        example: 1834567,
      },
    ],
    responseExample: {
      hits: [{ id: 1834567, signature: 'OOM | small' }],
      total: 1,
    },
    async handle({ params }) {
      const values = boundedList(
        listParam(params, 'bug_ids', { required: true }),
        'bug_ids',
      );
      const ids = values.map((v) => {
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
          throw invalidParameters({
            bug_ids: [`Not a bug id: ${JSON.stringify(v)}`],
          });
        }
        return n;
      });
      const docs = await bugs.find({ bug_id: { $in: ids } }).toArray();
      const hits = docs
        .map((d) => ({ id: d.bug_id, signature: d.signature }))
        .sort((a, b) => a.id - b.id || a.signature.localeCompare(b.signature));
      return json({ hits, total: hits.length });
    },
  };

  const versionString: ApiEndpoint = {
    name: 'VersionString',
    methods: ['GET'],
    maxAgeSeconds: 300,
    origin: 'socorro',
    summary: 'The version string of a build',
    description:
      'The version that crashes of this product, channel and build id reported, from the newest such ' +
      'processed crash; no hits when none was seen.',
    parameters: [
      {
        name: 'product',
        description: 'Product name.',
        required: true,
        schema: { type: 'string' },
        example: 'Firefox',
      },
      {
        name: 'channel',
        description: 'Release channel.',
        required: true,
        schema: { type: 'string' },
        example: 'beta',
      },
      {
        name: 'build_id',
        description: 'Build id.',
        required: true,
        schema: { type: 'string', pattern: '^\\d+$' },
        example: '20261201093015',
      },
    ],
    responseExample: { hits: [{ version_string: '128.0b3' }], total: 1 },
    async handle({ params }) {
      const {
        product,
        channel,
        build_id: build,
      } = requiredParams(params, ['product', 'channel', 'build_id']);
      if (!/^\d{1,20}$/.test(build)) {
        throw invalidParameters({ build_id: ['Must be digits'] });
      }
      const newest = await deps.db
        .collection(Collections.processedCrashes)
        .find(
          { product, release_channel: channel, build },
          { projection: { version: 1 } },
        )
        .sort({ date_processed: -1 })
        .limit(1)
        .toArray();
      const version: unknown = newest[0]?.version;
      const hits =
        typeof version === 'string' ? [{ version_string: version }] : [];
      return json({ hits, total: hits.length });
    },
  };

  const crashSignature: ApiEndpoint = {
    name: 'CrashSignature',
    methods: ['POST'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'Signatures for crash data',
    description:
      'Runs the processor’s signature generator on each job, a crash-data document in the shape of ' +
      'Socorro’s signature generator input (crashing_thread, threads with frames, and annotations such as ' +
      'reason, os, abort_message).',
    parameters: [],
    requestBody: {
      schema: {
        type: 'object',
        required: ['jobs'],
        properties: {
          jobs: {
            type: 'array',
            maxItems: MAX_SIGNATURE_JOBS,
            items: { type: 'object' },
          },
        },
      },
      example: {
        jobs: [
          {
            os: 'Windows NT',
            crashing_thread: 0,
            threads: [
              {
                frames: [
                  { function: 'memcpy' },
                  { function: 'Foo::Bar(int)', module: 'app.dll' },
                ],
              },
            ],
          },
        ],
      },
    },
    responseExample: {
      results: [
        {
          signature: 'memcpy | Foo::Bar',
          proto_signature: 'memcpy | Foo::Bar',
          notes: [],
          debug_log: [],
          extra: {},
        },
      ],
    },
    handle({ body }) {
      const jobs = (body as { jobs?: unknown } | null)?.jobs;
      if (!Array.isArray(jobs)) {
        return Promise.reject(
          badRequest('the body must be a JSON object with a "jobs" list'),
        );
      }
      if (jobs.length > MAX_SIGNATURE_JOBS) {
        return Promise.reject(
          badRequest(`at most ${MAX_SIGNATURE_JOBS} jobs per request`),
        );
      }
      const results = jobs.map((job, index) => {
        let input;
        try {
          input = parseSignatureInput(job);
        } catch (err) {
          if (err instanceof SignatureInputError) {
            throw badRequest(`jobs[${index}]: ${err.problems.join('; ')}`);
          }
          throw err;
        }
        const details = generateSignatureDetails(input);
        return {
          signature: details.signature,
          proto_signature: details.proto_signature,
          notes: details.notes,
          debug_log: details.debug_log,
          extra: details.extra,
        };
      });
      return Promise.resolve(json({ results }));
    },
  };

  return [
    signatureFirstDate,
    bugsEndpoint,
    signaturesByBugs,
    versionString,
    crashSignature,
  ];
}
