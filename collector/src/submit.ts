/**
 * POST /submit: parse → throttle → stamp → save → publish → respond. The
 * collector never answers with a crash id before the crash is stored; a
 * failed publish after a good save still answers 200, and the sweeper
 * publishes the id later.
 */
import type { Context } from 'koa';
import {
  CRASH_ID_PREFIX,
  createCrashId,
  isMalformedCrashReportError,
  isPayloadTooLargeError,
  isValidCrashId,
  ThrottleDigit,
  type CrashId,
  type CrashPublisher,
  type CrashStorage,
  type Logger,
} from '@crashstats/common';
import type { CollectorMetrics } from './metrics.js';
import {
  readCrashReport,
  type CrashReport,
  type PayloadOptions,
} from './payload.js';
import { buildRawCrash, removeAnnotations } from './raw-crash.js';
import type { Throttler } from './throttle.js';

/** Everything the submit handler depends on. */
export interface SubmitDeps {
  storage: CrashStorage;
  publisher: CrashPublisher;
  throttle: Throttler;
  metrics: CollectorMetrics;
  log: Logger;
  payload: PayloadOptions;
  removedAnnotations: readonly string[];
  /** Token that allows a submission to pick its crash id; unset disables it. */
  stageSubmitterToken: string | undefined;
  now: () => Date;
  uuid?: () => string;
}

/** Handles one submission; sets status and plain-text body on the context. */
export async function handleSubmit(
  ctx: Context,
  deps: SubmitDeps,
): Promise<void> {
  const { metrics, log } = deps;
  metrics.incoming.inc();
  const receivedAt = deps.now();
  ctx.type = 'text/plain';

  // Parse: stream the body, storing dumps as they arrive.
  const endSave = metrics.saveSeconds.startTimer();
  let report: CrashReport;
  try {
    report = await readCrashReport(
      ctx.req,
      requestHeaders(ctx),
      deps.storage,
      deps.payload,
    );
  } catch (err) {
    endSave();
    respondToFailure(ctx, err, deps);
    return;
  }

  // Throttle on the annotations as sent, before any cleanup.
  const decision = deps.throttle(report.annotations);
  metrics.throttle.inc({ result: decision.result, rule: decision.rule });

  // Crash id: minted here, or chosen by an authorized stage submitter. As in
  // Antenna, a uuid annotation is refused before a rejection is answered.
  const crashId = chooseCrashId(ctx, report, deps, receivedAt);
  if (crashId === undefined) {
    await deps.storage.deleteDumps(report.dumps);
    endSave();
    return;
  }
  if (decision.result === 'reject') {
    await deps.storage.deleteDumps(report.dumps);
    endSave();
    log.info(
      { crashId, rule: decision.rule },
      'crash rejected by throttle rule',
    );
    ctx.body = `Discarded=rule_${decision.rule}`;
    return;
  }

  // Save: the raw crash document names the stored dumps, so it goes last.
  removeAnnotations(report.annotations, deps.removedAnnotations, report.notes);
  const rawCrash = buildRawCrash(report, {
    crashId,
    receivedAt,
    userAgent: ctx.get('user-agent') || undefined,
    throttleRule: decision.rule,
  });
  try {
    await deps.storage.saveRawCrash({
      _id: crashId,
      raw_crash: rawCrash,
      dumps: report.dumps,
      queued: false,
      stored_at: receivedAt,
    });
  } catch (err) {
    endSave();
    await deps.storage.deleteDumps(report.dumps).catch(() => undefined);
    respondToFailure(ctx, err, deps);
    return;
  }
  endSave();
  metrics.accepted.inc();
  metrics.crashSize.observe({ payload: 'compressed' }, report.size);
  metrics.crashSize.observe(
    { payload: 'uncompressed' },
    report.uncompressedSize,
  );
  log.info({ crashId, rule: decision.rule }, 'crash accepted');

  // Publish: a failure here is not the client's problem; the sweeper retries.
  await publishCrashId(crashId, deps);
  ctx.body = `CrashID=${CRASH_ID_PREFIX}${crashId}\n`;
}

/** Publishes a stored crash's id and records that it is queued. */
export async function publishCrashId(
  crashId: CrashId,
  deps: SubmitDeps,
): Promise<boolean> {
  const endPublish = deps.metrics.publishSeconds.startTimer();
  try {
    await deps.publisher.publishCrashId(crashId);
    await deps.storage.markQueued(crashId);
    return true;
  } catch (err) {
    deps.metrics.publishFailed.inc();
    deps.log.warn(
      { crashId, err },
      'crash stored but not queued; the sweeper will publish it',
    );
    return false;
  } finally {
    endPublish();
  }
}

function chooseCrashId(
  ctx: Context,
  report: CrashReport,
  deps: SubmitDeps,
  receivedAt: Date,
): CrashId | undefined {
  const requested = report.annotations['uuid'];
  if (requested === undefined) {
    return createCrashId(receivedAt, ThrottleDigit.accept, deps.uuid);
  }
  const token = deps.stageSubmitterToken;
  if (!token || ctx.get('authorization') !== `Bearer ${token}`) {
    ctx.status = 401;
    ctx.body = 'Discarded=unauthorized_uuid';
    return undefined;
  }
  if (typeof requested !== 'string' || !isValidCrashId(requested, true)) {
    deps.metrics.malformed.inc({ reason: 'invalid_uuid' });
    ctx.status = 400;
    ctx.body = 'Discarded=malformed_invalid_uuid';
    return undefined;
  }
  delete report.annotations['uuid'];
  return requested;
}

function respondToFailure(ctx: Context, err: unknown, deps: SubmitDeps): void {
  if (isMalformedCrashReportError(err)) {
    deps.metrics.malformed.inc({ reason: err.code });
    deps.log.info({ reason: err.code }, 'malformed crash report');
    ctx.status = 400;
    ctx.body = `Discarded=malformed_${err.code}`;
    // Part of the body may be unread; don't keep the connection for reuse.
    ctx.set('Connection', 'close');
    return;
  }
  if (isPayloadTooLargeError(err)) {
    deps.metrics.tooLarge.inc();
    ctx.status = 413;
    ctx.body = 'Discarded=payload_too_large';
    // The client may still be sending; close the connection once answered.
    ctx.set('Connection', 'close');
    return;
  }
  deps.metrics.saveFailed.inc();
  deps.log.error({ err }, 'crash could not be stored');
  ctx.status = isUnavailable(err) ? 503 : 500;
  ctx.set('Retry-After', '60');
  ctx.body = '';
}

/** True for driver errors that mean the database could not be reached. */
function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) {
    return false;
  }
  return /MongoServerSelectionError|MongoNetwork|MongoNotConnected|PoolCleared|Topology/.test(
    `${err.name} ${err.constructor.name}`,
  );
}

function requestHeaders(ctx: Context) {
  return {
    contentType: ctx.get('content-type') || undefined,
    contentLength: ctx.get('content-length') || undefined,
    contentEncoding: ctx.get('content-encoding') || undefined,
    transferEncoding: ctx.get('transfer-encoding') || undefined,
  };
}
