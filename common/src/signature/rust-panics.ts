/**
 * Rust 1.34 wrote its panic functions to symbol files without their module
 * path (`panic` instead of `core::panicking::panic`), which hid them from the
 * sentinel and prefix lists. Frames from those files get the full path back.
 */
import type { FrameParts } from './types.js';

/** Standard-library source file → functions whose module path was lost. */
const PATHLESS_PANIC_FUNCTIONS: ReadonlyMap<string, readonly string[]> =
  new Map([
    ['src/liballoc/raw_vec.rs', ['capacity_overflow']],
    ['src/libcore/option.rs', ['expect_failed']],
    ['src/libcore/panicking.rs', ['panic', 'panic_bounds_check', 'panic_fmt']],
    ['src/libcore/slice/mod.rs', ['slice_index_order_fail']],
    [
      'src/libstd/panicking.rs',
      ['begin_panic_fmt', 'continue_panic_fmt', 'rust_panic_with_hook'],
    ],
  ]);

/**
 * The path part of a frame's source file: `hg:host/repo:path:rev` and
 * `git:host/repo:path:rev` give `path`, `c:\dir\file` gives `\dir\file`, an
 * absolute POSIX path is kept; anything else gives null.
 */
export function sourceFilePath(file: string): string | null {
  if (!file) {
    return null;
  }
  const parts = file.split(':');
  if (parts.length === 4) {
    return parts[2] ?? null;
  }
  if (parts.length === 2) {
    return parts[1] ?? null;
  }
  return file.startsWith('/') ? file : null;
}

/** `src/libcore/slice/mod.rs` → `core::slice`. */
function modulePath(stdFile: string): string {
  const segments = stdFile
    .replace(/^src\/lib/, '')
    .replace(/\.rs$/, '')
    .split('/');
  if (segments[segments.length - 1] === 'mod') {
    segments.pop();
  }
  return segments.join('::');
}

/**
 * Returns a copy of the frame whose function carries its module path again
 * when the frame is one of Rust 1.34's path-less panic functions.
 */
export function fixRustPanicFunction(frame: FrameParts): FrameParts {
  const path = frame.file ? sourceFilePath(frame.file) : null;
  const name = frame.function;
  if (!path || !name || !PATHLESS_PANIC_FUNCTIONS.get(path)?.includes(name)) {
    return { ...frame };
  }
  return { ...frame, function: `${modulePath(path)}::${name}` };
}
