/**
 * The three scenarios: many 300 KB crashes sent plainly (A) or gzipped (B),
 * and a burst of concurrent uploads at the body-size limit (C).
 */
import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { runLoad, type LoadResult, type RequestBody } from './load.js';
import type { BenchOptions, ScenarioName } from './options.js';
import { SCENARIO_TITLES } from './options.js';
import {
  buildReport,
  minidumpLike,
  StreamedReport,
  type PreparedBody,
} from './payloads.js';
import { UsageSampler, type UsageSummary, type Watched } from './procfs.js';

/** Distinct bodies built per scenario; requests take them in turn. */
const BODY_VARIANTS = 4;
/** Size of the one buffer the large uploads are streamed from. */
const STREAM_BLOCK_BYTES = 64 * 1024;
const SMALL_TIMEOUT_MS = 60_000;
const LARGE_TIMEOUT_MS = 15 * 60_000;
const USER_AGENT = 'crashstats-bench/1.0';

/** What one scenario measured. */
export interface ScenarioResult {
  name: ScenarioName;
  title: string;
  /** How the requests were built, in words. */
  description: string;
  concurrency: number;
  /** Bytes of one request body as sent (compressed for B). */
  bodyBytes: number;
  /** Bytes of one multipart body before compression. */
  uncompressedBodyBytes: number;
  warmup: { sent: number; accepted: number } | undefined;
  load: Omit<LoadResult, 'crashIds'>;
  usage: UsageSummary;
}

/** What every scenario needs to run. */
export interface ScenarioContext {
  options: BenchOptions;
  collectorUrl: string;
  watched: Watched[];
  /** Receives every accepted crash id, warm-up included. */
  recordIds: (ids: string[]) => void;
  log: (line: string) => void;
}

function headersOf(prepared: PreparedBody): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'Content-Type': prepared.contentType,
    'Content-Length': prepared.body.length,
    'User-Agent': USER_AGENT,
  };
  if (prepared.contentEncoding) {
    headers['Content-Encoding'] = prepared.contentEncoding;
  }
  return headers;
}

function prepareSmallBodies(
  name: 'a' | 'b',
  dumpBytes: number,
): PreparedBody[] {
  return Array.from({ length: BODY_VARIANTS }, (_, i) =>
    name === 'a'
      ? buildReport(randomBytes(dumpBytes), i, 'form', false)
      : buildReport(minidumpLike(dumpBytes, 0x5eed + i), i, 'json', true),
  );
}

function strip(result: LoadResult): Omit<LoadResult, 'crashIds'> {
  return Object.fromEntries(
    Object.entries(result).filter(([key]) => key !== 'crashIds'),
  ) as Omit<LoadResult, 'crashIds'>;
}

/** Scenario A or B: steady load of ~300 KB crashes for a duration. */
async function runSmall(
  name: 'a' | 'b',
  ctx: ScenarioContext,
): Promise<ScenarioResult> {
  const { options } = ctx;
  const prepared = prepareSmallBodies(name, options.dumpBytes);
  const bodies: RequestBody[] = prepared.map((p) => ({
    kind: 'buffer',
    body: p.body,
    headers: headersOf(p),
  }));
  const first = prepared[0]!;
  const bodyFor = (n: number) => bodies[n % bodies.length]!;

  let warmup: ScenarioResult['warmup'];
  if (options.warmupSeconds > 0) {
    ctx.log(`  warm-up ${options.warmupSeconds} s`);
    const w = await runLoad({
      url: ctx.collectorUrl,
      concurrency: options.concurrency,
      durationMs: options.warmupSeconds * 1000,
      bodyFor,
      timeoutMs: SMALL_TIMEOUT_MS,
    });
    ctx.recordIds(w.crashIds);
    warmup = { sent: w.sent, accepted: w.accepted };
  }

  const sampler = new UsageSampler(ctx.watched);
  await sampler.start();
  ctx.log(
    options.count > 0
      ? `  sending ${options.count} requests`
      : `  sending for ${options.durationSeconds} s`,
  );
  const result = await runLoad({
    url: ctx.collectorUrl,
    concurrency: options.concurrency,
    ...(options.count > 0
      ? { count: options.count }
      : { durationMs: options.durationSeconds * 1000 }),
    bodyFor,
    timeoutMs: SMALL_TIMEOUT_MS,
  });
  const usage = await sampler.stop();
  ctx.recordIds(result.crashIds);

  const dumpKb = Math.round(options.dumpBytes / 1000);
  const description =
    name === 'a'
      ? `${dumpKb} KB random dump + 8 form annotations, sent uncompressed`
      : `${dumpKb} KB minidump-like dump + JSON "extra" annotations, ` +
        `whole body gzipped (${first.uncompressedBytes} -> ` +
        `${first.body.length} bytes, ${(first.uncompressedBytes / first.body.length).toFixed(1)}x)`;
  return {
    name,
    title: SCENARIO_TITLES[name],
    description,
    concurrency: options.concurrency,
    bodyBytes: first.body.length,
    uncompressedBodyBytes: first.uncompressedBytes,
    warmup,
    load: strip(result),
    usage,
  };
}

/** Scenario C: concurrent uploads just under the body-size limit. */
async function runLarge(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const report = new StreamedReport(
    options.bigBodyBytes,
    randomBytes(STREAM_BLOCK_BYTES),
  );
  const body: RequestBody = {
    kind: 'stream',
    open: () => report.open(),
    headers: {
      'Content-Type': report.contentType,
      'Content-Length': report.totalBytes,
      'User-Agent': USER_AGENT,
    },
  };
  const sampler = new UsageSampler(ctx.watched);
  await sampler.start();
  ctx.log(
    `  ${options.bigConcurrency} uploads of ${report.totalBytes} bytes at once`,
  );
  const result = await runLoad({
    url: ctx.collectorUrl,
    concurrency: options.bigConcurrency,
    count: options.bigConcurrency,
    bodyFor: () => body,
    timeoutMs: LARGE_TIMEOUT_MS,
  });
  const usage = await sampler.stop();
  ctx.recordIds(result.crashIds);
  const mib = (report.totalBytes / 1024 / 1024).toFixed(2);
  return {
    name: 'c',
    title: `${options.bigConcurrency} x ${mib} MiB`,
    description:
      `${options.bigConcurrency} concurrent uploads, one form-annotated dump ` +
      `each, ${report.totalBytes}-byte bodies streamed from one ` +
      `${STREAM_BLOCK_BYTES / 1024} KiB buffer`,
    concurrency: options.bigConcurrency,
    bodyBytes: report.totalBytes,
    uncompressedBodyBytes: report.totalBytes,
    warmup: undefined,
    load: strip(result),
    usage,
  };
}

/** Runs one scenario by name. */
export function runScenario(
  name: ScenarioName,
  ctx: ScenarioContext,
): Promise<ScenarioResult> {
  return name === 'c' ? runLarge(ctx) : runSmall(name, ctx);
}
