import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMinidump } from '../../src/minidump/index.js';
import { MinidumpWriter, type WriterCpu } from '../support/minidump-writer.js';

const cpus: { cpu: WriterCpu; regs: (sp: bigint) => Record<string, bigint> }[] =
  [
    { cpu: 'x86', regs: (sp) => ({ eip: 0x401000n, esp: sp, ebp: sp + 8n }) },
    {
      cpu: 'amd64',
      regs: (sp) => ({ rip: 0x401000n, rsp: sp, rbp: sp + 16n }),
    },
    { cpu: 'arm64', regs: (sp) => ({ pc: 0x401000n, sp, fp: sp + 16n }) },
  ];

function stackBytes(words: bigint[], width: 4 | 8): Buffer {
  const buf = Buffer.alloc(words.length * width);
  words.forEach((w, i) =>
    width === 8
      ? buf.writeBigUInt64LE(w, i * 8)
      : buf.writeUInt32LE(Number(w), i * 4),
  );
  return buf;
}

describe('thread list and stacks', () => {
  for (const { cpu, regs } of cpus) {
    it(`${cpu}: threads keep order, ids, contexts and stack memory`, () => {
      const width = cpu === 'x86' ? 4 : 8;
      const sp = cpu === 'x86' ? 0x12f000n : 0x7ffe00001000n;
      const words = [0x401234n, 0x402345n, 0x403456n];
      const dump = new MinidumpWriter({ cpu, os: 'linux' })
        .addThread({
          id: 100,
          registers: regs(sp),
          stack: { base: sp, bytes: stackBytes(words, width) },
          name: 'main',
        })
        .addThread({
          id: 200,
          registers: regs(sp + 0x10000n),
          stack: { base: sp + 0x10000n, bytes: Buffer.alloc(32) },
          suspendCount: 1,
        })
        .addThread({ id: 300 })
        .build();
      const d = readMinidump(dump);
      assert.deepEqual(d.softErrors, []);
      assert.deepEqual(
        d.threads.map((t) => [t.index, t.id]),
        [
          [0, 100],
          [1, 200],
          [2, 300],
        ],
      );
      const [t0, t1, t2] = d.threads;
      assert.ok(t0 && t1 && t2);
      assert.equal(t0.name, 'main');
      assert.equal(t1.name, undefined);
      assert.equal(t1.suspendCount, 1);
      assert.equal(t0.context?.sp, sp);
      assert.equal(t2.context, undefined);
      assert.equal(t2.stack, undefined);
      assert.equal(t0.stack?.base, sp);
      assert.equal(t0.stack?.readPointer(sp + BigInt(width), width), 0x402345n);
      assert.equal(d.readMemory(sp, width)?.length, width);
      assert.equal(
        d.memory.readPointer(sp + 2n * BigInt(width), width),
        0x403456n,
      );
      assert.equal(
        d.memory.readPointer(sp + 3n * BigInt(width), width),
        undefined,
      );
      assert.equal(d.contextForThread(t1), t1.context);
      assert.equal(d.threadById(200), t1);
    });
  }

  it('finds a stack through the memory list when the descriptor is empty', () => {
    const bytes = Buffer.alloc(64, 7);
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64' })
        .addThread({
          id: 1,
          registers: { rsp: 0x5000n },
          stack: { base: 0x5000n, bytes },
          emptyStackDescriptor: true,
        })
        .build(),
    );
    assert.equal(d.threads[0]?.stack?.base, 0x5000n);
    assert.equal(d.threads[0]?.stack?.bytes.length, 64);
  });

  it('makes stacks readable even when they are not in the memory list', () => {
    const bytes = Buffer.alloc(16, 9);
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'x86' })
        .addThread({
          id: 1,
          stack: { base: 0x9000n, bytes },
          stackOnlyInThread: true,
        })
        .build(),
    );
    assert.equal(d.memory.readU32(0x900cn), 0x09090909);
  });

  it('reads the last error value from the TEB on Windows', () => {
    const teb = Buffer.alloc(0x100);
    teb.writeUInt32LE(87, 0x68);
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .addThread({ id: 1, teb: 0x7ff00000n })
        .addThread({ id: 2, teb: 0x7ff10000n })
        .addMemory(0x7ff00000n, teb)
        .build(),
    );
    assert.equal(d.threads[0]?.lastErrorValue, 87);
    assert.equal(d.threads[1]?.lastErrorValue, undefined);
  });

  it('keeps thread names, including empty ones', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'arm64' })
        .addThread({ id: 1, name: 'main' })
        .addThread({ id: 2, name: '' })
        .addThread({ id: 3 })
        .build(),
    );
    assert.deepEqual(
      d.threads.map((t) => t.name),
      ['main', '', undefined],
    );
  });
});

describe('memory lists', () => {
  const high = 0xfffffffffffff000n;
  for (const sixtyFour of [false, true]) {
    it(`${sixtyFour ? 'Memory64List' : 'MemoryList'}: regions by address, exact above 2^53`, () => {
      const a = Buffer.alloc(0x100, 0xaa);
      a.writeBigUInt64LE(0x1122334455667788n, 0x10);
      const w = new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .addMemory(0x10000n, a)
        .addMemory(high, Buffer.alloc(0x800, 0xbb))
        .addMemory(0x20000n, Buffer.alloc(3, 0xcc));
      const d = readMinidump((sixtyFour ? w.useMemory64() : w).build());
      assert.deepEqual(d.softErrors, []);
      assert.deepEqual(
        d.memory.regions.map((r) => r.base),
        [0x10000n, 0x20000n, high],
      );
      assert.equal(d.memory.readU64(0x10010n), 0x1122334455667788n);
      assert.equal(d.readMemory(high + 0x7fen, 2)?.toString('hex'), 'bbbb');
      assert.equal(d.readMemory(high + 0x7ffn, 2), undefined);
      assert.equal(d.memory.find(0x20002n)?.size, 3n);
      assert.equal(d.memory.find(0x20003n), undefined);
    });
  }

  it('parses memory info entries', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .addMemoryInfo([
          { base: 0x10000n, size: 0x1000n, protection: 0x20 },
          { base: 0xffff800000000000n, size: 0x2000n, state: 0x10000 },
        ])
        .build(),
    );
    assert.equal(d.memoryInfo.length, 2);
    assert.equal(d.memoryInfo[0]?.protection, 0x20);
    assert.equal(d.memoryInfo[1]?.baseAddress, 0xffff800000000000n);
    assert.equal(d.memoryInfo[1]?.regionSize, 0x2000n);
    assert.equal(d.memoryInfo[1]?.state, 0x10000);
  });
});
