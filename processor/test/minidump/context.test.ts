import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ByteReader,
  readContext,
  readMinidump,
} from '../../src/minidump/index.js';
import { encodeContext, MinidumpWriter } from '../support/minidump-writer.js';

const HIGH = 0xffffffff80000042n; // above 2^53: must stay exact

function stack(base: bigint): { base: bigint; bytes: Buffer } {
  return { base, bytes: Buffer.alloc(64, 0x11) };
}

describe('CPU contexts read from dumps', () => {
  it('x86: registers by name, ip/sp/fp, flag validity', () => {
    const dump = new MinidumpWriter({ cpu: 'x86', os: 'windows' })
      .addThread({
        id: 7,
        registers: {
          eip: 0x40429en,
          esp: 0x12fe84n,
          ebp: 0x12fe88n,
          eax: 0x45n,
          eflags: 0x10246n,
          cs: 0x1bn,
          fs: 0x3bn,
          edi: 0xa28n,
        },
        stack: stack(0x12f000n),
      })
      .build();
    const ctx = readMinidump(dump).threads[0]?.context;
    assert.ok(ctx);
    assert.equal(ctx.cpu, 'x86');
    assert.equal(ctx.layout, 'x86');
    assert.equal(ctx.pointerWidth, 4);
    assert.equal(ctx.ip, 0x40429en);
    assert.equal(ctx.sp, 0x12fe84n);
    assert.equal(ctx.fp, 0x12fe88n);
    assert.equal(ctx.get('eax'), 0x45n);
    assert.equal(ctx.get('eflags'), 0x10246n);
    assert.equal(ctx.get('fs'), 0x3bn);
    assert.equal(ctx.get('edi'), 0xa28n);
    assert.equal(ctx.get('rip'), undefined);
    assert.deepEqual(
      [ctx.ipName, ctx.spName, ctx.fpName],
      ['eip', 'esp', 'ebp'],
    );
    assert.equal(ctx.raw?.length, 716);
  });

  it('amd64: all general registers, exact 64-bit values', () => {
    const regs: Record<string, bigint> = {
      rip: HIGH,
      rsp: 0x7fff5ae4aa20n,
      rbp: 0x7fff5ae4abb0n,
    };
    [
      'rax',
      'rbx',
      'rcx',
      'rdx',
      'rsi',
      'rdi',
      'r8',
      'r9',
      'r10',
      'r11',
      'r12',
      'r13',
      'r14',
      'r15',
    ].forEach((name, i) => (regs[name] = 0xfedcba9876543200n + BigInt(i)));
    const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
      .addThread({
        id: 1,
        registers: { ...regs, eflags: 0x246n, cs: 0x33n },
        stack: stack(0x7fff5ae4a000n),
      })
      .build();
    const ctx = readMinidump(dump).threads[0]?.context;
    assert.ok(ctx);
    assert.equal(ctx.cpu, 'amd64');
    assert.equal(ctx.ip, HIGH);
    assert.equal(ctx.sp, 0x7fff5ae4aa20n);
    assert.equal(ctx.fp, 0x7fff5ae4abb0n);
    for (const [name, value] of Object.entries(regs)) {
      assert.equal(ctx.get(name), value, name);
    }
    assert.equal(ctx.get('eflags'), 0x246n);
    assert.equal(ctx.get('cs'), 0x33n);
  });

  it('amd64 contexts larger than 1232 bytes (XSTATE) use the normal prefix', () => {
    const dump = new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
      .addThread({
        id: 1,
        registers: {
          registers: { rip: 0x1234n, rsp: 0x5000n },
          size: 1407,
          flags: 0x10005f,
        },
      })
      .build();
    const ctx = readMinidump(dump).threads[0]?.context;
    assert.equal(ctx?.ip, 0x1234n);
    assert.equal(ctx?.raw?.length, 1407);
    assert.equal(ctx?.flags, 0x10005f);
  });

  it('arm64: x0..x28, fp/lr/sp/pc, x29/x30 aliases', () => {
    const regs: Record<string, bigint> = {
      pc: 0x1000_0000_1000n,
      sp: 0x16f000n,
      fp: 0x16f010n,
      lr: 0x1000_0000_2000n,
    };
    for (let i = 0; i <= 28; i++) {
      regs[`x${i}`] = 0xa000000000000000n + BigInt(i);
    }
    const dump = new MinidumpWriter({ cpu: 'arm64', os: 'macos' })
      .addThread({ id: 3, registers: { ...regs, cpsr: 0x60000000n } })
      .build();
    const ctx = readMinidump(dump).threads[0]?.context;
    assert.ok(ctx);
    assert.equal(ctx.cpu, 'arm64');
    assert.equal(ctx.layout, 'arm64');
    assert.equal(ctx.ip, regs.pc);
    assert.equal(ctx.sp, regs.sp);
    assert.equal(ctx.fp, regs.fp);
    assert.equal(ctx.get('x29'), regs.fp);
    assert.equal(ctx.get('x30'), regs.lr);
    assert.equal(ctx.get('lr'), regs.lr);
    assert.equal(ctx.get('cpsr'), 0x60000000n);
    for (let i = 0; i <= 28; i++) {
      assert.equal(ctx.get(`x${i}`), regs[`x${i}`]);
    }
    assert.deepEqual([ctx.ipName, ctx.spName, ctx.fpName], ['pc', 'sp', 'fp']);
  });

  it("arm64: Breakpad's old layout (u64 flags, architecture 0x8003)", () => {
    const dump = new MinidumpWriter({ cpu: 'arm64-old', os: 'android' })
      .addThread({
        id: 3,
        registers: {
          pc: 0x7f00001000n,
          sp: 0x7ff0000000n,
          x29: 0x7ff0000010n,
          x30: 0x7f00002000n,
          x3: 3n,
          cpsr: 0x20000000n,
        },
      })
      .build();
    const d = readMinidump(dump);
    const ctx = d.threads[0]?.context;
    assert.equal(d.cpu, 'arm64');
    assert.equal(ctx?.layout, 'arm64-old');
    assert.equal(ctx?.ip, 0x7f00001000n);
    assert.equal(ctx?.fp, 0x7ff0000010n);
    assert.equal(ctx?.get('lr'), 0x7f00002000n);
    assert.equal(ctx?.get('x3'), 3n);
    assert.equal(ctx?.get('cpsr'), 0x20000000n);
  });

  it('marks registers of sections missing from context_flags as not valid', () => {
    // amd64 CONTROL only: rip/rsp valid, rbp (an INTEGER register) not.
    const dump = new MinidumpWriter({ cpu: 'amd64' })
      .addThread({
        id: 1,
        registers: {
          registers: { rip: 1n, rsp: 2n, rbp: 3n, rax: 4n },
          flags: 0x100001,
        },
      })
      .build();
    const ctx = readMinidump(dump).threads[0]?.context;
    assert.equal(ctx?.ip, 1n);
    assert.equal(ctx?.sp, 2n);
    assert.equal(ctx?.fp, undefined);
    assert.equal(ctx?.isValid('rax'), false);
    assert.equal(ctx?.isValid('rip'), true);
    // x86 INTEGER only: eax valid, eip/esp/ebp (CONTROL) not.
    const x86 = readMinidump(
      new MinidumpWriter({ cpu: 'x86' })
        .addThread({
          id: 1,
          registers: { registers: { eip: 1n, eax: 2n }, flags: 0x10002 },
        })
        .build(),
    ).threads[0]?.context;
    assert.equal(x86?.ip, undefined);
    assert.equal(x86?.get('eax'), 2n);
  });

  it('treats a context whose flags carry only the CPU bit as fully valid', () => {
    const ctx = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'macos' })
        .addThread({
          id: 1,
          registers: { registers: { rip: 9n, rbp: 8n }, flags: 0x100000 },
        })
        .build(),
    ).threads[0]?.context;
    assert.equal(ctx?.ip, 9n);
    assert.equal(ctx?.fp, 8n);
  });

  it('picks the layout from the flags when there is no SystemInfo', () => {
    for (const [cpu, regs, ip] of [
      ['x86', { eip: 0x401000n }, 0x401000n],
      ['amd64', { rip: HIGH }, HIGH],
      ['arm64', { pc: HIGH }, HIGH],
      ['arm64-old', { pc: HIGH }, HIGH],
    ] as const) {
      const d = readMinidump(
        new MinidumpWriter({ cpu })
          .withoutSystemInfo()
          .addThread({ id: 1, registers: regs })
          .build(),
      );
      assert.equal(d.systemInfo, undefined);
      assert.equal(d.threads[0]?.context?.ip, ip, cpu);
    }
  });

  it('falls back to the flags when SystemInfo names another CPU', () => {
    const dump = new MinidumpWriter({ cpu: 'x86', system: { architecture: 9 } })
      .addThread({ id: 1, registers: { eip: 0x1000n } })
      .build();
    assert.equal(readMinidump(dump).threads[0]?.context?.cpu, 'x86');
  });

  it('rejects short or unrecognised contexts with a soft error', () => {
    const short = encodeContext('amd64', { registers: { rip: 1n } }).subarray(
      0,
      1000,
    );
    assert.throws(() => readContext(new ByteReader(short), 9), {
      name: 'MinidumpError',
      code: 'bad_context',
    });
    const dump = new MinidumpWriter({ cpu: 'amd64' })
      .addThread({ id: 1, registers: { registers: { rip: 1n }, flags: 0x1f } })
      .addThread({ id: 2, registers: { rip: 2n } })
      .build();
    const d = readMinidump(dump);
    assert.equal(d.threads.length, 2);
    assert.equal(d.threads[0]?.context, undefined);
    assert.equal(d.threads[1]?.context?.ip, 2n);
    assert.equal(d.softErrors.length, 1);
    assert.equal(d.softErrors[0]?.code, 'bad_context');
    assert.equal(d.softErrors[0]?.stream, 'ThreadListStream');
  });
});
