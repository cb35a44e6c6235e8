/**
 * Turns a thread's frames into the list of normalized frame strings that
 * signatures are chosen from (the proto signature).
 */
import {
  normalizeCppFunction,
  normalizeRustFunction,
} from './normalize-function.js';
import { isTruthy, pyStr } from './python.js';
import { fixRustPanicFunction, sourceFilePath } from './rust-panics.js';
import type { FrameParts, StackThread } from './types.js';

/** At most this many frames (inlines included) are normalized. */
export const MAXIMUM_FRAMES_TO_CONSIDER = 40;

/** Python's `hex(int(text, 16))`, or the text unchanged when it is not hex. */
export function stripLeadingZeros(text: string): string {
  const match =
    /^\s*([+-]?)(?:0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)\s*$/.exec(text);
  if (!match) {
    return text;
  }
  const value = BigInt(`0x${(match[2] ?? '0').replaceAll('_', '')}`);
  const sign = match[1] === '-' && value !== 0n ? '-' : '';
  return `${sign}0x${value.toString(16)}`;
}

/** `<basename>#<line>` for a path with `/` or `\` separators. */
function fileAndLine(file: string, line: unknown): string {
  const trimmed = file.replace(/[/\\]+$/, '');
  const separator = trimmed.includes('\\') ? '\\' : '/';
  const base = trimmed.slice(trimmed.lastIndexOf(separator) + 1);
  return `${base}#${pyStr(line)}`;
}

/**
 * One frame as a string. The first available of: the function (Rust rules
 * when the source file ends in `.rs`, else C/C++ rules), `file#line`, the
 * module, `(unloaded <module>)`, `@<offset>`; else `''` (ignored).
 *
 * @param frame - the frame
 * @param lineNumbers - the line-number list
 */
export function normalizeFrame(frame: FrameParts, lineNumbers: RegExp): string {
  const { module, function: name, file, line, offset } = frame;
  if (name) {
    const path = file ? sourceFilePath(file) : null;
    return path?.endsWith('.rs')
      ? normalizeRustFunction(name, line, lineNumbers)
      : normalizeCppFunction(name, line, lineNumbers);
  }
  if (file && isTruthy(line)) {
    return fileAndLine(file, line);
  }
  // LIMITATION: a frame without symbols is its module name alone, as in
  // siggen since 2024; the older `module@0xoffset` form and its DLL trimming
  // are not offered, so signatures stored before then will not match.
  if (module) {
    // Stray brackets around module names come from some stackwalker output.
    return module.replace(/^[[\]]+|[[\]]+$/g, '');
  }
  const unloaded = frame.unloaded_modules?.[0];
  if (unloaded) {
    return `(unloaded ${pyStr(unloaded.module)})`;
  }
  return offset ? `@${stripLeadingZeros(offset)}` : '';
}

/** Yields each frame's inlined calls (innermost first), then the frame itself. */
export function* expandInlines(thread: StackThread): Generator<FrameParts> {
  for (const frame of thread.frames ?? []) {
    const shared = { module: frame.module, offset: frame.offset };
    for (const inline of frame.inlines ?? []) {
      yield {
        ...shared,
        function: inline.function,
        file: inline.file,
        line: inline.line,
      };
    }
    yield {
      ...shared,
      function: frame.function,
      file: frame.file,
      line: frame.line,
      unloaded_modules: frame.unloaded_modules,
    };
  }
}

/**
 * Normalizes the first {@link MAXIMUM_FRAMES_TO_CONSIDER} frames of a
 * thread, inlined calls counted as frames before their physical frame.
 *
 * @param thread - the stack to read
 * @param lowerCaseModules - lower-case module names (Windows)
 * @param lineNumbers - the line-number list
 */
export function normalizeThreadFrames(
  thread: StackThread,
  lowerCaseModules: boolean,
  lineNumbers: RegExp,
): string[] {
  const normalized: string[] = [];
  for (const parts of expandInlines(thread)) {
    if (normalized.length >= MAXIMUM_FRAMES_TO_CONSIDER) {
      break;
    }
    const frame = fixRustPanicFunction(parts);
    if (lowerCaseModules && frame.module) {
      frame.module = frame.module.toLowerCase();
    }
    normalized.push(normalizeFrame(frame, lineNumbers));
  }
  return normalized;
}
