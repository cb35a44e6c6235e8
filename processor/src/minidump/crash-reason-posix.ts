/**
 * Crash reasons of Linux/Android dumps (signal + si_code) and of macOS/iOS
 * dumps (Mach exception + code).
 */
import type { CpuArch } from './constants.js';
import { hex32 } from './crash-reason-windows.js';
import type { ExceptionInfo } from './exception.js';

const signalNames = [
  '',
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGKILL',
  'SIGUSR1',
  'SIGSEGV',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGSTKFLT',
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGPROF',
  'SIGWINCH',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
];

/** Signal-specific si_code names, indexed by si_code (from 1). */
const signalCodes: Readonly<Record<string, readonly string[]>> = {
  SIGILL: [
    'ILLOPC',
    'ILLOPN',
    'ILLADR',
    'ILLTRP',
    'PRVOPC',
    'PRVREG',
    'COPROC',
    'BADSTK',
    'BADIADDR',
  ].map((n) => `ILL_${n}`),
  SIGTRAP: ['BRKPT', 'TRACE', 'BRANCH', 'HWBKPT', 'UNK', 'PERF'].map(
    (n) => `TRAP_${n}`,
  ),
  SIGFPE: [
    'INTDIV',
    'INTOVF',
    'FLTDIV',
    'FLTOVF',
    'FLTUND',
    'FLTRES',
    'FLTINV',
    'FLTSUB',
  ].map((n) => `FPE_${n}`),
  SIGSEGV: ['MAPERR', 'ACCERR', 'BNDERR', 'PKUERR'].map((n) => `SEGV_${n}`),
  SIGBUS: ['ADRALN', 'ADRERR', 'OBJERR', 'MCEERR_AR', 'MCEERR_AO'].map(
    (n) => `BUS_${n}`,
  ),
  SIGSYS: ['SYS_SECCOMP', 'SYS_USER_DISPATCH'],
};

/** Generic si_code values (signed). */
const genericCodes = new Map<number, string>([
  [0x80, 'SI_KERNEL'],
  [-1, 'SI_QUEUE'],
  [-2, 'SI_TIMER'],
  [-3, 'SI_MESGQ'],
  [-4, 'SI_ASYNCIO'],
  [-5, 'SI_SIGIO'],
  [-6, 'SI_TKILL'],
  [-7, 'SI_DETHREAD'],
  [-60, 'SI_ASYNCNL'],
]);

/** `SIGSEGV / SEGV_MAPERR`, `SIGABRT / SI_TKILL`, or just `SIGSEGV`. */
export function linuxCrashReason(exc: ExceptionInfo): string | undefined {
  const name =
    exc.code === 0xffffffff ? 'DUMP_REQUESTED' : signalNames[exc.code];
  if (!name) {
    return undefined;
  }
  const specific = signalCodes[name]?.[exc.flags - 1];
  if (specific !== undefined) {
    return `${name} / ${specific}`;
  }
  const siCode = exc.flags | 0;
  if (siCode === 0) {
    // SI_USER: sent by kill(), nothing more to say.
    return name;
  }
  return `${name} / ${genericCodes.get(siCode) ?? hex32(exc.flags)}`;
}

const machNames = new Map<number, string>([
  [1, 'EXC_BAD_ACCESS'],
  [2, 'EXC_BAD_INSTRUCTION'],
  [3, 'EXC_ARITHMETIC'],
  [4, 'EXC_EMULATION'],
  [5, 'EXC_SOFTWARE'],
  [6, 'EXC_BREAKPOINT'],
  [7, 'EXC_SYSCALL'],
  [8, 'EXC_MACH_SYSCALL'],
  [9, 'EXC_RPC_ALERT'],
  [11, 'EXC_RESOURCE'],
  [12, 'EXC_GUARD'],
]);

const kernCodes = new Map<number, string>([
  [1, 'KERN_INVALID_ADDRESS'],
  [2, 'KERN_PROTECTION_FAILURE'],
  [5, 'KERN_FAILURE'],
  [8, 'KERN_NO_ACCESS'],
  [9, 'KERN_MEMORY_FAILURE'],
  [10, 'KERN_MEMORY_ERROR'],
  [50, 'KERN_CODESIGN_ERROR'],
]);

type CodeTable = ReadonlyMap<number, string>;
const table = (entries: [number, string][]): CodeTable => new Map(entries);

/** Per-exception sub-codes that depend on the CPU family. */
const x86Codes: Readonly<Record<string, CodeTable>> = {
  EXC_BAD_ACCESS: table([[13, 'EXC_I386_GPFLT']]),
  EXC_BAD_INSTRUCTION: table([
    [1, 'EXC_I386_INVOP'],
    [10, 'EXC_I386_INVTSSFLT'],
    [11, 'EXC_I386_SEGNPFLT'],
    [12, 'EXC_I386_STKFLT'],
    [13, 'EXC_I386_GPFLT'],
    [17, 'EXC_I386_ALIGNFLT'],
  ]),
  EXC_ARITHMETIC: table(
    [
      'DIV',
      'INTO',
      'NOEXT',
      'EXTOVR',
      'EXTERR',
      'EMERR',
      'BOUND',
      'SSEEXTERR',
    ].map((n, i) => [i + 1, `EXC_I386_${n}`]),
  ),
  EXC_BREAKPOINT: table([
    [1, 'EXC_I386_SGL'],
    [2, 'EXC_I386_BPT'],
  ]),
};

const armCodes: Readonly<Record<string, CodeTable>> = {
  EXC_BAD_ACCESS: table(
    ['DA_ALIGN', 'DA_DEBUG', 'SP_ALIGN', 'SWP', 'PAC_FAIL'].map((n, i) => [
      0x101 + i,
      `EXC_ARM_${n}`,
    ]),
  ),
  EXC_BAD_INSTRUCTION: table([[1, 'EXC_ARM_UNDEFINED']]),
  EXC_ARITHMETIC: table(
    ['IO', 'DZ', 'OF', 'UF', 'IX', 'ID'].map((n, i) => [
      i + 1,
      `EXC_ARM_FP_${n}`,
    ]),
  ),
  EXC_BREAKPOINT: table([[1, 'EXC_ARM_BREAKPOINT']]),
};

const softwareCodes = table([
  [0x00010002, 'SIGABRT'],
  [0xdeadc0de, 'UNCAUGHT_NS_EXCEPTION'],
  [0x00000001, 'EXC_PPC_TRAP'],
  [0x00010100, 'EXC_PPC_MIGRATE'],
]);

const resourceTypes = ['', 'CPU', 'WAKEUPS', 'MEMORY', 'IO', 'THREADS'];
const guardTypes = [
  'NONE',
  'MACH_PORT',
  'FD',
  'USER',
  'VN',
  'VIRT_MEMORY',
  'REJECTED_SC',
];

function hex64(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

/** `EXC_BAD_ACCESS / KERN_INVALID_ADDRESS` and similar. */
export function macCrashReason(
  exc: ExceptionInfo,
  cpu: CpuArch,
): string | undefined {
  // Crashpad markers for dumps written without a Mach exception.
  if (exc.code === 0x43507378) {
    return 'Simulated Exception';
  }
  if (exc.code === 0x43506e78) {
    return 'Uncaught NSException';
  }
  const name = machNames.get(exc.code);
  if (name === undefined) {
    return undefined;
  }
  return `${name} / ${macSubCode(name, exc, cpu) ?? hex32(exc.flags)}`;
}

function macSubCode(
  name: string,
  exc: ExceptionInfo,
  cpu: CpuArch,
): string | undefined {
  const flags = exc.flags;
  if (name === 'EXC_BAD_ACCESS' && kernCodes.has(flags)) {
    return kernCodes.get(flags);
  }
  if (name === 'EXC_SOFTWARE') {
    return softwareCodes.get(flags);
  }
  if (name === 'EXC_RESOURCE' || name === 'EXC_GUARD') {
    // LIMITATION: EXC_RESOURCE and EXC_GUARD print their type and the raw
    // code/subcode; flavor details (limits, ports, fds) are not decoded.
    const kind = (flags >>> 29) & 0x7;
    const types = name === 'EXC_RESOURCE' ? resourceTypes : guardTypes;
    const prefix = name === 'EXC_RESOURCE' ? 'RESOURCE_TYPE_' : 'GUARD_TYPE_';
    const typeName = types[kind];
    if (!typeName) {
      return undefined;
    }
    const [, code = 0n, subcode = 0n] = exc.parameters;
    return `${prefix}${typeName} / ${hex64(code)} / ${hex64(subcode)}`;
  }
  const tables =
    cpu === 'x86' || cpu === 'amd64'
      ? x86Codes
      : cpu === 'arm64'
        ? armCodes
        : {};
  return tables[name]?.get(flags);
}
