/**
 * The symbol-server layout shared by Breakpad, Mozilla, Electron and Sentry
 * symbol stores: `<debug file>/<DEBUG ID>/<symbol file name>`.
 */

/** A module's symbol file, named and located in symbol-server layout. */
export interface SymbolKey {
  /** Last path component of the debug file, e.g. `test_app.pdb`. */
  readonly debugFile: string;
  /** Uppercase hex without dashes, e.g. `5A9832E5287241C1838ED98914E9B7FF1`. */
  readonly debugId: string;
  /** e.g. `test_app.sym`, `libc.so.6.sym`. */
  readonly symFile: string;
  /** `<debugFile>/<debugId>/<symFile>`, with `/` separators. */
  readonly path: string;
  /** `<debugFile>/<debugId>`: identifies the module for caches and logs. */
  readonly id: string;
}

const DEBUG_ID = /^[0-9A-F]{1,64}$/;
// Control characters have no place in a file name; refusing them (with `/`
// and `\`, which leaf extraction removes) keeps keys safe as paths.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\u0000-\u001f\u007f]/;

/** The last component of a path using `/` or `\` separators. */
export function debugFileLeaf(debugFile: string): string {
  const cut = Math.max(debugFile.lastIndexOf('/'), debugFile.lastIndexOf('\\'));
  return debugFile.slice(cut + 1);
}

/**
 * Symbol file name for a debug file: a trailing `.pdb` (any case) becomes
 * `.sym`, any other name gets `.sym` appended.
 */
export function symFileName(debugFile: string): string {
  const leaf = debugFileLeaf(debugFile);
  return /\.pdb$/i.test(leaf) ? `${leaf.slice(0, -4)}.sym` : `${leaf}.sym`;
}

/** Uppercases a debug id and drops dashes; undefined when not hex. */
export function normalizeDebugId(debugId: string): string | undefined {
  const id = debugId.replace(/-/g, '').toUpperCase();
  return DEBUG_ID.test(id) ? id : undefined;
}

/**
 * Locates a module's symbol file. Undefined when the debug file or id
 * cannot name a file safely (empty, `.`/`..`, control characters, non-hex
 * id): such a module has no symbols to find.
 *
 * LIMITATION: only the debug-file/debug-id layout is used; the
 * code-file/code-id layout that Microsoft-style servers also offer for
 * Windows binaries is not tried. See docs/limitations.md.
 */
export function symbolKey(
  debugFile: string,
  debugId: string,
): SymbolKey | undefined {
  const leaf = debugFileLeaf(debugFile.trim());
  const id = normalizeDebugId(debugId.trim());
  if (
    id === undefined ||
    leaf === '' ||
    leaf === '.' ||
    leaf === '..' ||
    BAD_NAME.test(leaf)
  ) {
    return undefined;
  }
  const symFile = symFileName(leaf);
  return {
    debugFile: leaf,
    debugId: id,
    symFile,
    path: `${leaf}/${id}/${symFile}`,
    id: `${leaf}/${id}`,
  };
}
