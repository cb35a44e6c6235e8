import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackwalk } from '../../src/stackwalk/index.js';
import { memorySymbols } from '../support/memory-symbols.js';
import { MinidumpWriter } from '../support/minidump-writer.js';
import { StackImage } from '../support/stack-memory.js';
import { SymWriter } from '../support/sym-writer.js';
import { crashed, describeFrames, pdbModule, registersOf } from './helpers.js';

const S = 0x12f000n;
const APP = pdbModule('app', 0x400000n, 0x10000, 0xc3);
const KERNEL = pdbModule('kernel', 0x7c800000n, 0x10000, 0xd4);

/** The usual FrameData program of a function with an ebp frame. */
const EBP_FRAME = '$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =';

function dumpWith(
  registers: Record<string, bigint>,
  stack: StackImage,
): Buffer {
  return new MinidumpWriter({ cpu: 'x86', os: 'windows' })
    .addModule(APP.spec)
    .addModule(KERNEL.spec)
    .addThread({ id: 3, registers, stack: stack.stack })
    .setException({
      threadId: 3,
      code: 0xc0000005,
      parameters: [1n, 0x45n],
      registers,
    })
    .build();
}

function appSym(): SymWriter {
  return new SymWriter({
    os: 'windows',
    cpu: 'x86',
    debugId: APP.debugId,
    debugFile: APP.debugFile,
  });
}

async function walkWith(
  sym: string,
  registers: Record<string, bigint>,
  stack: StackImage,
) {
  const { supplier } = memorySymbols({ [APP.key]: sym });
  return crashed(
    await stackwalk(dumpWith(registers, stack), { symbols: supplier }),
  );
}

describe('x86 stack walking', () => {
  it('prefers STACK WIN FrameData over STACK CFI', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'callee' })
      .func({ address: 0x2000, size: 0x100, name: 'caller' })
      .stackWin({
        type: 4,
        address: 0x1000,
        size: 0x100,
        programString: EBP_FRAME,
      })
      // CFI would take the word at esp for the return address instead.
      .cfiInit(0x1000, 0x100, { '.cfa': '$esp 4 +', '.ra': '.cfa 4 - ^' })
      .toString();
    const stack = new StackImage(S, 0x1000, 4)
      .put(S + 0x100n, 0x401999n)
      .words(S + 0x110n, [S + 0x200n, 0x402020n]);
    const thread = await walkWith(
      sym,
      { eip: 0x401010n, esp: S + 0x100n, ebp: S + 0x110n, ebx: 0x55n },
      stack,
    );
    assert.deepEqual(describeFrames(thread.frames).slice(0, 2), [
      'context@0x401010!callee',
      'cfi@0x40201f!caller',
    ]);
    assert.deepEqual(registersOf(thread.frames[1]), {
      eip: '0x402020',
      esp: `0x${(S + 0x118n).toString(16)}`,
      ebp: `0x${(S + 0x200n).toString(16)}`,
      ebx: '0x55',
      esi: '0x0',
      edi: '0x0',
    });
  });

  it('uses STACK CFI when no STACK WIN record covers the address', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'callee' })
      .func({ address: 0x2000, size: 0x100, name: 'caller' })
      .cfiInit(0x1000, 0x100, { '.cfa': '$esp 4 +', '.ra': '.cfa 4 - ^' })
      .toString();
    const stack = new StackImage(S, 0x1000, 4).put(S + 0x100n, 0x402020n);
    const thread = await walkWith(
      sym,
      { eip: 0x401010n, esp: S + 0x100n, ebp: 0n },
      stack,
    );
    assert.deepEqual(describeFrames(thread.frames).slice(0, 2), [
      'context@0x401010!callee',
      'cfi@0x40201f!caller',
    ]);
  });

  it('counts the grand-callee’s parameters in .raSearch', async () => {
    // callee pops nothing but declares 0xc bytes of parameters (STACK WIN);
    // middle's frame is 8 locals + 4 saved registers, so its return
    // address sits at esp + 8 + 4 + 0xc.
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'callee' })
      .func({ address: 0x2000, size: 0x100, name: 'middle' })
      .func({ address: 0x3000, size: 0x100, name: 'outer' })
      .stackWin({
        type: 4,
        address: 0x1000,
        size: 0x100,
        parameterSize: 0xc,
        programString: EBP_FRAME,
      })
      .stackWin({
        type: 4,
        address: 0x2000,
        size: 0x100,
        localSize: 8,
        savedRegisterSize: 4,
        programString: '$T0 .raSearch = $eip $T0 ^ = $esp $T0 4 + =',
      })
      .toString();
    const stack = new StackImage(S, 0x1000, 4)
      .words(S + 0x110n, [0n, 0x402020n])
      .put(S + 0x118n + 0x18n, 0x403030n);
    const thread = await walkWith(
      sym,
      { eip: 0x401010n, esp: S + 0x100n, ebp: S + 0x110n },
      stack,
    );
    assert.deepEqual(describeFrames(thread.frames).slice(0, 3), [
      'context@0x401010!callee',
      'cfi@0x40201f!middle',
      'cfi@0x40302f!outer',
    ]);
    assert.equal(thread.frames[0]?.parameterSize, 0xc);
  });

  it('unwinds FPO records, skipping a leftover return address', async () => {
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'callee' })
      .func({ address: 0x2000, size: 0x100, name: 'caller' })
      .stackWin({ type: 0, address: 0x1000, size: 0x100, localSize: 4 })
      .toString();
    // esp + 4 repeats the context eip (a system call's leftover), so the
    // return address is the next word.
    const stack = new StackImage(S, 0x1000, 4).words(S + 0x104n, [
      0x401010n,
      0x402020n,
    ]);
    const thread = await walkWith(
      sym,
      { eip: 0x401010n, esp: S + 0x100n, ebp: S + 0x500n, ebx: 9n },
      stack,
    );
    assert.deepEqual(describeFrames(thread.frames).slice(0, 2), [
      'context@0x401010!callee',
      'cfi@0x40201f!caller',
    ]);
    const caller = registersOf(thread.frames[1]);
    assert.equal(caller.esp, `0x${(S + 0x10cn).toString(16)}`);
    assert.equal(caller.ebp, `0x${(S + 0x500n).toString(16)}`);
    assert.equal(caller.ebx, '0x9');
  });

  it('follows the ebp chain and scans without symbols', async () => {
    const stack = new StackImage(S, 0x1000, 4)
      .words(S + 0x110n, [S + 0x200n, 0x402020n])
      .words(S + 0x200n, [0n, 0x7c801234n]);
    const thread = crashed(
      await stackwalk(
        dumpWith({ eip: 0x401010n, esp: S + 0x100n, ebp: S + 0x110n }, stack),
      ),
    );
    assert.deepEqual(describeFrames(thread.frames), [
      'context@0x401010',
      'frame_pointer@0x40201f',
      'frame_pointer@0x7c801233',
    ]);
    const scanned = crashed(
      await stackwalk(
        dumpWith(
          { eip: 0x401010n, esp: S + 0x100n, ebp: 0xfffffffcn },
          new StackImage(S, 0x200, 4).words(S + 0x100n, [7n, 0x402020n]),
        ),
      ),
    );
    assert.deepEqual(describeFrames(scanned.frames), [
      'context@0x401010',
      'scan@0x40201f',
    ]);
  });

  it('never wraps addresses past 4 GiB', async () => {
    const top = 0xfffff000n;
    const stack = new StackImage(top, 0x1000, 4).put(0xfffffffcn, 0x402020n);
    const sym = appSym()
      .func({ address: 0x1000, size: 0x100, name: 'callee' })
      .cfiInit(0x1000, 0x100, { '.cfa': '$esp 16 +', '.ra': '.cfa 4 - ^' })
      .toString();
    // CFI's .cfa wraps to 0xc: the stack pointer went down, the walk ends.
    const cfi = await walkWith(
      sym,
      { eip: 0x401010n, esp: 0xfffffffcn, ebp: 0xfffffff8n },
      stack,
    );
    assert.equal(cfi.frames.length, 1);
    // Without symbols the return address is found at 0xfffffffc by both
    // the ebp chain and the scan, but the caller's esp would be 2^32:
    // outside the 32-bit space, so the frame is refused, not wrapped to 0.
    const plain = crashed(
      await stackwalk(
        dumpWith({ eip: 0x401010n, esp: 0xfffffff8n, ebp: 0xfffffff8n }, stack),
      ),
    );
    assert.deepEqual(describeFrames(plain.frames), ['context@0x401010']);
    // One word lower the same return address leaves room for the caller.
    const lower = new StackImage(top, 0x1000, 4).put(0xfffffff8n, 0x402020n);
    const fits = crashed(
      await stackwalk(
        dumpWith({ eip: 0x401010n, esp: 0xfffffff4n, ebp: 0n }, lower),
      ),
    );
    assert.deepEqual(describeFrames(fits.frames), [
      'context@0x401010',
      'scan@0x40201f',
    ]);
    assert.equal(fits.frames[1]?.context.sp, 0xfffffffcn);
  });
});
