/**
 * A processing rule turns part of a raw crash (and its dumps) into fields
 * of the processed crash. Rules run in the order of their ruleset; each is
 * isolated, so one failing rule leaves a note and the rest still run.
 */
import type { CrashId, RawCrash, StoredDump } from '@crashstats/common';

/** Everything a rule may read, and the processed crash it writes. */
export interface ProcessingState {
  crashId: CrashId;
  raw: RawCrash;
  dumps: StoredDump[];
  /** Reads a dump's bytes; cached per crash. */
  readDump(name: string): Promise<Buffer | undefined>;
  /** The processed crash being built; starts from the previous one, if any. */
  processed: Record<string, unknown>;
  /** Public processor notes for this run. */
  notes: string[];
  /** Aborted when the crash's time limit passes. */
  signal: AbortSignal;
}

/** One processing rule. */
export interface Rule {
  /** A stable snake_case name, used in notes, logs and metrics. */
  readonly name: string;
  run(state: ProcessingState): void | Promise<void>;
}
