import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateProgram,
  stackWinConstants,
  SymbolTable,
} from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = '5A9832E5287241C1838ED98914E9B7FF1';
const module = { os: 'windows', cpu: 'x86', debugId: ID, debugFile: 'app.pdb' };
const EBP_PROGRAM =
  '$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + = ' +
  '$L $T0 .cbSavedRegs - = $P $T0 8 + .cbParams + =';

describe('STACK WIN records', () => {
  const t = SymbolTable.parse(
    new SymWriter(module)
      .func({
        address: 0x4290,
        size: 0x18,
        parameterSize: 0,
        name: 'CrashFunction',
      })
      .stackWin({
        type: 4,
        address: 0x4290,
        size: 0x18,
        prologSize: 4,
        parameterSize: 0xc,
        savedRegisterSize: 4,
        localSize: 8,
        maxStackSize: 0x10,
        programString: EBP_PROGRAM,
      })
      .stackWin({
        type: 0,
        address: 0x4290,
        size: 0x18,
        parameterSize: 4,
        allocatesBasePointer: true,
      })
      .stackWin({
        type: 0,
        address: 0x5000,
        size: 0x20,
        parameterSize: 8,
        localSize: 0x40,
      })
      .toString(),
  );

  it('prefers FrameData (type 4) over FPO (type 0) at the same address', () => {
    const r = t.winFrameAt(0x4295);
    assert.deepEqual(r, {
      type: 4,
      address: 0x4290,
      size: 0x18,
      prologSize: 4,
      epilogSize: 0,
      parameterSize: 0xc,
      savedRegisterSize: 4,
      localSize: 8,
      maxStackSize: 0x10,
      programString: EBP_PROGRAM,
      allocatesBasePointer: false,
    });
  });

  it('falls back to FPO, and can be asked for one type', () => {
    const fpo = t.winFrameAt(0x5010);
    assert.equal(fpo?.type, 0);
    assert.equal(fpo?.programString, undefined);
    assert.equal(fpo?.allocatesBasePointer, false);
    assert.equal(fpo?.localSize, 0x40);
    assert.equal(t.winFrameAt(0x4290, 0)?.allocatesBasePointer, true);
    assert.equal(t.winFrameAt(0x5010, 4), undefined);
    assert.equal(t.winFrameAt(0x42a8), undefined);
    assert.equal(t.winFrameAt(0x428f), undefined);
  });

  it('cuts a record short where a later-starting overlapping one begins', () => {
    // MSVC emits one record per prolog step, all running to the end.
    const steps = SymbolTable.parse(
      new SymWriter(module)
        .stackWin({ type: 4, address: 0x100, size: 0x20, programString: 'A' })
        .stackWin({ type: 4, address: 0x101, size: 0x1f, programString: 'B' })
        .stackWin({ type: 4, address: 0x104, size: 0x1c, programString: 'C' })
        .stackWin({ type: 4, address: 0x104, size: 0x08, programString: 'dup' })
        .toString(),
    );
    assert.equal(steps.winFrameAt(0x100)?.programString, 'A');
    assert.equal(steps.winFrameAt(0x100)?.size, 1);
    assert.equal(steps.winFrameAt(0x103)?.programString, 'B');
    assert.equal(steps.winFrameAt(0x11f)?.programString, 'C');
    assert.equal(steps.winFrameAt(0x120), undefined);
    assert.equal(steps.stats.overlapsDropped, 1);
  });

  it('ignores STACK WIN types other than 0 and 4', () => {
    const other = SymbolTable.parse(
      new SymWriter(module).raw('STACK WIN 3 10 10 0 0 0 0 0 0 0 0').toString(),
    );
    assert.equal(other.winFrameAt(0x10), undefined);
    assert.equal(other.stats.ignored, 1);
    assert.equal(other.stats.malformed, 0);
  });

  it('runs a FrameData program with the record constants', () => {
    const r = t.winFrameAt(0x4290);
    assert.ok(r?.programString);
    const values = new Map([
      ...stackWinConstants(r),
      ['$ebp', 0x12fe88n],
      ['$esp', 0x12fe84n],
      ['$eip', 0x40429en],
    ]);
    const memory: Record<string, bigint> = {
      '0x12fe8c': 0x404200n,
      '0x12fe88': 0x12ff70n,
    };
    const out = evaluateProgram(r.programString, values, {
      addressBits: 32,
      readMemory: (address) => memory[`0x${address.toString(16)}`],
    });
    assert.equal(out?.get('$eip'), 0x404200n);
    assert.equal(out?.get('$esp'), 0x12fe90n);
    assert.equal(out?.get('$ebp'), 0x12ff70n);
    assert.equal(out?.get('$P'), 0x12fe88n + 8n + 0xcn);
    assert.equal(out?.get('$L'), 0x12fe88n - 4n);
  });

  it('exposes the record constants under the names programs use', () => {
    const r = t.winFrameAt(0x4290);
    assert.ok(r);
    assert.deepEqual(
      stackWinConstants(r),
      new Map([
        ['.cbParams', 0xcn],
        ['.cbSavedRegs', 4n],
        ['.cbLocals', 8n],
      ]),
    );
  });
});
