/**
 * Address lookup over ranges that may overlap: sorted by start, with a
 * running maximum of ends so a lookup can stop as soon as no earlier range
 * can reach the address. Typical lookups are one binary search.
 */

/** Something covering [start, end) of the address space. */
export interface AddressRange {
  readonly start: bigint;
  /** Exclusive end. */
  readonly end: bigint;
}

/** Sorted, overlap-tolerant index of address ranges. */
export class RangeIndex<T> {
  private readonly items: readonly T[];
  private readonly starts: bigint[];
  private readonly ends: bigint[];
  private readonly maxEnds: bigint[];

  /** @param rangeOf - maps an item to its range */
  constructor(items: readonly T[], rangeOf: (item: T) => AddressRange) {
    const ranged = items.map((item) => ({ item, range: rangeOf(item) }));
    ranged.sort((a, b) =>
      a.range.start < b.range.start
        ? -1
        : a.range.start > b.range.start
          ? 1
          : 0,
    );
    this.items = ranged.map((r) => r.item);
    this.starts = ranged.map((r) => r.range.start);
    this.ends = ranged.map((r) => r.range.end);
    this.maxEnds = [];
    let max = 0n;
    for (const end of this.ends) {
      max = end > max ? end : max;
      this.maxEnds.push(max);
    }
  }

  /** Items in ascending start order. */
  get sorted(): readonly T[] {
    return this.items;
  }

  /**
   * The item with the greatest start whose range holds [address,
   * address+length), or undefined.
   */
  find(address: bigint, length = 1n): T | undefined {
    const last = address + (length > 0n ? length : 1n);
    for (let i = this.lastStartAtOrBelow(address); i >= 0; i--) {
      if ((this.maxEnds[i] ?? 0n) <= address) {
        return undefined;
      }
      if ((this.ends[i] ?? 0n) >= last) {
        return this.items[i];
      }
    }
    return undefined;
  }

  /** Every item whose range holds `address`, greatest start first. */
  findAll(address: bigint): T[] {
    const out: T[] = [];
    for (let i = this.lastStartAtOrBelow(address); i >= 0; i--) {
      if ((this.maxEnds[i] ?? 0n) <= address) {
        break;
      }
      const item = this.items[i];
      if ((this.ends[i] ?? 0n) > address && item !== undefined) {
        out.push(item);
      }
    }
    return out;
  }

  /** Index of the last item with start <= address, or -1. */
  private lastStartAtOrBelow(address: bigint): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] ?? 0n) <= address) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
