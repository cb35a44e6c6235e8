/**
 * Runs the stack walker over mutated minidumps and reports what went
 * wrong: an exception out of the walker or its JSON output, a case over
 * its time limit, or heap growth past a bound. Each case has its own seed
 * (`seed + index`), so any one case can be replayed on its own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { stackwalk, toJsonDump } from '../../src/stackwalk/index.js';
import type { SymbolSupplier } from '../../src/symbols/index.js';
import { mutateDump, seededRandom, type Mutation } from './minidump-fuzz.js';
import { sampleDump } from './minidump-sample.js';
import type { WriterCpu } from './minidump-writer.js';

/** One dump the mutations start from. */
export interface FuzzInput {
  readonly name: string;
  readonly bytes: Buffer;
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Index of the first case (to resume or to replay one case). */
  readonly firstCase?: number;
  readonly inputs: readonly FuzzInput[];
  readonly symbols?: SymbolSupplier;
  /** A case slower than this is a failure. */
  readonly timeLimitMs: number;
  /** Called every `progressEvery` cases. */
  readonly onProgress?: (done: number, report: FuzzReport) => void;
  readonly progressEvery?: number;
}

/** A case that failed, with what is needed to replay it. */
export interface FuzzFailure {
  readonly caseIndex: number;
  readonly input: string;
  readonly mutation: Mutation;
  readonly kind: 'threw' | 'slow';
  readonly detail: string;
}

/** The outcome of a run. */
export interface FuzzReport {
  cases: number;
  failures: FuzzFailure[];
  /** Cases per mutation kind. */
  mutations: Record<string, number>;
  /** Cases per stack-walk status (`OK` or an error status). */
  statuses: Record<string, number>;
  slowestMs: number;
  slowestCase: number;
  totalMs: number;
  /**
   * Highest heap still in use right after a full garbage collection, taken
   * every `progressEvery` cases: what the walker keeps, not what it has yet
   * to free.
   */
  peakHeapBytes: number;
  /** The same measure after the first round of cases. */
  firstHeapBytes: number;
}

/** A full garbage collection, for measuring what stays in use. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}

function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** The mutated dump of one case. */
export function fuzzCase(
  options: Pick<FuzzOptions, 'seed' | 'inputs'>,
  caseIndex: number,
): { input: FuzzInput; bytes: Buffer; mutation: Mutation } {
  const input = options.inputs[caseIndex % options.inputs.length]!;
  const random = seededRandom(options.seed + caseIndex);
  const { bytes, mutation } = mutateDump(input.bytes, random);
  return { input, bytes, mutation };
}

/** Runs the cases one after another. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  if (options.inputs.length === 0) {
    throw new Error('runFuzz needs at least one input dump');
  }
  const report: FuzzReport = {
    cases: 0,
    failures: [],
    mutations: {},
    statuses: {},
    slowestMs: 0,
    slowestCase: -1,
    totalMs: 0,
    peakHeapBytes: 0,
    firstHeapBytes: 0,
  };
  const first = options.firstCase ?? 0;
  const every = options.progressEvery ?? 1000;
  const started = performance.now();
  for (let i = first; i < first + options.cases; i++) {
    const { input, bytes, mutation } = fuzzCase(options, i);
    report.mutations[mutation] = (report.mutations[mutation] ?? 0) + 1;
    const caseStarted = performance.now();
    let status: string;
    try {
      const result = await stackwalk(bytes, { symbols: options.symbols });
      // Serializing catches values JSON cannot carry (a stray bigint).
      const json = JSON.parse(JSON.stringify(toJsonDump(result))) as {
        status?: unknown;
      };
      status = typeof json.status === 'string' ? json.status : 'NO_STATUS';
    } catch (err) {
      status = 'THREW';
      report.failures.push({
        caseIndex: i,
        input: input.name,
        mutation,
        kind: 'threw',
        detail: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    const ms = performance.now() - caseStarted;
    report.statuses[status] = (report.statuses[status] ?? 0) + 1;
    if (ms > report.slowestMs) {
      report.slowestMs = ms;
      report.slowestCase = i;
    }
    if (ms > options.timeLimitMs) {
      report.failures.push({
        caseIndex: i,
        input: input.name,
        mutation,
        kind: 'slow',
        detail: `${ms.toFixed(0)} ms > ${options.timeLimitMs} ms`,
      });
    }
    report.cases += 1;
    if (report.cases % every === 0 || i === first + options.cases - 1) {
      const heap = retainedHeap();
      report.firstHeapBytes ||= heap;
      report.peakHeapBytes = Math.max(report.peakHeapBytes, heap);
      report.totalMs = performance.now() - started;
      if (report.cases % every === 0) {
        options.onProgress?.(report.cases, report);
      }
    }
  }
  report.totalMs = performance.now() - started;
  return report;
}

/**
 * The dumps to mutate: synthetic dumps for every CPU the writer knows,
 * plus every real dump under `corpusDumps` when that folder exists.
 */
export function fuzzInputs(corpusDumps: string | undefined): FuzzInput[] {
  const inputs: FuzzInput[] = WRITER_CPUS.map((cpu) => ({
    name: `synthetic-${cpu}`,
    bytes: sampleDump(cpu).build(),
  }));
  if (corpusDumps !== undefined && existsSync(corpusDumps)) {
    const files = readdirSync(corpusDumps, {
      recursive: true,
      encoding: 'utf8',
    })
      .filter((f) => f.endsWith('.dmp'))
      .sort();
    for (const file of files) {
      inputs.push({ name: file, bytes: readFileSync(join(corpusDumps, file)) });
    }
  }
  return inputs;
}

const WRITER_CPUS: readonly WriterCpu[] = [
  'x86',
  'amd64',
  'arm64',
  'arm64-old',
];
