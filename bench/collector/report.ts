/**
 * Turns scenario results into the tables printed at the end of a run and
 * the JSON file kept in bench/results/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioResult } from './scenarios.js';
import type { Verification } from './verify.js';

/** Everything a run writes to its JSON file. */
export interface RunReport {
  startedAt: string;
  command: string;
  machine: {
    cores: number;
    memoryBytes: number;
    node: string;
    kernel: string;
  };
  servers: { mongo: string; nats: string };
  /** Cores busy on the machine during one idle second before the run. */
  baselineMachineCores: number;
  collector: {
    dumpChunkBytes: number | 'default';
    /** VmRSS after start-up, before any request. */
    idleRssBytes: number;
    extraEnv: Record<string, string>;
    nodeArgs: string[];
    logLines: number;
  };
  scenarios: ScenarioResult[];
  verification: Verification | undefined;
  targets: TargetCheck[];
}

/** One product-owner target and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const MB = 1000 * 1000;

/** "Other" CPU above this means something outside the bench competed. */
const DISTURBED_CORES = 0.3;

/** The throughput and memory targets the collector is held to. */
export const TARGETS = {
  acceptedPerSecond: 250,
  largeUploadRssBytes: 300 * MB,
} as const;

function fmt(value: number, digits = 0): string {
  return value.toFixed(digits);
}

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${fmt(bytes / MB)} MB`;
}

/** Renders rows as a plain-text table with a ruled header. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

function errorsText(errors: Record<string, number>): string {
  const entries = Object.entries(errors);
  return entries.length === 0
    ? '0'
    : entries.map(([k, v]) => `${v} x ${k}`).join(', ');
}

function processUsage(result: ScenarioResult, name: string) {
  return result.usage.processes.find((p) => p.name === name);
}

function peakRss(result: ScenarioResult, name: string): number | undefined {
  const usage = processUsage(result, name);
  if (!usage) {
    return undefined;
  }
  return Math.max(usage.peakRssSampled, usage.peakRssKernel ?? 0);
}

/** Cores used by processes the benchmark does not watch (noise). */
function otherCores(result: ScenarioResult): number {
  const watched = result.usage.processes.reduce((sum, p) => sum + p.cores, 0);
  return Math.max(0, result.usage.machineCores - watched);
}

/** Compares the run's numbers with the targets. */
export function checkTargets(scenarios: ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const s of scenarios) {
    if (s.name === 'c') {
      const rss = peakRss(s, 'collector') ?? Infinity;
      checks.push({
        target: `C: collector peak RSS < ${TARGETS.largeUploadRssBytes / MB} MB`,
        measured: `${fmt(rss / MB)} MB, ${s.load.accepted}/${s.load.sent} accepted`,
        met:
          rss < TARGETS.largeUploadRssBytes && s.load.accepted === s.load.sent,
      });
    } else {
      checks.push({
        target: `${s.name.toUpperCase()}: >= ${TARGETS.acceptedPerSecond} accepted/s`,
        measured: `${fmt(s.load.acceptedPerSecond, 1)} accepted/s`,
        met: s.load.acceptedPerSecond >= TARGETS.acceptedPerSecond,
      });
    }
  }
  return checks;
}

/** The human-readable summary printed at the end of a run. */
export function renderReport(report: RunReport): string {
  const small = report.scenarios.filter((s) => s.name !== 'c');
  const large = report.scenarios.filter((s) => s.name === 'c');
  const out: string[] = [];
  out.push(
    `Collector benchmark, ${report.startedAt}`,
    `machine: ${report.machine.cores} cores, ` +
      `${fmt(report.machine.memoryBytes / 1024 ** 3)} GiB, node ` +
      `${report.machine.node}; servers, collector and load generator share it`,
    `MongoDB wire: ${report.servers.mongo}; NATS: ${report.servers.nats}`,
    `collector RSS at rest (started through tsx, before any request): ` +
      mb(report.collector.idleRssBytes),
    `COLLECTOR_DUMP_CHUNK_BYTES: ${report.collector.dumpChunkBytes}` +
      Object.entries(report.collector.extraEnv)
        .map(([k, v]) => `; ${k}=${v}`)
        .join('') +
      (report.collector.nodeArgs.length > 0
        ? `; node flags: ${report.collector.nodeArgs.join(' ')}`
        : ''),
    '',
  );
  for (const s of report.scenarios) {
    out.push(`${s.name.toUpperCase()} (${s.title}): ${s.description}`);
  }
  if (small.length > 0) {
    out.push(
      '',
      table(
        [
          'scenario',
          'clients',
          'body B',
          'sent',
          'accepted',
          'accepted/s',
          'p50 ms',
          'p90 ms',
          'p99 ms',
          'coll. peak RSS',
          'errors',
        ],
        small.map((s) => [
          `${s.name.toUpperCase()} ${s.title}`,
          String(s.concurrency),
          String(s.bodyBytes),
          String(s.load.sent),
          String(s.load.accepted),
          fmt(s.load.acceptedPerSecond, 1),
          fmt(s.load.latencyMs.p50, 1),
          fmt(s.load.latencyMs.p90, 1),
          fmt(s.load.latencyMs.p99, 1),
          mb(peakRss(s, 'collector')),
          errorsText(s.load.errors),
        ]),
      ),
    );
  }
  for (const s of small) {
    out.push(
      `${s.name.toUpperCase()} accepted per second, second by second: ` +
        s.load.acceptedPerSecondTimeline.join(' '),
    );
  }
  if (large.length > 0) {
    out.push(
      '',
      table(
        [
          'scenario',
          'uploads',
          'body B',
          'accepted',
          'duration s',
          'MB/s in',
          'coll. peak RSS',
          'errors',
        ],
        large.map((s) => [
          `C ${s.title}`,
          String(s.load.sent),
          String(s.bodyBytes),
          String(s.load.accepted),
          fmt(s.load.elapsedSeconds, 1),
          fmt(s.load.bytesSent / MB / s.load.elapsedSeconds, 1),
          mb(peakRss(s, 'collector')),
          errorsText(s.load.errors),
        ]),
      ),
    );
  }
  if (report.scenarios.length > 0) {
    const names = report.scenarios[0]!.usage.processes.map((p) => p.name);
    out.push(
      '',
      'CPU in cores (CPU seconds / wall seconds; 2.0 = both cores) and peak ' +
        'RSS (MB = 10^6 bytes).',
      '"other" = machine busy minus the watched processes (kernel work, ' +
        'short-lived or unrelated processes); "stolen" = hypervisor steal.',
      `machine busy before the run: ${fmt(report.baselineMachineCores, 2)} cores ` +
        '(anything well above 0 means other work was competing)',
      table(
        [
          'scenario',
          ...names.map((n) => `${n} cpu`),
          'other cpu',
          'machine cpu',
          'stolen',
          ...names.filter((n) => n !== 'bench').map((n) => `${n} RSS`),
        ],
        report.scenarios.map((s) => [
          s.name.toUpperCase(),
          ...names.map((n) => fmt(processUsage(s, n)?.cores ?? 0, 2)),
          fmt(otherCores(s), 2),
          fmt(s.usage.machineCores, 2),
          fmt(s.usage.stolenCores, 2),
          ...names.filter((n) => n !== 'bench').map((n) => mb(peakRss(s, n))),
        ]),
      ),
    );
  }
  for (const s of report.scenarios) {
    if (otherCores(s) > DISTURBED_CORES) {
      out.push(
        `note: during ${s.name.toUpperCase()} other work took ` +
          `${fmt(otherCores(s), 2)} cores; its numbers are disturbed, ` +
          'rerun on a quiet machine',
      );
    }
  }
  const v = report.verification;
  if (v) {
    out.push(
      '',
      v.source === 'stub'
        ? 'Storage check (what the stub was sent, warm-up included):'
        : 'Storage check (bench database, warm-up crashes included):',
      `  accepted crash ids:           ${v.acceptedIds}`,
      `  raw_crashes documents:        ${v.rawCrashDocuments}`,
      `  accepted ids found in there:  ${v.acceptedIdsFound}`,
      `  marked queued (published):    ${v.queuedDocuments}`,
      `  dump files (GridFS):          ${v.dumpFiles ?? '-'}`,
      `  => ${
        v.ok
          ? v.source === 'stub'
            ? 'OK: every accepted crash was written (the stub keeps nothing)'
            : 'OK: every accepted crash is stored'
          : 'MISMATCH'
      }`,
    );
  }
  if (report.targets.length > 0) {
    out.push('', 'Targets:');
    for (const t of report.targets) {
      out.push(`  [${t.met ? 'met' : 'MISSED'}] ${t.target}: ${t.measured}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Writes the JSON report; returns its path. */
export async function writeJsonReport(
  dir: string,
  report: RunReport,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const path = join(dir, `collector-${stamp}.json`);
  await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}
