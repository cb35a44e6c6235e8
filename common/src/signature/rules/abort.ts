/**
 * AbortSignature: crashes with an abort message get
 * `Abort | <cleaned message> | <signature>`.
 */
import { pyStrip } from '../python.js';
import type { SignatureRule } from '../rule.js';

const ABORT_MARKER = '###!!! ABORT:';
const MAX_MESSAGE_LENGTH = 80;

/** Removes the parenthesized, localized part of font messages (bug 1385966). */
function dropLocalizedFontText(message: string): string {
  if (!message.includes('unable to find a usable font')) {
    return message;
  }
  const open = message.indexOf('(');
  const close = message.lastIndexOf(')');
  if (open === -1 || close === -1) {
    return message;
  }
  return message.slice(0, open) + message.slice(close + 1);
}

/**
 * The part of an abort message worth a signature: the text after
 * `###!!! ABORT:`, up to `: file `, in printable ASCII, at most 80 characters.
 */
export function cleanAbortMessage(raw: string): string {
  let message = raw;
  const marker = message.indexOf(ABORT_MARKER);
  if (marker !== -1) {
    message = message.slice(marker + ABORT_MARKER.length);
  }
  const file = message.indexOf(': file ');
  if (file !== -1) {
    message = message.slice(0, file);
  }
  message = pyStrip(
    dropLocalizedFontText(message).replace(/[^\x20-\x7e]/g, ''),
  );
  return message.length > MAX_MESSAGE_LENGTH
    ? `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...`
    : message;
}

const NAME = 'AbortSignature';

/** The rule. */
export const abortRule: SignatureRule = {
  name: NAME,
  predicate: (input) => !!input.abort_message,
  action: (input, result) => {
    const raw = input.abort_message ?? '';
    // A bare "###!!! ABORT: file ..." message says nothing but "abort".
    if (raw.includes(`${ABORT_MARKER} file `)) {
      result.setSignature(NAME, `Abort | ${result.signature}`);
      return;
    }
    result.setSignature(
      NAME,
      `Abort | ${cleanAbortMessage(raw)} | ${result.signature}`,
    );
  },
};
