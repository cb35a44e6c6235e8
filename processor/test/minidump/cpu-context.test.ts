import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuContext } from '../../src/minidump/index.js';

describe('CpuContext built by a stack walker', () => {
  it('starts with exactly the given registers valid', () => {
    const ctx = CpuContext.create('amd64', { rip: 0x401000n, rsp: 0x7000n });
    assert.equal(ctx.ip, 0x401000n);
    assert.equal(ctx.fp, undefined);
    assert.deepEqual(ctx.validRegisters(), [
      ['rsp', 0x7000n],
      ['rip', 0x401000n],
    ]);
    assert.equal(ctx.layout, undefined);
  });

  it('masks values to the register width and supports aliases', () => {
    const x86 = CpuContext.create('x86', { eip: 0xffffffff00000045n });
    assert.equal(x86.ip, 0x45n);
    const arm = CpuContext.create('arm64', { x29: 0x10n });
    assert.equal(arm.fp, 0x10n);
    arm.set('x30', -1n);
    assert.equal(arm.get('lr'), 0xffffffffffffffffn);
  });

  it('accepts `$`-prefixed names as symbol-file programs write them', () => {
    const ctx = CpuContext.create('amd64', { $rsp: 0x7000n });
    assert.equal(ctx.sp, 0x7000n);
    assert.equal(ctx.get('$rsp'), 0x7000n);
    assert.equal(CpuContext.create('x86', { $ebp: 8n }).get('$ebp'), 8n);
    assert.equal(CpuContext.create('arm64', { $x29: 8n }).fp, 8n);
  });

  it('clones independently and invalidates', () => {
    const a = CpuContext.create('arm64', { pc: 1n, sp: 2n });
    const b = a.clone();
    b.set('pc', 5n);
    b.invalidate('sp');
    assert.equal(a.ip, 1n);
    assert.equal(a.sp, 2n);
    assert.equal(b.ip, 5n);
    assert.equal(b.sp, undefined);
    b.invalidateAll();
    assert.deepEqual(b.validRegisters(), []);
  });

  it('refuses unknown register names when setting', () => {
    const ctx = CpuContext.create('x86');
    assert.throws(() => ctx.set('rip', 1n), RangeError);
    assert.equal(ctx.get('rip'), undefined);
    assert.equal(ctx.hasRegister('eip'), true);
    assert.equal(ctx.isValid('nope'), false);
  });

  it('lists register names per CPU', () => {
    assert.equal(CpuContext.create('arm64').registerNames.length, 34);
    assert.ok(CpuContext.create('amd64').registerNames.includes('r15'));
    assert.ok(CpuContext.create('x86').registerNames.includes('eflags'));
  });
});
