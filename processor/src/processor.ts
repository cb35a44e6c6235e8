/**
 * Processes one crash: load the raw crash and (when reprocessing) the
 * previous processed crash, run a ruleset, store the result, publish an
 * event. Storing replaces the whole document, so processing twice is
 * harmless; each run adds a line to the processor history.
 */
import type { Readable } from 'node:stream';
import type {
  CrashId,
  CrashStorage,
  Logger,
  ProcessedCrashDocument,
  ProcessedCrashStorage,
  RawCrashDocument,
} from '@crashstats/common';
import type { ProcessorMetrics } from './metrics.js';
import { runRules } from './pipeline.js';
import type { ProcessingState, Rule } from './rules/rule.js';

/** The rulesets a task may name; `default` is used when none is named. */
export type Rulesets = Record<string, readonly Rule[]> & {
  default: readonly Rule[];
};

/** Dependencies of {@link CrashProcessor}. */
export interface CrashProcessorDeps {
  rawStorage: CrashStorage;
  processedStorage: ProcessedCrashStorage;
  rulesets: Rulesets;
  /** Publishes the processed-crash event; failures are logged, not fatal. */
  publishEvent(crashId: CrashId, signature: string | undefined): Promise<void>;
  log: Logger;
  metrics: ProcessorMetrics;
  now: () => Date;
  timeoutMs: number;
}

/** What happened to one crash. */
export type ProcessOutcome = 'processed' | 'missing';

/** Turns raw crashes into processed crashes. */
export class CrashProcessor {
  constructor(private readonly deps: CrashProcessorDeps) {}

  /**
   * Processes a crash with the named ruleset. Resolves `missing` when no
   * raw crash exists; throws when storage fails (the caller retries).
   */
  async process(
    crashId: CrashId,
    rulesetName = 'default',
  ): Promise<ProcessOutcome> {
    const { deps } = this;
    const raw = await deps.rawStorage.getRawCrash(crashId);
    if (!raw) {
      deps.log.warn({ crashId }, 'no raw crash for this crash id; dropped');
      return 'missing';
    }
    const previous = await deps.processedStorage.get(crashId);
    // Regenerating a signature needs a processed crash to start from.
    const name =
      previous || rulesetName === 'default' ? rulesetName : 'default';
    const rules = deps.rulesets[name] ?? deps.rulesets.default;
    const started = deps.now();
    const end = deps.metrics.processSeconds.startTimer({ ruleset: name });

    const state = this.createState(raw, previous);
    const failed = await runRules(name, rules, state, deps.log, deps.metrics);
    const completed = deps.now();
    const processed = state.processed;
    processed.started_datetime = started.toISOString();
    processed.completed_datetime = completed.toISOString();
    processed.success = failed.length === 0;
    processed.processor_notes = state.notes.join('\n');
    processed.processor_history = [
      ...historyOf(previous),
      `${completed.toISOString()} ${name}: ${state.notes.length === 0 ? 'ok' : state.notes.join('; ')}`,
    ];

    await deps.processedStorage.save(processed as ProcessedCrashDocument);
    end();
    const submitted = processed.date_processed;
    if (!previous && submitted instanceof Date) {
      deps.metrics.ingestionSeconds.observe(
        (completed.getTime() - submitted.getTime()) / 1000,
      );
    }
    const signature =
      typeof processed.signature === 'string' ? processed.signature : undefined;
    await deps.publishEvent(crashId, signature).catch((err: unknown) => {
      deps.log.warn({ crashId, err }, 'processed-crash event not published');
    });
    deps.log.info({ crashId, ruleset: name, signature }, 'crash processed');
    return 'processed';
  }

  /**
   * Stores a crash that kept failing as a processed crash whose notes say
   * so, so that it is visible and can be reprocessed.
   */
  async recordFailure(
    crashId: CrashId,
    err: unknown,
    deliveries: number,
  ): Promise<void> {
    const { deps } = this;
    const previous = await deps.processedStorage.get(crashId);
    const raw = await deps.rawStorage.getRawCrash(crashId).catch(() => null);
    const now = deps.now();
    const name = err instanceof Error ? err.name : 'Error';
    const note = `processing failed after ${deliveries} attempts: ${name}`;
    const submitted = raw?.raw_crash.submitted_timestamp;
    await deps.processedStorage.save({
      ...(previous ?? {}),
      _id: crashId,
      uuid: crashId,
      ...(typeof submitted === 'string'
        ? { date_processed: new Date(submitted) }
        : {}),
      success: false,
      completed_datetime: now.toISOString(),
      processor_notes: note,
      processor_history: [
        ...historyOf(previous),
        `${now.toISOString()} default: ${note}`,
      ],
    });
  }

  private createState(
    raw: RawCrashDocument,
    previous: ProcessedCrashDocument | null,
  ): ProcessingState {
    const dumpCache = new Map<string, Promise<Buffer | undefined>>();
    const { rawStorage } = this.deps;
    const processed: Record<string, unknown> = previous ? { ...previous } : {};
    delete processed.counted_signature;
    processed._id = raw._id;
    return {
      crashId: raw._id,
      raw: raw.raw_crash,
      dumps: raw.dumps,
      processed,
      notes: [],
      signal: AbortSignal.timeout(this.deps.timeoutMs),
      readDump(name) {
        let cached = dumpCache.get(name);
        if (!cached) {
          const dump = raw.dumps.find((d) => d.name === name);
          cached = dump
            ? readAll(rawStorage.openDump(dump.fileId))
            : Promise.resolve(undefined);
          dumpCache.set(name, cached);
        }
        return cached;
      },
    };
  }
}

/** Earlier lines of a processed crash's history. */
function historyOf(previous: ProcessedCrashDocument | null): string[] {
  const history = previous?.processor_history;
  return Array.isArray(history)
    ? history.filter((line): line is string => typeof line === 'string')
    : [];
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
