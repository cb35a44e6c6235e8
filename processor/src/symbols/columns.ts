/**
 * Growable typed-array columns. A symbol file holds hundreds of thousands of
 * line and INLINE records; keeping their numbers in typed arrays instead of
 * one object per record keeps the parsed table compact and quick to build.
 */

/** A typed array that grows by doubling while records are appended. */
export class NumberColumn {
  private data: Float64Array;
  private count = 0;

  constructor(initialCapacity = 64) {
    this.data = new Float64Array(Math.max(initialCapacity, 4));
  }

  /** Number of values appended so far. */
  get length(): number {
    return this.count;
  }

  /** Appends one value. */
  push(value: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = value;
  }

  /**
   * The backing array; valid until the next push, and only its first
   * {@link NumberColumn.length} values are meaningful.
   */
  get raw(): Float64Array {
    return this.data;
  }

  /** Reads one value; 0 past the end. */
  get(index: number): number {
    return this.data[index] ?? 0;
  }

  /** Overwrites one value that was appended before. */
  set(index: number, value: number): void {
    this.data[index] = value;
  }

  /** Drops values after the first `length`. */
  truncate(length: number): void {
    this.count = Math.min(this.count, length);
  }

  /** A right-sized copy of the values, as the finished table keeps them. */
  toFloat64(): Float64Array {
    return this.data.slice(0, this.count);
  }

  /** A right-sized copy narrowed to 32-bit signed integers. */
  toInt32(): Int32Array {
    const out = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) {
      out[i] = this.data[i] ?? 0;
    }
    return out;
  }
}

/**
 * Sorts the index range `[from, to)` of a set of parallel columns by a key
 * comparison, by computing a permutation and rewriting every column. Used
 * for the line and INLINE records of one function, which are usually
 * already in order, so the check that skips the work matters most. The
 * comparison gets the columns' current arrays (see {@link NumberColumn.raw}).
 */
export function sortColumnRange(
  from: number,
  to: number,
  compare: (a: number, b: number) => number,
  columns: readonly NumberColumn[],
): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) {
    sorted = compare(i - 1, i) <= 0;
  }
  if (sorted) {
    return;
  }
  const order = new Array<number>(to - from);
  for (let i = from; i < to; i++) {
    order[i - from] = i;
  }
  // Array.prototype.sort is stable, so equal keys keep their file order.
  order.sort((a, b) => compare(a, b) || a - b);
  const scratch = new Float64Array(order.length);
  for (const column of columns) {
    const data = column.raw;
    for (let k = 0; k < order.length; k++) {
      scratch[k] = data[order[k] ?? 0] ?? 0;
    }
    data.set(scratch, from);
  }
}

/**
 * Index of the last element in the sorted `starts[from..to)` that is less
 * than or equal to `value`, or `from - 1` when there is none.
 */
export function lastAtOrBefore(
  starts: Float64Array,
  value: number,
  from = 0,
  to = starts.length,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] ?? Infinity) <= value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo - 1;
}
