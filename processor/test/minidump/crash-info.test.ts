import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crashAddress,
  isNonCanonicalFault,
  readMinidump,
  type ExceptionInfo,
} from '../../src/minidump/index.js';
import { MinidumpWriter } from '../support/minidump-writer.js';

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

describe('crash address', () => {
  it('Windows access violations use exception_information[1]', () => {
    assert.equal(
      crashAddress(
        exc(0xc0000005, 0, [1n, 0x45n], 0x40429en),
        'windows',
        'x86',
      ),
      0x45n,
    );
    assert.equal(
      crashAddress(
        exc(0xc0000006, 0, [0n, 0x46n, 0n], 0x1n),
        'windows',
        'amd64',
      ),
      0x46n,
    );
    assert.equal(
      crashAddress(exc(0xc0000005, 0, [1n], 0x40429en), 'windows', 'x86'),
      0x40429en,
    );
    assert.equal(
      crashAddress(exc(0xc0000094, 0, [1n, 2n], 0x401000n), 'windows', 'x86'),
      0x401000n,
    );
    assert.equal(crashAddress(exc(11, 1, [], 0x45n), 'linux', 'amd64'), 0x45n);
  });

  it('is masked to 32 bits on 32-bit CPUs only', () => {
    assert.equal(
      crashAddress(
        exc(0xc0000005, 0, [1n, 0xffffffff00000045n]),
        'windows',
        'x86',
      ),
      0x45n,
    );
    assert.equal(
      crashAddress(exc(11, 1, [], 0xffffffff80000042n), 'macos', 'amd64'),
      0xffffffff80000042n,
    );
    assert.equal(
      crashAddress(exc(11, 1, [], 0xffffffff80000042n), 'linux', 'arm64'),
      0xffffffff80000042n,
    );
  });

  it('flags the all-ones address of a non-canonical access', () => {
    const all = 0xffffffffffffffffn;
    assert.equal(
      isNonCanonicalFault(exc(0xc0000005, 0, [0n, all]), 'windows', 'amd64'),
      true,
    );
    assert.equal(
      crashAddress(exc(0xc0000005, 0, [0n, all]), 'windows', 'amd64'),
      all,
    );
    assert.equal(
      isNonCanonicalFault(exc(0xc0000005, 0, [0n, 0x45n]), 'windows', 'amd64'),
      false,
    );
    assert.equal(
      isNonCanonicalFault(exc(0xc0000005, 0, [0n, all]), 'windows', 'x86'),
      false,
    );
  });
});

describe('crash info of a dump', () => {
  for (const [cpu, ip, regs] of [
    ['x86', 0x40429en, { eip: 0x40429en, esp: 0x12fe84n, ebp: 0x12fe88n }],
    [
      'amd64',
      0x7ff75355af42n,
      { rip: 0x7ff75355af42n, rsp: 0xd2de4ff720n, rbp: 0n },
    ],
    [
      'arm64',
      0xfffffff000001000n,
      { pc: 0xfffffff000001000n, sp: 0x16f000n, fp: 0x16f010n },
    ],
  ] as const) {
    it(`${cpu}: the crashing thread starts from the exception context`, () => {
      const d = readMinidump(
        new MinidumpWriter({ cpu, os: 'windows' })
          .addThread({
            id: 10,
            registers:
              cpu === 'x86'
                ? { eip: 1n }
                : cpu === 'amd64'
                  ? { rip: 1n }
                  : { pc: 1n },
          })
          .addThread({ id: 20, registers: regs })
          .setException({
            threadId: 20,
            code: 0xc0000005,
            parameters: [1n, 0xffffffff00000045n],
            address: ip,
            registers: regs,
          })
          .build(),
      );
      const crash = d.crash;
      assert.ok(crash);
      assert.equal(crash.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
      assert.equal(crash.address, cpu === 'x86' ? 0x45n : 0xffffffff00000045n);
      assert.equal(crash.threadIndex, 1);
      assert.equal(crash.threadId, 20);
      const thread = d.requestingThread;
      assert.ok(thread);
      assert.equal(d.contextForThread(thread)?.ip, ip);
      assert.equal(d.contextForThread(thread), d.exception?.context);
      const other = d.threads[0];
      assert.ok(other);
      assert.equal(d.contextForThread(other)?.ip, 1n);
    });
  }

  it('exception parameters beyond 15 are clamped', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
        .setException({
          threadId: 1,
          code: 11,
          flags: 1,
          numberParameters: 99,
          parameters: [1n],
        })
        .build(),
    );
    assert.equal(d.exception?.numberParameters, 99);
    assert.equal(d.exception?.parameters.length, 15);
    assert.equal(d.crash?.reason, 'SIGSEGV / SEGV_MAPERR');
    assert.equal(d.crash?.threadIndex, undefined);
  });

  it('without an exception stream there is no crash; the requesting thread comes from Breakpad info', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .addThread({ id: 1, registers: { rip: 5n } })
        .addThread({ id: 2, registers: { rip: 6n } })
        .setBreakpadInfo({ requestingThreadId: 2, dumpThreadId: 1 })
        .build(),
    );
    assert.equal(d.crash, undefined);
    assert.equal(d.exception, undefined);
    assert.equal(d.requestingThread?.id, 2);
  });
});
