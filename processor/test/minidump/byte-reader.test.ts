import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ByteReader,
  MemoryIndex,
  MemoryRegion,
  MinidumpError,
  RangeIndex,
  guidToHex,
  guidToString,
  isMinidumpError,
  pathLeaf,
} from '../../src/minidump/index.js';

function truncated(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isMinidumpError(err));
    assert.equal(err.code, 'truncated');
    return true;
  });
}

describe('ByteReader', () => {
  const buf = Buffer.from([
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff, 0xff, 0xff, 0xff,
  ]);

  it('reads little-endian integers', () => {
    const r = new ByteReader(buf);
    assert.equal(r.u8(0), 1);
    assert.equal(r.u16(0), 0x0201);
    assert.equal(r.u32(0), 0x04030201);
    assert.equal(r.i32(8), -1);
    assert.equal(r.u64(0), 0x0807060504030201n);
  });

  it('keeps 64-bit values exact above 2^53', () => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(0xfffffffffffffff1n);
    assert.equal(new ByteReader(b).u64(0), 0xfffffffffffffff1n);
    assert.deepEqual(new ByteReader(b).u64Array(0, 1), [0xfffffffffffffff1n]);
  });

  it('throws a typed truncated error on every out-of-range read', () => {
    const r = new ByteReader(buf);
    truncated(() => r.u8(12));
    truncated(() => r.u16(11));
    truncated(() => r.u32(9));
    truncated(() => r.u64(5));
    truncated(() => r.u32(-1));
    truncated(() => r.u32(0.5));
    truncated(() => r.u32(Number.NaN));
    truncated(() => r.bytes(4, 9));
    truncated(() => r.u32Array(0, 4));
    truncated(() => r.guid(0));
    truncated(() => r.utf16(0, 14));
    truncated(() => new ByteReader(buf, 4, 9));
  });

  it('bounds a sub-window by its own length', () => {
    const sub = new ByteReader(buf).sub(4, 4, 'part');
    assert.equal(sub.u32(0), 0x08070605);
    assert.throws(() => sub.u8(4), /part: 1-byte read at offset 4/);
    assert.ok(sub.has(0, 4));
    assert.ok(!sub.has(1, 4));
  });

  it('reads UTF-16 and NUL-terminated strings', () => {
    const text = Buffer.concat([
      Buffer.from('héllo\0junk', 'utf16le'),
      Buffer.from('abc\0def', 'utf8'),
    ]);
    const r = new ByteReader(text);
    assert.equal(r.utf16(0, 10), 'héllo');
    assert.equal(r.utf16(0, 11), 'héllo');
    assert.equal(r.utf16Fixed(0, 20), 'héllo');
    assert.equal(r.utf8z(20, 7), 'abc');
    assert.equal(r.utf8z(24, 3), 'def');
  });

  it('reads and formats GUIDs', () => {
    const g = Buffer.from(
      '72def942 8a51 dd43 97d78ddc328d3662'.replace(/ /g, ''),
      'hex',
    );
    const guid = new ByteReader(g).guid(0);
    assert.equal(guid.data1, 0x42f9de72);
    assert.equal(guidToHex(guid), '42F9DE72518A43DD97D78DDC328D3662');
    assert.equal(guidToString(guid), '42F9DE72-518A-43DD-97D7-8DDC328D3662');
  });

  it('errors carry a name and code that survive serialization', () => {
    const err = new MinidumpError('bad_stream', 'x');
    const copy = Object.assign(new Error('x'), { name: err.name });
    assert.ok(isMinidumpError(copy));
    assert.ok(!isMinidumpError(new Error('x')));
  });
});

describe('pathLeaf', () => {
  it('takes the last component of Windows and POSIX paths', () => {
    assert.equal(pathLeaf('c:\\dir\\test_app.pdb'), 'test_app.pdb');
    assert.equal(pathLeaf('/usr/lib/libc.so.6'), 'libc.so.6');
    assert.equal(pathLeaf('plain'), 'plain');
  });
});

describe('RangeIndex', () => {
  const ranges = [
    { name: 'b', start: 0x2000n, end: 0x3000n },
    { name: 'a', start: 0x1000n, end: 0x1800n },
    { name: 'outer', start: 0x10000n, end: 0x20000n },
    { name: 'inner', start: 0x11000n, end: 0x12000n },
    { name: 'high', start: 0xffff800000000000n, end: 0xffff800000001000n },
  ];
  const index = new RangeIndex(ranges, (r) => r);

  it('finds the range holding an address with exclusive ends', () => {
    assert.equal(index.find(0x1000n)?.name, 'a');
    assert.equal(index.find(0x17ffn)?.name, 'a');
    assert.equal(index.find(0x1800n), undefined);
    assert.equal(index.find(0x2fffn)?.name, 'b');
    assert.equal(index.find(0xfffn), undefined);
    assert.equal(index.find(0xffff800000000fffn)?.name, 'high');
    assert.equal(index.find(0xffff800000001000n), undefined);
  });

  it('prefers the innermost of overlapping ranges and still finds the outer', () => {
    assert.equal(index.find(0x11800n)?.name, 'inner');
    assert.equal(index.find(0x12800n)?.name, 'outer');
    assert.deepEqual(
      index.findAll(0x11800n).map((r) => r.name),
      ['inner', 'outer'],
    );
  });

  it('checks that a whole span fits', () => {
    assert.equal(index.find(0x17fcn, 4n)?.name, 'a');
    assert.equal(index.find(0x17fdn, 4n), undefined);
  });

  it('handles an empty index', () => {
    assert.equal(
      new RangeIndex([], (r: { start: bigint; end: bigint }) => r).find(1n),
      undefined,
    );
  });
});

describe('MemoryIndex', () => {
  const bytes = Buffer.alloc(16);
  bytes.writeBigUInt64LE(0x1122334455667788n, 0);
  bytes.writeBigUInt64LE(0xfedcba9876543210n, 8);
  const high = new MemoryRegion(0xfffffffffffff000n, Buffer.alloc(0x800, 0xab));
  const memory = new MemoryIndex([new MemoryRegion(0x7000n, bytes), high]);

  it('reads words inside a region and nothing across its end', () => {
    assert.equal(memory.readU64(0x7000n), 0x1122334455667788n);
    assert.equal(memory.readU32(0x7004n), 0x11223344);
    assert.equal(memory.readPointer(0x7008n, 8), 0xfedcba9876543210n);
    assert.equal(memory.readPointer(0x7008n, 4), 0x76543210n);
    assert.equal(memory.readU64(0x7009n), undefined);
    assert.equal(memory.read(0x700cn, 5), undefined);
    assert.equal(memory.read(0x6fffn, 1), undefined);
    assert.deepEqual(memory.read(0x700en, 2), Buffer.from([0xdc, 0xfe]));
  });

  it('addresses memory near the top of the 64-bit space exactly', () => {
    assert.equal(memory.readU32(0xfffffffffffff7fcn), 0xabababab);
    assert.equal(memory.readU32(0xfffffffffffff7fdn), undefined);
    assert.equal(memory.find(0xfffffffffffff001n), high);
  });
});
