/**
 * A ready-made synthetic dump with every stream the writer knows, for any
 * CPU: a starting point for tests that need "a realistic dump".
 */
import {
  MinidumpWriter,
  type WriterCpu,
  type WriterOs,
} from './minidump-writer.js';

/** Linux stream type ids (Breakpad's 0x4767xxxx range). */
const LINUX_MAPS = 0x47670009;
const LINUX_LSB_RELEASE = 0x47670005;

/** Stack addresses and pointer width used by {@link sampleDump}. */
export interface SampleLayout {
  readonly width: 4 | 8;
  readonly stackBase: bigint;
  readonly moduleBase: bigint;
  readonly crashAddress: bigint;
}

/** Where {@link sampleDump} puts things for `cpu`. */
export function sampleLayout(cpu: WriterCpu): SampleLayout {
  return cpu === 'x86'
    ? {
        width: 4,
        stackBase: 0x12f000n,
        moduleBase: 0x400000n,
        crashAddress: 0x45n,
      }
    : {
        width: 8,
        stackBase: 0x7ffe00000000n,
        moduleBase: 0x7f0000000000n,
        crashAddress: 0xffffffff80000042n,
      };
}

/** Instruction, stack and frame pointer registers for `cpu`. */
export function pointerRegisters(
  cpu: WriterCpu,
  ip: bigint,
  sp: bigint,
  fp: bigint,
): Record<string, bigint> {
  switch (cpu) {
    case 'x86':
      return { eip: ip, esp: sp, ebp: fp };
    case 'amd64':
      return { rip: ip, rsp: sp, rbp: fp };
    default:
      return { pc: ip, sp, fp, lr: ip + 0x40n };
  }
}

/**
 * A writer preloaded with two threads (the first crashed), stack memory,
 * two modules, an exception, misc/Breakpad/assertion/Crashpad info, memory
 * info, an unloaded module and two Linux streams. Add more, then build().
 */
export function sampleDump(
  cpu: WriterCpu,
  os: WriterOs = 'linux',
): MinidumpWriter {
  const { stackBase, moduleBase, crashAddress } = sampleLayout(cpu);
  const ip = moduleBase + 0x1234n;
  const regs = pointerRegisters(cpu, ip, stackBase + 0x10n, stackBase + 0x40n);
  return new MinidumpWriter({ cpu, os })
    .addThread({
      id: 1,
      registers: regs,
      stack: { base: stackBase, bytes: Buffer.alloc(0x100, 1) },
      name: 'main',
    })
    .addThread({
      id: 2,
      registers: pointerRegisters(cpu, ip + 4n, stackBase + 0x10010n, 0n),
      stack: { base: stackBase + 0x10000n, bytes: Buffer.alloc(0x80, 2) },
    })
    .addMemory(moduleBase + 0x1000n, Buffer.alloc(0x400, 0xcc))
    .addModule({
      base: moduleBase,
      size: 0x10000,
      name: '/opt/app/bin/app',
      buildId: Buffer.alloc(20, 0x42),
    })
    .addModule({
      base: moduleBase + 0x100000n,
      size: 0x20000,
      name: 'C:\\app\\lib.dll',
      version: [1, 2, 3, 4],
      pdb: {
        guid: '00112233-4455-6677-8899-aabbccddeeff',
        age: 3,
        file: 'lib.pdb',
      },
    })
    .addUnloadedModule({
      base: moduleBase + 0x200000n,
      size: 0x1000,
      name: 'old.so',
    })
    .setException({
      threadId: 1,
      code: 11,
      flags: 1,
      address: crashAddress,
      registers: regs,
    })
    .setMiscInfo({
      size: 1364,
      processId: 4242,
      processCreateTime: 1_699_999_990,
    })
    .setBreakpadInfo({ dumpThreadId: 2, requestingThreadId: 1 })
    .setAssertion({
      expression: 'x != 0',
      function: 'f',
      file: 'a.c',
      line: 1,
      type: 1,
    })
    .setCrashpadInfo({
      reportId: '42F9DE72-518A-43DD-97D7-8DDC328D3662',
      simple: { prod: 'Sample' },
      modules: [
        {
          index: 0,
          list: ['note'],
          simple: { ver: '1' },
          objects: [{ name: 'n', type: 1, value: 'v' }],
        },
      ],
    })
    .addMemoryInfo([{ base: stackBase, size: 0x20000n }])
    .addLinuxStream(
      LINUX_MAPS,
      '00400000-00410000 r-xp 00000000 08:01 1 /opt/app/bin/app\n',
    )
    .addLinuxStream(LINUX_LSB_RELEASE, 'DISTRIB_ID=Sample\n');
}
