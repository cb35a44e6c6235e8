import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pruneToSize } from '../../src/symbols/disk-cache.js';

describe('pruneToSize', () => {
  let dir: string;
  const now = Date.now();
  const put = async (path: string, bytes: number, ageMinutes: number) => {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, Buffer.alloc(bytes));
    const at = new Date(now - ageMinutes * 60_000);
    await utimes(full, at, at);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'disk-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a folder under its bound alone', async () => {
    await put('a/1/a.sym', 400, 30);
    await put('b/1/b.sym', 400, 20);
    assert.deepEqual(await pruneToSize(dir, 1000, now), {
      before: 800,
      removedFiles: 0,
      removedBytes: 0,
    });
    assert.ok(existsSync(join(dir, 'a/1/a.sym')));
  });

  it('removes the oldest files down to the low-water mark', async () => {
    await put('old/1/old.sym', 400, 30);
    await put('mid/1/mid.sym', 400, 20);
    await put('new/1/new.sym', 400, 10);
    // 1200 bytes over a 1000-byte bound: down to 800 at most.
    assert.deepEqual(await pruneToSize(dir, 1000, now), {
      before: 1200,
      removedFiles: 1,
      removedBytes: 400,
    });
    assert.equal(existsSync(join(dir, 'old/1/old.sym')), false);
    assert.ok(existsSync(join(dir, 'mid/1/mid.sym')));
    assert.ok(existsSync(join(dir, 'new/1/new.sym')));
  });

  it('leaves a write in progress, and removes a stale one', async () => {
    await put('a/1/a.sym.x1.tmp', 600, 1);
    await put('b/1/b.sym.x2.tmp', 600, 60);
    await put('c/1/c.sym', 600, 5);
    const result = await pruneToSize(dir, 1000, now);
    assert.equal(
      result.before,
      1200,
      'the fresh temporary file is not counted',
    );
    assert.equal(existsSync(join(dir, 'a/1/a.sym.x1.tmp')), true);
    assert.equal(existsSync(join(dir, 'b/1/b.sym.x2.tmp')), false);
    assert.ok(existsSync(join(dir, 'c/1/c.sym')));
  });

  it('treats a missing folder as empty', async () => {
    assert.equal((await pruneToSize(join(dir, 'none'), 10, now)).before, 0);
  });
});
