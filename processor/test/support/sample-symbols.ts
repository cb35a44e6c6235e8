/**
 * A symbol file for the main module of {@link sampleDump} on amd64, so
 * service-level tests can check symbolication end to end.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SymWriter } from './sym-writer.js';

/** Debug id the writer derives from the sample's 20-byte build id of 0x42. */
export const SAMPLE_DEBUG_ID = `${'42'.repeat(16)}0`;

/** The function the sample's crashing thread is in. */
export const SAMPLE_FUNCTION = 'CrashHere(int)';

/** `.sym` text for the sample dump's `app` module. */
export function sampleSymbols(): Buffer {
  return new SymWriter({
    os: 'Linux',
    cpu: 'x86_64',
    debugId: SAMPLE_DEBUG_ID,
    debugFile: 'app',
  })
    .file(0, 'src/crash.cc')
    .func({
      address: 0x1200,
      size: 0x100,
      name: SAMPLE_FUNCTION,
      lines: [[0x1200, 0x100, 42, 0]],
    })
    .toBuffer();
}

/** Writes the sample's symbols under `root` in symbol-server layout. */
export async function writeSampleSymbols(root: string): Promise<void> {
  const dir = join(root, 'app', SAMPLE_DEBUG_ID);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'app.sym'), sampleSymbols());
}
