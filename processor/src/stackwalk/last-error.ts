/**
 * Names of GetLastError() values, as the JSON's `last_error_value`
 * reports them: a Win32 error name, else an NTSTATUS name, else
 * `unknown 0x<code>`.
 */
import { ntStatusName } from '../minidump/index.js';

// LIMITATION: only common Win32 error codes have names here; other codes
// print as an NTSTATUS name or `unknown 0x…`, where rust-minidump knows
// every winerror.h name and facility-qualified HRESULTs.
const WIN32_ERRORS = new Map<number, string>([
  [0, 'ERROR_SUCCESS'],
  [1, 'ERROR_INVALID_FUNCTION'],
  [2, 'ERROR_FILE_NOT_FOUND'],
  [3, 'ERROR_PATH_NOT_FOUND'],
  [4, 'ERROR_TOO_MANY_OPEN_FILES'],
  [5, 'ERROR_ACCESS_DENIED'],
  [6, 'ERROR_INVALID_HANDLE'],
  [8, 'ERROR_NOT_ENOUGH_MEMORY'],
  [14, 'ERROR_OUTOFMEMORY'],
  [18, 'ERROR_NO_MORE_FILES'],
  [32, 'ERROR_SHARING_VIOLATION'],
  [87, 'ERROR_INVALID_PARAMETER'],
  [109, 'ERROR_BROKEN_PIPE'],
  [122, 'ERROR_INSUFFICIENT_BUFFER'],
  [126, 'ERROR_MOD_NOT_FOUND'],
  [127, 'ERROR_PROC_NOT_FOUND'],
  [183, 'ERROR_ALREADY_EXISTS'],
  [203, 'ERROR_ENVVAR_NOT_FOUND'],
  [234, 'ERROR_MORE_DATA'],
  [258, 'WAIT_TIMEOUT'],
  [259, 'ERROR_NO_MORE_ITEMS'],
  [487, 'ERROR_INVALID_ADDRESS'],
  [997, 'ERROR_IO_PENDING'],
  [998, 'ERROR_NOACCESS'],
  [1008, 'ERROR_NO_TOKEN'],
  [1168, 'ERROR_NOT_FOUND'],
  [1400, 'ERROR_INVALID_WINDOW_HANDLE'],
  [1455, 'ERROR_COMMITMENT_LIMIT'],
]);

/** The display name of a thread's last error value. */
export function lastErrorName(value: number): string {
  const win32 = WIN32_ERRORS.get(value);
  if (win32 !== undefined) {
    return win32;
  }
  const status = ntStatusName(value);
  return status.startsWith('0x') ? `unknown ${status}` : status;
}
