/**
 * One crash: ProcessedCrash, RawCrash (annotations, or a dump with
 * `view_rawdump`) and CrashVerify. Opening a crash that is stored but not
 * processed yet queues it on the priority subject, at most once a minute
 * per crash across every web app replica.
 */
import { buffer } from 'node:stream/consumers';
import type { CrashId } from '@crashstats/common';
import { hasPermission } from '../../auth/permissions.js';
import { crashIdParam } from '../crash-id-param.js';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint, type ParameterDoc } from '../endpoint.js';
import { invalidParameters, notFound, permissionRequired } from '../errors.js';
import { optionalParam } from '../params.js';
import { processedCrashForApi, rawCrashForApi } from '../redact.js';

const EXAMPLE_ID = '6a1f0a7e-0c3b-4bd2-9d8e-0f5e20261203';
const MAIN_DUMP = 'upload_file_minidump';
/** The gzipped JSON memory report, which Socorro serves under its own file name. */
const MEMORY_REPORT = 'memory_report';
/** Seconds between two priority requests for the same crash. */
const PRIORITY_INTERVAL_SECONDS = 60;

const crashIdDoc: ParameterDoc = {
  name: 'crash_id',
  description: 'The crash id, with or without the bp- prefix.',
  required: true,
  schema: { type: 'string', pattern: '^(bp-)?[0-9a-f-]{36}$' },
  example: EXAMPLE_ID,
};

/**
 * Queues a stored, unprocessed crash on the priority subject, at most once
 * a minute per crash: a Redis key shared by every replica says whether it
 * was asked for in the last minute. The message id names the minute too,
 * so while Redis is unreachable JetStream's duplicate window still drops
 * repeats within the same minute.
 */
async function requestPriority(deps: ApiDeps, crashId: CrashId): Promise<void> {
  const minute = Math.floor(deps.now().getTime() / 60_000);
  try {
    const first = await deps.redis.set(
      `crashstats:priority:${crashId}`,
      '1',
      'EX',
      PRIORITY_INTERVAL_SECONDS,
      'NX',
    );
    if (first !== 'OK') {
      return;
    }
  } catch (err) {
    deps.log.warn(
      { err, crashId },
      'priority gate unavailable; relying on the message id',
    );
  }
  await deps.queues.publish(
    'priority',
    crashId,
    `priority:${crashId}:${minute}`,
  );
}

/**
 * The download name of a dump, as Socorro gives it: `<id>.dmp` for the main
 * dump, `memory_report.json.gz` for the memory report, `<id>-<name>.dmp`
 * for any other.
 */
export function dumpFilename(crashId: CrashId, name: string): string {
  if (name === MAIN_DUMP) {
    return `${crashId}.dmp`;
  }
  if (name === MEMORY_REPORT) {
    return 'memory_report.json.gz';
  }
  return `${crashId}-${name}.dmp`;
}

export function crashEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const processedCrash: ApiEndpoint = {
    name: 'ProcessedCrash',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'One processed crash',
    description:
      'The processed crash, reduced to its public fields unless the token holds view_pii. ' +
      'A crash that is stored but not processed yet answers 404 and is queued for priority processing.',
    parameters: [crashIdDoc],
    responseExample: {
      uuid: EXAMPLE_ID,
      signature: 'OOM | small',
      product: 'Firefox',
      version: '128.0',
      date_processed: '2026-12-03T10:00:00+00:00',
    },
    async handle({ params, principal }) {
      const crashId = crashIdParam(params);
      const doc = await deps.processedCrashes.get(crashId);
      if (doc !== null) {
        return json(processedCrashForApi(doc, principal));
      }
      const raw = await deps.rawCrashes.getRawCrash(crashId);
      if (raw === null) {
        throw notFound(`crash ${crashId}`);
      }
      await requestPriority(deps, crashId);
      throw notFound(
        `crash ${crashId} is not processed yet; it is queued for processing`,
      );
    },
  };

  const rawCrash: ApiEndpoint = {
    name: 'RawCrash',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'The raw crash or one of its dumps',
    description:
      'format=meta (default): the annotations and collector fields, reduced to public fields unless the ' +
      'token holds view_pii. format=raw: the dump named by name (default upload_file_minidump) as a file ' +
      'download (<crash id>.dmp, <crash id>-<name>.dmp, or memory_report.json.gz for memory_report); ' +
      'needs view_rawdump.',
    parameters: [
      crashIdDoc,
      {
        name: 'format',
        description: 'meta for annotations, raw for a dump.',
        schema: { type: 'string', enum: ['meta', 'raw'], default: 'meta' },
      },
      {
        name: 'name',
        description:
          'With format=raw: the dump name; dump is the same as upload_file_minidump.',
        schema: { type: 'string', default: MAIN_DUMP },
        example: MAIN_DUMP,
      },
    ],
    responseExample: {
      ProductName: 'Firefox',
      Version: '128.0',
      uuid: EXAMPLE_ID,
    },
    async handle({ params, principal }) {
      const crashId = crashIdParam(params);
      const format = optionalParam(params, 'format') ?? 'meta';
      if (format !== 'meta' && format !== 'raw') {
        throw invalidParameters({
          format: [`Must be meta or raw, not ${JSON.stringify(format)}`],
        });
      }
      if (format === 'raw' && !hasPermission(principal, 'view_rawdump')) {
        throw permissionRequired('view_rawdump');
      }
      const doc = await deps.rawCrashes.getRawCrash(crashId);
      if (doc === null) {
        throw notFound(`crash ${crashId}`);
      }
      if (format === 'meta') {
        return json(rawCrashForApi(doc.raw_crash, principal));
      }
      // Socorro stores the main dump as "dump"; tools ask for it by that name.
      const asked = optionalParam(params, 'name') ?? MAIN_DUMP;
      const name = asked === 'dump' ? MAIN_DUMP : asked;
      const dump = doc.dumps.find((d) => d.name === name);
      if (dump === undefined) {
        throw notFound(`dump ${name} of crash ${crashId}`);
      }
      return {
        kind: 'file',
        data: await buffer(deps.rawCrashes.openDump(dump.fileId)),
        filename: dumpFilename(crashId, name),
        contentType: 'application/octet-stream',
      };
    },
  };

  const crashVerify: ApiEndpoint = {
    name: 'CrashVerify',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'socorro',
    summary: 'Where a crash is stored',
    description:
      'Whether the raw crash and the processed crash exist. elasticsearch_crash says whether Super Search ' +
      'finds the crash (it searches processed crashes); telemetry_crash is always false: CrashStats sends ' +
      'nothing to a telemetry store.',
    parameters: [crashIdDoc],
    responseExample: {
      uuid: EXAMPLE_ID,
      raw_crash: true,
      processed_crash: true,
      elasticsearch_crash: true,
      telemetry_crash: false,
    },
    async handle({ params }) {
      const crashId = crashIdParam(params);
      const [raw, processed] = await Promise.all([
        deps.rawCrashes.getRawCrash(crashId),
        deps.processedCrashes.get(crashId),
      ]);
      return json({
        uuid: crashId,
        raw_crash: raw !== null,
        processed_crash: processed !== null,
        elasticsearch_crash: processed !== null,
        telemetry_crash: false,
      });
    },
  };

  return [processedCrash, rawCrash, crashVerify];
}
