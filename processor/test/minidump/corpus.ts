/**
 * Locates the shared real-minidump corpus (outside the repository) for the
 * real-dump tests, and small helpers to compare against its reference
 * outputs. Suites skip when the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMinidump, type Minidump } from '../../src/minidump/index.js';

/** Root of the corpus: CRASHSTATS_TESTDATA, else ../shared/testdata/minidumps. */
export const corpusRoot =
  process.env.CRASHSTATS_TESTDATA ??
  fileURLToPath(
    new URL('../../../../shared/testdata/minidumps', import.meta.url),
  );

/** false when present, else the skip message for `describe`. */
export const corpusSkip: string | false = existsSync(join(corpusRoot, 'dumps'))
  ? false
  : `real minidump corpus not found at ${corpusRoot}; skipping`;

/** Reads a corpus file (path relative to the corpus root). */
export function corpusFile(path: string): Buffer {
  return readFileSync(join(corpusRoot, path));
}

const cache = new Map<string, Minidump>();

/** Parses `dumps/<path>` once per test run. */
export function corpusDump(path: string): Minidump {
  let d = cache.get(path);
  if (d === undefined) {
    d = readMinidump(corpusFile(join('dumps', path)));
    cache.set(path, d);
  }
  return d;
}

/** `0x` + hex zero-padded to the pointer width, as the reference JSON prints. */
export function hexAddress(value: bigint, pointerWidth: 4 | 8): string {
  return `0x${value.toString(16).padStart(pointerWidth * 2, '0')}`;
}
