/**
 * The crash reason string and crash address of an exception, following
 * rust-minidump's conventions so signatures match other processors.
 */
import { pointerWidthOf, type CpuArch, type OsKind } from './constants.js';
import { linuxCrashReason, macCrashReason } from './crash-reason-posix.js';
import { hex32, windowsCrashReason } from './crash-reason-windows.js';
import type { ExceptionInfo } from './exception.js';

/**
 * A human-readable reason such as `EXCEPTION_ACCESS_VIOLATION_WRITE`,
 * `SIGSEGV / SEGV_MAPERR` or `EXC_BAD_ACCESS / KERN_INVALID_ADDRESS`;
 * `unknown 0x<code> / 0x<flags>` when the OS or code is not known.
 */
export function crashReason(
  exc: ExceptionInfo,
  os: OsKind,
  cpu: CpuArch,
): string {
  let reason: string | undefined;
  switch (os) {
    case 'windows':
      reason = windowsCrashReason(exc);
      break;
    case 'linux':
    case 'android':
      reason = linuxCrashReason(exc);
      break;
    case 'macos':
    case 'ios':
      reason = macCrashReason(exc, cpu);
      break;
    default:
      reason = undefined;
  }
  return reason ?? `unknown ${hex32(exc.code)} / ${hex32(exc.flags)}`;
}

const WINDOWS_ACCESS_VIOLATION = 0xc0000005;
const WINDOWS_IN_PAGE_ERROR = 0xc0000006;
const ALL_ONES = 0xffffffffffffffffn;

function isWindowsMemoryFault(exc: ExceptionInfo, os: OsKind): boolean {
  return (
    os === 'windows' &&
    (exc.code === WINDOWS_ACCESS_VIOLATION ||
      exc.code === WINDOWS_IN_PAGE_ERROR) &&
    exc.numberParameters >= 2
  );
}

/**
 * The address that "caused" the crash: for Windows access violations and
 * in-page errors the data address (exception_information[1]), otherwise
 * the exception address. On 32-bit CPUs it is masked to 32 bits, because
 * some writers sign-extend it.
 */
export function crashAddress(
  exc: ExceptionInfo,
  os: OsKind,
  cpu: CpuArch,
): bigint {
  const address = isWindowsMemoryFault(exc, os)
    ? (exc.parameters[1] ?? exc.address)
    : exc.address;
  return pointerWidthOf(cpu) === 4 ? address & 0xffffffffn : address;
}

// LIMITATION: the real target of a non-canonical access is not recovered
// (Breakpad disassembles the crashing instruction for it); the address
// stays all ones and CrashInfo.nonCanonicalAddress says so.

/**
 * True when Windows reported an access to a non-canonical 64-bit address:
 * the CPU raises a general protection fault without the address, and
 * Windows then stores all ones as the data address.
 */
export function isNonCanonicalFault(
  exc: ExceptionInfo,
  os: OsKind,
  cpu: CpuArch,
): boolean {
  return (
    pointerWidthOf(cpu) === 8 &&
    isWindowsMemoryFault(exc, os) &&
    exc.parameters[1] === ALL_ONES
  );
}
