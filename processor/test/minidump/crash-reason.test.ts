import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crashReason,
  fastFailName,
  type CpuArch,
  type ExceptionInfo,
  type OsKind,
} from '../../src/minidump/index.js';

function exc(
  code: number,
  flags = 0,
  parameters: bigint[] = [],
  address = 0x1000n,
): ExceptionInfo {
  return {
    threadId: 1,
    code,
    flags,
    recordAddress: 0n,
    address,
    numberParameters: parameters.length,
    parameters,
    context: undefined,
  };
}

function reason(os: OsKind, e: ExceptionInfo, cpu: CpuArch = 'amd64'): string {
  return crashReason(e, os, cpu);
}

describe('Windows crash reasons', () => {
  it('access violations by access kind', () => {
    assert.equal(
      reason('windows', exc(0xc0000005, 0, [0n, 0x45n])),
      'EXCEPTION_ACCESS_VIOLATION_READ',
    );
    assert.equal(
      reason('windows', exc(0xc0000005, 0, [1n, 0x45n])),
      'EXCEPTION_ACCESS_VIOLATION_WRITE',
    );
    assert.equal(
      reason('windows', exc(0xc0000005, 0, [8n, 0x45n])),
      'EXCEPTION_ACCESS_VIOLATION_EXEC',
    );
    assert.equal(
      reason('windows', exc(0xc0000005, 0, [3n, 0x45n])),
      'EXCEPTION_ACCESS_VIOLATION',
    );
    assert.equal(
      reason('windows', exc(0xc0000005)),
      'EXCEPTION_ACCESS_VIOLATION',
    );
  });

  it('in-page errors with the underlying NTSTATUS', () => {
    assert.equal(
      reason('windows', exc(0xc0000006, 0, [0n, 0x45n, 0xc000009cn])),
      'EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR',
    );
    assert.equal(
      reason('windows', exc(0xc0000006, 0, [8n, 0x45n, 0xffffffff12345678n])),
      'EXCEPTION_IN_PAGE_ERROR_EXEC / 0x12345678',
    );
    assert.equal(
      reason('windows', exc(0xc0000006, 0, [1n, 0x45n])),
      'EXCEPTION_IN_PAGE_ERROR',
    );
  });

  it('stack buffer overruns carry the fast-fail code', () => {
    assert.equal(
      reason('windows', exc(0xc0000409, 0, [7n])),
      'EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT',
    );
    assert.equal(
      reason('windows', exc(0xc0000409, 0, [2n])),
      'EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_STACK_COOKIE_CHECK_FAILURE',
    );
    assert.equal(
      reason('windows', exc(0xc0000409, 0, [1000n])),
      'EXCEPTION_STACK_BUFFER_OVERRUN / 0x000003e8',
    );
    assert.equal(
      reason('windows', exc(0xc0000409)),
      'STATUS_STACK_BUFFER_OVERRUN',
    );
    assert.equal(fastFailName(18n), 'FAST_FAIL_INVALID_JUMP_BUFFER');
    assert.equal(fastFailName(76n), 'FAST_FAIL_INVALID_EXTENDED_STATE');
    assert.equal(fastFailName(15n), '0x0000000f');
  });

  it('named exceptions, runtime phrases, NTSTATUS names and unknown codes', () => {
    assert.equal(
      reason('windows', exc(0xc00000fd)),
      'EXCEPTION_STACK_OVERFLOW',
    );
    assert.equal(reason('windows', exc(0x80000003)), 'EXCEPTION_BREAKPOINT');
    assert.equal(
      reason('windows', exc(0xc000008e)),
      'EXCEPTION_FLT_DIVIDE_BY_ZERO',
    );
    assert.equal(
      reason('windows', exc(0xc0000194)),
      'EXCEPTION_POSSIBLE_DEADLOCK',
    );
    assert.equal(reason('windows', exc(0xe06d7363)), 'Unhandled C++ Exception');
    assert.equal(reason('windows', exc(0xe0000008)), 'Out of Memory');
    assert.equal(reason('windows', exc(0x0517a7ed)), 'Simulated Exception');
    assert.equal(
      reason('windows', exc(0xc000000d)),
      'STATUS_INVALID_PARAMETER',
    );
    assert.equal(reason('windows', exc(0xc0000374)), 'STATUS_HEAP_CORRUPTION');
    assert.equal(reason('windows', exc(0xdeadbeef)), 'unknown 0xdeadbeef');
  });
});

describe('Linux crash reasons', () => {
  it('signal with its si_code', () => {
    assert.equal(reason('linux', exc(11, 1)), 'SIGSEGV / SEGV_MAPERR');
    assert.equal(reason('linux', exc(11, 2)), 'SIGSEGV / SEGV_ACCERR');
    assert.equal(reason('linux', exc(4, 2)), 'SIGILL / ILL_ILLOPN');
    assert.equal(reason('linux', exc(7, 2)), 'SIGBUS / BUS_ADRERR');
    assert.equal(reason('linux', exc(8, 1)), 'SIGFPE / FPE_INTDIV');
    assert.equal(reason('android', exc(8, 8)), 'SIGFPE / FPE_FLTSUB');
    assert.equal(reason('linux', exc(5, 1)), 'SIGTRAP / TRAP_BRKPT');
    assert.equal(reason('linux', exc(31, 1)), 'SIGSYS / SYS_SECCOMP');
  });

  it('SI_USER prints the bare signal; generic codes by name', () => {
    assert.equal(reason('linux', exc(11, 0)), 'SIGSEGV');
    assert.equal(reason('linux', exc(6, 0xfffffffa)), 'SIGABRT / SI_TKILL');
    assert.equal(reason('linux', exc(6, 0xffffffff)), 'SIGABRT / SI_QUEUE');
    assert.equal(reason('linux', exc(11, 0x80)), 'SIGSEGV / SI_KERNEL');
    assert.equal(reason('linux', exc(11, 0x55)), 'SIGSEGV / 0x00000055');
    assert.equal(reason('linux', exc(15, 0)), 'SIGTERM');
    assert.equal(reason('linux', exc(0xffffffff, 0)), 'DUMP_REQUESTED');
    assert.equal(
      reason('linux', exc(64, 3)),
      'unknown 0x00000040 / 0x00000003',
    );
  });
});

describe('macOS crash reasons', () => {
  it('bad access with kernel codes, then CPU-specific codes', () => {
    assert.equal(
      reason('macos', exc(1, 1)),
      'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS',
    );
    assert.equal(
      reason('ios', exc(1, 2), 'arm64'),
      'EXC_BAD_ACCESS / KERN_PROTECTION_FAILURE',
    );
    assert.equal(
      reason('macos', exc(1, 13)),
      'EXC_BAD_ACCESS / EXC_I386_GPFLT',
    );
    assert.equal(
      reason('macos', exc(1, 0x105), 'arm64'),
      'EXC_BAD_ACCESS / EXC_ARM_PAC_FAIL',
    );
    assert.equal(reason('macos', exc(1, 0x105)), 'EXC_BAD_ACCESS / 0x00000105');
  });

  it('instruction, arithmetic, breakpoint and software exceptions', () => {
    assert.equal(
      reason('macos', exc(2, 1)),
      'EXC_BAD_INSTRUCTION / EXC_I386_INVOP',
    );
    assert.equal(
      reason('macos', exc(2, 1), 'arm64'),
      'EXC_BAD_INSTRUCTION / EXC_ARM_UNDEFINED',
    );
    assert.equal(reason('macos', exc(3, 1)), 'EXC_ARITHMETIC / EXC_I386_DIV');
    assert.equal(
      reason('macos', exc(3, 2), 'arm64'),
      'EXC_ARITHMETIC / EXC_ARM_FP_DZ',
    );
    assert.equal(
      reason('macos', exc(6, 1), 'arm64'),
      'EXC_BREAKPOINT / EXC_ARM_BREAKPOINT',
    );
    assert.equal(
      reason('macos', exc(6, 2), 'x86'),
      'EXC_BREAKPOINT / EXC_I386_BPT',
    );
    assert.equal(reason('macos', exc(5, 0x10002)), 'EXC_SOFTWARE / SIGABRT');
    assert.equal(
      reason('macos', exc(5, 0xdeadc0de)),
      'EXC_SOFTWARE / UNCAUGHT_NS_EXCEPTION',
    );
    assert.equal(reason('macos', exc(4, 7)), 'EXC_EMULATION / 0x00000007');
  });

  it('resource and guard exceptions name their type', () => {
    assert.equal(
      reason('macos', exc(11, 0x20000000 * 3, [0n, 0x1234n, 0x5n])),
      'EXC_RESOURCE / RESOURCE_TYPE_MEMORY / 0x0000000000001234 / 0x0000000000000005',
    );
    assert.equal(
      reason('macos', exc(12, 0x40000000, [0n, 1n, 2n])),
      'EXC_GUARD / GUARD_TYPE_FD / 0x0000000000000001 / 0x0000000000000002',
    );
  });

  it('Crashpad markers and unknown codes', () => {
    assert.equal(reason('macos', exc(0x43507378)), 'Simulated Exception');
    assert.equal(reason('ios', exc(0x43506e78)), 'Uncaught NSException');
    assert.equal(reason('macos', exc(0, 0)), 'unknown 0x00000000 / 0x00000000');
    assert.equal(
      reason('unknown', exc(0xc0000005, 1)),
      'unknown 0xc0000005 / 0x00000001',
    );
  });
});
