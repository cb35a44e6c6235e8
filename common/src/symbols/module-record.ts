/**
 * The MODULE record that opens every Breakpad symbol file:
 * `MODULE <os> <cpu> <debug id> <debug file>`. It names the module the
 * file is for, and so where the file is stored.
 */

/** What a MODULE record says. */
export interface SymbolModule {
  /** As written: `windows`, `Linux`, `mac`, `ios`, `android`… */
  readonly os: string;
  /** As written: `x86`, `x86_64`, `arm`, `arm64`… */
  readonly cpu: string;
  /** Uppercased hex (usually 33 digits). */
  readonly debugId: string;
  /** Debug file name; may contain spaces. */
  readonly debugFile: string;
}

/**
 * Parses the MODULE record from the first bytes of a symbol file (at least
 * its first line; a UTF-8 byte-order mark and blank lines before it are
 * allowed). Undefined when the first non-blank line is not a MODULE record.
 */
export function readModuleLine(head: Uint8Array): SymbolModule | undefined {
  let text = Buffer.from(
    head.buffer,
    head.byteOffset,
    head.byteLength,
  ).toString('utf8');
  if (text.startsWith('\ufeff')) {
    text = text.slice(1);
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') {
      continue;
    }
    const m =
      /^MODULE[ \t]+(\S+)[ \t]+(\S+)[ \t]+([0-9A-Fa-f]+)[ \t]+(\S.*)$/.exec(
        line,
      );
    if (m === null) {
      return undefined;
    }
    return {
      os: m[1]!,
      cpu: m[2]!,
      debugId: m[3]!.toUpperCase(),
      debugFile: m[4]!.trim(),
    };
  }
  return undefined;
}
