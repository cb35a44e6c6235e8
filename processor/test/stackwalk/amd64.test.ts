import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackwalk, toHumanText } from '../../src/stackwalk/index.js';
import { memorySymbols } from '../support/memory-symbols.js';
import { MinidumpWriter, type WriterOs } from '../support/minidump-writer.js';
import { StackImage } from '../support/stack-memory.js';
import { SymWriter } from '../support/sym-writer.js';
import { crashed, describeFrames, pdbModule, registersOf } from './helpers.js';

const S = 0x7ffe00000000n;
const APP = pdbModule('app', 0x400000n, 0x10000, 0xa1);
const LIB = pdbModule('lib', 0x7f0000000000n, 0x10000, 0xb2);

/** A one-thread amd64 dump crashing with `registers` over `stack`. */
function dumpWith(
  registers: Record<string, bigint>,
  stack: StackImage,
  os: WriterOs = 'linux',
): Buffer {
  return new MinidumpWriter({ cpu: 'amd64', os })
    .addModule(APP.spec)
    .addModule(LIB.spec)
    .addThread({ id: 7, registers, stack: stack.stack })
    .setException({ threadId: 7, code: 11, address: 0x45n, registers })
    .build();
}

function appSym(): SymWriter {
  return new SymWriter({
    os: 'Linux',
    cpu: 'x86_64',
    debugId: APP.debugId,
    debugFile: APP.debugFile,
  });
}

describe('amd64 stack walking', () => {
  it('follows the rbp chain without symbols', async () => {
    const stack = new StackImage(S, 0x1000, 8)
      .words(S + 0x120n, [S + 0x200n, 0x402010n])
      .words(S + 0x200n, [S + 0x300n, 0x7f0000001234n]);
    const dump = dumpWith(
      { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x120n },
      stack,
    );
    const thread = crashed(await stackwalk(dump));
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x401000',
      'frame_pointer@0x40200f',
      'frame_pointer@0x7f0000001233',
    ]);
    assert.deepEqual(registersOf(thread.frames[1]), {
      rbp: `0x${(S + 0x200n).toString(16)}`,
      rsp: `0x${(S + 0x130n).toString(16)}`,
      rip: '0x402010',
    });
  });

  it('unwinds with STACK CFI, delta rows and callee-saved registers', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .func({ address: 0x2000, size: 0x100, name: 'caller_fn' })
      .cfiInit(0x1000, 0x100, { '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' })
      .cfi(0x1004, { '.cfa': '$rsp 16 +', $rbx: '.cfa -16 + ^' })
      .toString();
    const stack = new StackImage(S, 0x400, 8).words(S + 0x100n, [
      0x3333n,
      0x402020n,
    ]);
    const dump = dumpWith(
      {
        rip: 0x401010n,
        rsp: S + 0x100n,
        rbp: 0n,
        rbx: 0x1111n,
        r12: 0x2222n,
        rax: 5n,
      },
      stack,
    );
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const thread = crashed(await stackwalk(dump, { symbols: supplier }));
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x401010!crash_here',
      'cfi@0x40201f!caller_fn',
    ]);
    const caller = registersOf(thread.frames[1]);
    assert.equal(caller.rip, '0x402020');
    assert.equal(caller.rsp, `0x${(S + 0x110n).toString(16)}`);
    assert.equal(caller.rbx, '0x3333', 'restored by its rule');
    assert.equal(caller.r12, '0x2222', 'callee-saved, forwarded');
    assert.equal(caller.rax, undefined, 'volatile registers are unknown');
  });

  it('scans for return addresses, refusing ones symbols place outside functions', async () => {
    const stack = new StackImage(S, 0x400, 8)
      .words(S + 0x100n, [0x1234n, 0x40f000n, 0x402010n])
      .put(S + 0x140n, 0x7f0000001234n);
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: 0n };
    const without = crashed(await stackwalk(dumpWith(registers, stack)));
    assert.deepEqual(describeFrames(without.frames), [
      'context@0x401000',
      'scan@0x40efff',
      'scan@0x40200f',
      'scan@0x7f0000001233',
    ]);
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .func({ address: 0x2000, size: 0x100, name: 'caller_fn' })
      .toString();
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const withSymbols = crashed(
      await stackwalk(dumpWith(registers, stack), { symbols: supplier }),
    );
    assert.deepEqual(describeFrames(withSymbols.frames), [
      'context@0x401000!crash_here',
      'scan@0x40200f!caller_fn',
      'scan@0x7f0000001233',
    ]);
  });

  it('keeps a scanned frame’s rbp when it lies above the new stack pointer', async () => {
    const stack = new StackImage(S, 0x400, 8)
      .words(S + 0x100n, [0n, 0x402010n])
      .put(S + 0x300n, 1n);
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x300n };
    const thread = crashed(await stackwalk(dumpWith(registers, stack)));
    assert.equal(thread.frames[1]?.trust, 'scan');
    assert.equal(
      registersOf(thread.frames[1]).rbp,
      `0x${(S + 0x300n).toString(16)}`,
    );
  });

  it('finds Windows frame records that rbp points below', async () => {
    // rbp points 0x20 bytes under the saved {rbp, return address} pair.
    const stack = new StackImage(S, 0x1000, 8)
      .words(S + 0x140n, [S + 0x400n, 0x402010n])
      .words(S + 0x400n, [0n, 0n]);
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x120n };
    const onWindows = crashed(
      await stackwalk(dumpWith(registers, stack, 'windows')),
    );
    assert.equal(onWindows.frames[1]?.trust, 'frame_pointer');
    assert.equal(onWindows.frames[1]?.instruction, 0x40200fn);
    const onLinux = crashed(await stackwalk(dumpWith(registers, stack)));
    assert.equal(onLinux.frames[1]?.trust, 'scan');
    assert.equal(onLinux.frames[1]?.instruction, 0x40200fn);
  });

  it('refuses non-canonical return addresses from the rbp chain', async () => {
    const stack = new StackImage(S, 0x400, 8)
      .words(S + 0x120n, [S + 0x200n, 0x0000900000000000n])
      .put(S + 0x108n, 0x402010n);
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x120n };
    const thread = crashed(await stackwalk(dumpWith(registers, stack)));
    assert.deepEqual(describeFrames(thread.frames).slice(0, 2), [
      'context@0x401000',
      'scan@0x40200f',
    ]);
  });

  it('ends at a near-null instruction pointer without trying other methods', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .cfiInit(0x1000, 0x100, { '.cfa': '$rsp 16 +', '.ra': '.cfa -8 + ^' })
      .toString();
    // CFI reads 0x800 as the return address; a valid rbp chain exists too.
    const stack = new StackImage(S, 0x400, 8)
      .words(S + 0x100n, [0n, 0x800n])
      .words(S + 0x120n, [S + 0x200n, 0x402010n]);
    const registers = { rip: 0x401010n, rsp: S + 0x100n, rbp: S + 0x120n };
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const thread = crashed(
      await stackwalk(dumpWith(registers, stack), { symbols: supplier }),
    );
    assert.equal(thread.frames.length, 1);
  });

  it('ends when the stack pointer does not grow', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .cfiInit(0x1000, 0x100, { '.cfa': '$rsp', '.ra': '.cfa 8 + ^' })
      .toString();
    const stack = new StackImage(S, 0x400, 8).put(S + 0x108n, 0x402010n);
    const registers = { rip: 0x401010n, rsp: S + 0x100n, rbp: 0n };
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const thread = crashed(
      await stackwalk(dumpWith(registers, stack), { symbols: supplier }),
    );
    assert.equal(thread.frames.length, 1);
  });

  it('stops at the frame limit and says so', async () => {
    const stack = new StackImage(S, 0x2000, 8);
    for (let i = 0n; i < 40n; i++) {
      const at = S + 0x100n + i * 0x40n;
      stack.words(at, [at + 0x40n, 0x402000n + i]);
    }
    const registers = { rip: 0x401000n, rsp: S + 0xf0n, rbp: S + 0x100n };
    const dump = dumpWith(registers, stack);
    const all = crashed(await stackwalk(dump));
    assert.equal(all.frames.length, 41);
    assert.equal(all.truncated, false);
    const limited = await stackwalk(dump, { maxFrames: 10 });
    assert.equal(crashed(limited).frames.length, 10);
    assert.equal(crashed(limited).truncated, true);
    assert.match(toHumanText(limited), /frame limit reached/);
  });

  it('stops cleanly where the stack memory ends', async () => {
    // The chain's next record lies past the captured 0x200 bytes.
    const stack = new StackImage(S, 0x200, 8).words(S + 0x120n, [
      S + 0x1f8n,
      0x402010n,
    ]);
    stack.put(S + 0x1f8n, S + 0x800n);
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x120n };
    const thread = crashed(await stackwalk(dumpWith(registers, stack)));
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x401000',
      'frame_pointer@0x40200f',
    ]);
  });

  it('gives only the context frame to a thread without stack memory', async () => {
    const registers = { rip: 0x401000n, rsp: S + 0x100n, rbp: S + 0x120n };
    const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
      .addModule(APP.spec)
      .addThread({ id: 7, registers })
      .setException({ threadId: 7, code: 11, registers })
      .build();
    const thread = crashed(await stackwalk(dump));
    assert.equal(thread.info, 'missing_memory');
    assert.deepEqual(describeFrames(thread.frames), ['context@0x401000']);
  });
});
