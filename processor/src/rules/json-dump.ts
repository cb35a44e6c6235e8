/**
 * Small readers for the untyped JSON the rules work on: the stack walker's
 * `json_dump` and annotations that carry JSON.
 */

/** The value when it is a plain object, else an empty one. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The value when it is a string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is an array, else an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The frames of the crashing thread of a `json_dump`: the thread that
 * `crash_info.crashing_thread` points at in `threads`. Empty when the
 * walker named no crashing thread.
 */
export function crashingThreadFrames(
  jsonDump: unknown,
): Record<string, unknown>[] {
  const dump = record(jsonDump);
  const index = record(dump.crash_info).crashing_thread;
  if (typeof index !== 'number') {
    return [];
  }
  return list(record(list(dump.threads)[index]).frames).map(record);
}
