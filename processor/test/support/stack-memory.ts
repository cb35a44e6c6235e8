/**
 * Builds thread stack contents for stack-walker tests: pointer-sized
 * values written at absolute addresses of a stack region.
 */

/** A stack region being filled in; unwritten words are zero. */
export class StackImage {
  readonly bytes: Buffer;

  /**
   * @param base - address of the lowest byte
   * @param size - bytes in the region
   * @param width - pointer size (4 on x86, 8 otherwise)
   */
  constructor(
    readonly base: bigint,
    size: number,
    readonly width: 4 | 8,
  ) {
    this.bytes = Buffer.alloc(size);
  }

  /** Address one past the last byte. */
  get end(): bigint {
    return this.base + BigInt(this.bytes.length);
  }

  /** Writes a pointer-sized value at `address` (inside the region). */
  put(address: bigint, value: bigint): this {
    const offset = Number(address - this.base);
    if (offset < 0 || offset + this.width > this.bytes.length) {
      throw new RangeError(`0x${address.toString(16)} is outside the stack`);
    }
    if (this.width === 8) {
      this.bytes.writeBigUInt64LE(BigInt.asUintN(64, value), offset);
    } else {
      this.bytes.writeUInt32LE(Number(BigInt.asUintN(32, value)), offset);
    }
    return this;
  }

  /** Writes consecutive words from `address` up. */
  words(address: bigint, values: readonly bigint[]): this {
    values.forEach((v, i) => this.put(address + BigInt(i * this.width), v));
    return this;
  }

  /** The region as the writer's `stack` field wants it. */
  get stack(): { base: bigint; bytes: Buffer } {
    return { base: this.base, bytes: this.bytes };
  }
}
