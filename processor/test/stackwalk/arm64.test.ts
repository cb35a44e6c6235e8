import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackwalk } from '../../src/stackwalk/index.js';
import { memorySymbols } from '../support/memory-symbols.js';
import { MinidumpWriter, type WriterCpu } from '../support/minidump-writer.js';
import { StackImage } from '../support/stack-memory.js';
import { SymWriter } from '../support/sym-writer.js';
import { crashed, describeFrames, pdbModule, registersOf } from './helpers.js';

const S = 0x16f000000n;
const APP = pdbModule('app', 0x100000000n, 0x10000, 0xe5);
const LIB = pdbModule('lib', 0x180000000n, 0x10000, 0xf6);

const hex = (n: bigint): string => `0x${n.toString(16)}`;

function dumpWith(
  registers: Record<string, bigint>,
  stack: StackImage,
  cpu: WriterCpu = 'arm64',
): Buffer {
  return new MinidumpWriter({ cpu, os: 'macos' })
    .addModule(APP.spec)
    .addModule(LIB.spec)
    .addThread({ id: 9, registers, stack: stack.stack })
    .setException({ threadId: 9, code: 1, address: 0x10n, registers })
    .build();
}

function appSym(): SymWriter {
  return new SymWriter({
    os: 'mac',
    cpu: 'arm64',
    debugId: APP.debugId,
    debugFile: APP.debugFile,
  });
}

describe('arm64 stack walking', () => {
  it('follows the frame-record chain and returns to the call instruction', async () => {
    const stack = new StackImage(S, 0x1000, 8)
      .words(S + 0x120n, [S + 0x200n, 0x100002010n])
      .words(S + 0x200n, [0n, 0x180001234n]);
    const thread = crashed(
      await stackwalk(
        dumpWith(
          { pc: 0x100001000n, sp: S + 0x100n, fp: S + 0x120n, lr: 0n },
          stack,
        ),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000',
      'frame_pointer@0x10000200c',
      'frame_pointer@0x180001230',
    ]);
    assert.deepEqual(registersOf(thread.frames[1]), {
      fp: hex(S + 0x200n),
      sp: hex(S + 0x130n),
      pc: '0x100002010',
      lr: '0x180001234',
    });
  });

  it('takes the caller of a leaf function from lr, then the chain', async () => {
    // The leaf never saved a frame record: fp is still its caller's, whose
    // record returns to lib.
    const stack = new StackImage(S, 0x1000, 8).words(S + 0x200n, [
      0n,
      0x180001234n,
    ]);
    const thread = crashed(
      await stackwalk(
        dumpWith(
          {
            pc: 0x100001000n,
            sp: S + 0x100n,
            fp: S + 0x200n,
            lr: 0x100002010n,
          },
          stack,
        ),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000',
      'frame_pointer@0x10000200c',
      'frame_pointer@0x180001230',
    ]);
  });

  it('does not repeat a caller that lr and the frame record both name', async () => {
    const stack = new StackImage(S, 0x1000, 8).words(S + 0x120n, [
      0n,
      0x100002010n,
    ]);
    const thread = crashed(
      await stackwalk(
        dumpWith(
          {
            pc: 0x100001000n,
            sp: S + 0x100n,
            fp: S + 0x120n,
            lr: 0x100002010n,
          },
          stack,
        ),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000',
      'frame_pointer@0x10000200c',
    ]);
  });

  it('strips pointer-authentication bits from saved return addresses', async () => {
    const signed = 0x002a000100002010n;
    const stack = new StackImage(S, 0x1000, 8)
      .words(S + 0x120n, [0x0011000000000000n | (S + 0x200n), signed])
      .words(S + 0x200n, [0n, 0x180001234n]);
    const thread = crashed(
      await stackwalk(
        dumpWith(
          { pc: 0x100001000n, sp: S + 0x100n, fp: S + 0x120n, lr: 0n },
          stack,
        ),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000',
      'frame_pointer@0x10000200c',
      'frame_pointer@0x180001230',
    ]);
    assert.equal(registersOf(thread.frames[1]).fp, hex(S + 0x200n));
  });

  it('unwinds with STACK CFI naming x29 and x30', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .func({ address: 0x2000, size: 0x100, name: 'caller_fn' })
      .cfiInit(0x1000, 0x100, '.cfa: sp 0 + .ra: x30')
      .cfi(
        0x1008,
        '.cfa: sp 32 + x29: .cfa -32 + ^ .ra: .cfa -24 + ^ x19: .cfa -16 + ^',
      )
      .toString();
    const stack = new StackImage(S, 0x1000, 8).words(S + 0x100n, [
      S + 0x300n,
      0x100002010n,
      0x1919n,
    ]);
    const registers = {
      pc: 0x100001010n,
      sp: S + 0x100n,
      fp: S + 0x100n,
      lr: 0x100001abcn,
      x19: 0x77n,
      x20: 0x2020n,
      x0: 5n,
    };
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const thread = crashed(
      await stackwalk(dumpWith(registers, stack), { symbols: supplier }),
    );
    assert.deepEqual(describeFrames(thread.frames).slice(0, 2), [
      'context@0x100001010!crash_here',
      'cfi@0x10000200c!caller_fn',
    ]);
    const caller = registersOf(thread.frames[1]);
    assert.equal(caller.pc, '0x100002010');
    assert.equal(caller.sp, hex(S + 0x120n));
    assert.equal(caller.fp, hex(S + 0x300n));
    assert.equal(caller.x19, '0x1919', 'restored by its rule');
    assert.equal(caller.x20, '0x2020', 'callee-saved, forwarded');
    assert.equal(caller.x0, undefined, 'argument registers are unknown');
  });

  it('uses lr through CFI at a function entry', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'crash_here' })
      .func({ address: 0x2000, size: 0x100, name: 'caller_fn' })
      .cfiInit(0x1000, 0x100, '.cfa: sp 0 + .ra: x30')
      .toString();
    const stack = new StackImage(S, 0x400, 8);
    const { supplier } = memorySymbols({ [APP.key]: sym });
    const thread = crashed(
      await stackwalk(
        dumpWith(
          { pc: 0x100001000n, sp: S + 0x100n, fp: 0n, lr: 0x100002010n },
          stack,
        ),
        { symbols: supplier },
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000!crash_here',
      'cfi@0x10000200c!caller_fn',
    ]);
  });

  it('scans when there is neither CFI nor a frame record', async () => {
    const stack = new StackImage(S, 0x400, 8).words(S + 0x100n, [
      0x1234n,
      0xdeadbeefn,
      0x100002010n,
    ]);
    const thread = crashed(
      await stackwalk(
        dumpWith({ pc: 0x100001000n, sp: S + 0x100n, fp: 0n, lr: 0n }, stack),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x100001000',
      'scan@0x10000200c',
    ]);
    assert.equal(registersOf(thread.frames[1]).sp, hex(S + 0x118n));
  });

  it('walks Breakpad’s older arm64 context layout the same way', async () => {
    const stack = new StackImage(S, 0x1000, 8)
      .words(S + 0x120n, [S + 0x200n, 0x100002010n])
      .words(S + 0x200n, [0n, 0x180001234n]);
    const registers = {
      pc: 0x100001000n,
      sp: S + 0x100n,
      fp: S + 0x120n,
      lr: 0n,
    };
    const current = crashed(await stackwalk(dumpWith(registers, stack)));
    const old = crashed(
      await stackwalk(dumpWith(registers, stack, 'arm64-old')),
    );
    assert.deepEqual(
      describeFrames(old.frames),
      describeFrames(current.frames),
    );
    assert.equal(old.frames.length, 3);
  });

  it('ends at a frame record pointing below the stack pointer', async () => {
    // The record at fp names a caller fp lower than the current sp; the
    // pc it gives is plausible but the walk must not go down the stack.
    const stack = new StackImage(S, 0x1000, 8).words(S + 0x80n, [
      S + 0x10n,
      0x100002010n,
    ]);
    const thread = crashed(
      await stackwalk(
        dumpWith(
          { pc: 0x100001000n, sp: S + 0x100n, fp: S + 0x80n, lr: 0n },
          stack,
        ),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), ['context@0x100001000']);
  });
});
