/**
 * Keeps a folder of cached files under a size: when the files add up to
 * more than the bound, the least recently used go (by modification time,
 * which a cache hit refreshes) until they fill no more than the low-water
 * mark, so the next pruning is not due at the next write. Several workers
 * may share the folder: each prunes what it finds on disk, and a file
 * another worker deleted first is simply gone.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Share of the bound a pruned folder is brought down to. */
export const LOW_WATER_RATIO = 0.8;
/** A temporary file younger than this may still be being written. */
const TEMP_GRACE_MS = 10 * 60_000;

interface CachedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

async function listFiles(dir: string): Promise<CachedFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: CachedFile[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listFiles(path)));
    } else if (entry.isFile()) {
      try {
        const s = await stat(path);
        files.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        // Deleted meanwhile, by another worker.
      }
    }
  }
  return files;
}

/** What a pruning did. */
export interface PruneResult {
  /** Bytes in the folder before. */
  readonly before: number;
  readonly removedFiles: number;
  readonly removedBytes: number;
}

/**
 * Brings `dir` under `maxBytes` when it is over it, oldest files first.
 * `now` dates the temporary files of writes in progress, which are left.
 */
export async function pruneToSize(
  dir: string,
  maxBytes: number,
  now: number = Date.now(),
): Promise<PruneResult> {
  const files = (await listFiles(dir)).filter(
    (f) => !f.path.endsWith('.tmp') || now - f.mtimeMs > TEMP_GRACE_MS,
  );
  const before = files.reduce((sum, f) => sum + f.size, 0);
  if (before <= maxBytes) {
    return { before, removedFiles: 0, removedBytes: 0 };
  }
  const target = Math.floor(maxBytes * LOW_WATER_RATIO);
  let total = before;
  let removedFiles = 0;
  for (const file of [...files].sort((a, b) => a.mtimeMs - b.mtimeMs)) {
    if (total <= target) {
      break;
    }
    await rm(file.path, { force: true });
    total -= file.size;
    removedFiles += 1;
  }
  return { before, removedFiles, removedBytes: before - total };
}
