/**
 * The load generator: a fixed number of clients, each sending one request
 * after another over a keep-alive connection, for a duration or a count.
 * Only a 200 reply carrying `CrashID=bp-<id>` counts as accepted.
 */
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

const CRASH_ID_REPLY = /^CrashID=bp-([0-9a-f-]{36})\n?$/;

/** One request to send: a buffer, or a stream opened afresh per request. */
export type RequestBody =
  | { kind: 'buffer'; body: Buffer; headers: OutgoingHttpHeaders }
  | { kind: 'stream'; open: () => Readable; headers: OutgoingHttpHeaders };

/** When to stop sending. */
export interface LoadPlan {
  url: string;
  concurrency: number;
  /** Stop starting new requests after this many milliseconds. */
  durationMs?: number;
  /** Or after this many requests in all. */
  count?: number;
  /** Gives the body of request number `n` (0-based). */
  bodyFor: (n: number) => RequestBody;
  /** Per-request limit; the request is destroyed and counted as an error. */
  timeoutMs: number;
}

/** What a load run measured. */
export interface LoadResult {
  sent: number;
  accepted: number;
  /** Error replies and failures, e.g. `status 503`, `network ECONNRESET`. */
  errors: Record<string, number>;
  /** Seconds from the first request to the last reply. */
  elapsedSeconds: number;
  acceptedPerSecond: number;
  /** Latencies of accepted requests, milliseconds. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Crash ids of the accepted requests, for the storage check. */
  crashIds: string[];
  /** Request body bytes sent, summed over all requests. */
  bytesSent: number;
  /** Accepted replies per whole second since the start, to show drift. */
  acceptedPerSecondTimeline: number[];
}

interface Outcome {
  crashId?: string;
  error?: string;
  ms: number;
}

function send(
  agent: Agent,
  url: string,
  body: RequestBody,
  timeoutMs: number,
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<Outcome, 'ms'>) => {
      if (!settled) {
        settled = true;
        resolve({ ...outcome, ms: performance.now() - started });
      }
    };
    const req = request(
      `${url}/submit`,
      { method: 'POST', agent, headers: body.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err: NodeJS.ErrnoException) =>
          finish({ error: `network ${err.code ?? err.message}` }),
        );
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            finish({ error: `status ${res.statusCode}` });
            return;
          }
          const match = CRASH_ID_REPLY.exec(text);
          if (match) {
            finish({ crashId: match[1]! });
          } else {
            finish({ error: `200 without crash id: ${text.slice(0, 40)}` });
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ error: `network ${err.code ?? err.message}` }),
    );
    if (body.kind === 'buffer') {
      req.end(body.body);
    } else {
      const stream = body.open();
      stream.on('error', (err) => req.destroy(err));
      stream.pipe(req);
    }
  });
}

/** The value below which `fraction` of the sorted samples fall. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(fraction * sorted.length) - 1),
  );
  return sorted[index]!;
}

/** Runs the plan and collects what happened. */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: plan.concurrency,
    maxFreeSockets: plan.concurrency,
  });
  const latencies: number[] = [];
  const crashIds: string[] = [];
  const timeline: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  let bytesSent = 0;
  const started = performance.now();
  const stopAt =
    plan.durationMs === undefined ? Infinity : started + plan.durationMs;
  const limit = plan.count ?? Infinity;

  const client = async () => {
    while (sent < limit && performance.now() < stopAt) {
      const n = sent;
      sent += 1;
      const body = plan.bodyFor(n);
      const outcome = await send(agent, plan.url, body, plan.timeoutMs);
      bytesSent += Number(body.headers['Content-Length'] ?? 0);
      if (outcome.crashId !== undefined) {
        crashIds.push(outcome.crashId);
        latencies.push(outcome.ms);
        const second = Math.floor((performance.now() - started) / 1000);
        while (timeline.length <= second) {
          timeline.push(0);
        }
        timeline[second]! += 1;
      } else {
        const key = outcome.error ?? 'unknown';
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.concurrency }, client));
  } finally {
    agent.destroy();
  }
  const elapsedSeconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    sent,
    accepted: crashIds.length,
    errors,
    elapsedSeconds,
    acceptedPerSecond:
      elapsedSeconds > 0 ? crashIds.length / elapsedSeconds : 0,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      max: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
    },
    crashIds,
    bytesSent,
    acceptedPerSecondTimeline: timeline,
  };
}
