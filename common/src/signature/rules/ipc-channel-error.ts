/**
 * SignatureIPCChannelError: an IPC channel error replaces the signature with
 * `IPCError-browser | <error>` (when the crash carries the browser's
 * minidump) or `IPCError-content | <error>`.
 */
import { codePointPrefix } from '../python.js';
import type { SignatureRule } from '../rule.js';

const NAME = 'SignatureIPCChannelError';
const BROWSER_MINIDUMP = 'upload_file_minidump_browser';
const MAX_ERROR_LENGTH = 100;

/** The rule. */
export const ipcChannelErrorRule: SignatureRule = {
  name: NAME,
  predicate: (input) => !!input.ipc_channel_error,
  action: (input, result) => {
    // A list is searched by name; a comma-joined string by substring.
    const minidumps = input.additional_minidumps ?? [];
    const side = minidumps.includes(BROWSER_MINIDUMP) ? 'browser' : 'content';
    const error = codePointPrefix(
      input.ipc_channel_error ?? '',
      MAX_ERROR_LENGTH,
    );
    result.info(NAME, 'IPC Channel Error stomped on signature');
    result.setSignature(NAME, `IPCError-${side} | ${error}`);
  },
};
