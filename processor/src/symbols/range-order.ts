/**
 * Turns records appended in file order into sorted, non-overlapping range
 * tables. Symbol files, PDB-derived ones especially, hold overlapping and
 * duplicate ranges; each table type resolves them the way Breakpad and
 * rust-minidump do, so lookups match theirs.
 */
import type { NumberColumn } from './columns.js';

/** Start and end (exclusive) columns of a range table being built. */
export interface RangeColumns {
  readonly start: NumberColumn;
  readonly end: NumberColumn;
}

/** Result of ordering: record indices to keep, and how many were dropped. */
export interface RangeOrder {
  readonly order: number[];
  /** Per kept record, its end after any truncation. */
  readonly ends: Float64Array;
  readonly dropped: number;
}

/** Non-empty records sorted by start, then by end when `byEnd`, then index. */
function sortedByStart(cols: RangeColumns, byEnd: boolean): number[] {
  const order: number[] = [];
  for (let i = 0; i < cols.start.length; i++) {
    if (cols.end.get(i) > cols.start.get(i)) {
      order.push(i);
    }
  }
  order.sort(
    (a, b) =>
      cols.start.get(a) - cols.start.get(b) ||
      (byEnd ? cols.end.get(a) - cols.end.get(b) : 0) ||
      a - b,
  );
  return order;
}

/**
 * Sorts by start then end and drops every range that overlaps the last one
 * kept (FUNC and STACK CFI INIT). Among identical ranges the first in file
 * order wins. Empty ranges are dropped too.
 */
export function orderDroppingOverlaps(cols: RangeColumns): RangeOrder {
  const sorted = sortedByStart(cols, true);
  const order: number[] = [];
  let lastEnd = -Infinity;
  for (const i of sorted) {
    if (cols.start.get(i) < lastEnd) {
      continue;
    }
    order.push(i);
    lastEnd = cols.end.get(i);
  }
  const ends = Float64Array.from(order, (i) => cols.end.get(i));
  return { order, ends, dropped: cols.start.length - order.length };
}

/**
 * Orders STACK WIN ranges. Compilers often emit one record per prolog step,
 * each starting later but all running to the function's end; a record that
 * a later-starting one overlaps is cut short where the later one begins.
 * Records with the same start as one kept are dropped.
 */
export function orderTruncatingOverlaps(cols: RangeColumns): RangeOrder {
  const sorted = sortedByStart(cols, false);
  const order: number[] = [];
  const ends: number[] = [];
  for (const i of sorted) {
    const start = cols.start.get(i);
    const last = order.length - 1;
    const lastIndex = order[last];
    if (lastIndex !== undefined && cols.start.get(lastIndex) === start) {
      continue;
    }
    if (last >= 0 && (ends[last] ?? 0) > start) {
      ends[last] = start;
    }
    order.push(i);
    ends.push(cols.end.get(i));
  }
  return {
    order,
    ends: Float64Array.from(ends),
    dropped: cols.start.length - order.length,
  };
}

/** Copies `column[order[k]]` into a new array, for k in order. */
export function gather(
  column: NumberColumn,
  order: readonly number[],
): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) {
    out[k] = column.get(order[k] ?? 0);
  }
  return out;
}

/** Copies `items[order[k]]` into a new array, for k in order. */
export function gatherItems<T>(
  items: readonly T[],
  order: readonly number[],
): T[] {
  return order.map((i) => items[i] as T);
}
