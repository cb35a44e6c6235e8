import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  JobMemoryError,
  JobTimeoutError,
  siblingModule,
  WorkerPool,
} from '../src/worker-pool.js';
import type { TestJob } from './support/job-worker.js';

describe('WorkerPool', { timeout: 60_000 }, () => {
  const pool = new WorkerPool<TestJob, { value: number; bytes: number }>({
    script: siblingModule(
      new URL('./support/', import.meta.url).href + 'x.ts',
      'job-worker',
    ),
    size: 2,
    timeoutMs: 1500,
    maxHeapMb: 64,
  });
  after(() => pool.close());

  it('runs jobs and transfers buffers', async () => {
    const bytes = new ArrayBuffer(1024);
    const results = await Promise.all([
      pool.run({ kind: 'echo', value: 1, bytes }, [bytes]),
      pool.run({ kind: 'echo', value: 2 }),
      pool.run({ kind: 'echo', value: 3 }),
    ]);
    assert.deepEqual(results, [
      { value: 2, bytes: 1024 },
      { value: 4, bytes: 0 },
      { value: 6, bytes: 0 },
    ]);
    assert.equal(bytes.byteLength, 0, 'the buffer moved to the worker');
  });

  it('passes a job error back by name', async () => {
    await assert.rejects(pool.run({ kind: 'throw' }), {
      name: 'RangeError',
      message: 'bad dump',
    });
  });

  it('times out a job that spins, and keeps serving', async () => {
    await assert.rejects(pool.run({ kind: 'spin' }), JobTimeoutError);
    assert.deepEqual(await pool.run({ kind: 'echo', value: 5 }), {
      value: 10,
      bytes: 0,
    });
  });

  it('stops a job that exceeds the heap limit, and keeps serving', async () => {
    await assert.rejects(pool.run({ kind: 'balloon' }), JobMemoryError);
    assert.deepEqual(await pool.run({ kind: 'echo', value: 7 }), {
      value: 14,
      bytes: 0,
    });
  });
});
