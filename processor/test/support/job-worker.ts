/** A worker for the pool tests: echoes, spins, allocates or throws on demand. */
import { serveJobs } from '../../src/worker-host.js';

export type TestJob =
  | { kind: 'echo'; value: number; bytes?: ArrayBuffer }
  | { kind: 'spin' }
  | { kind: 'balloon' }
  | { kind: 'throw' };

serveJobs((job: TestJob) => {
  switch (job.kind) {
    case 'echo':
      return { value: job.value * 2, bytes: job.bytes?.byteLength ?? 0 };
    case 'spin':
      for (;;) {
        // Never returns: the pool must time this job out.
      }
    case 'balloon': {
      const hoard: number[][] = [];
      for (;;) {
        hoard.push(new Array<number>(1_000_000).fill(1));
      }
    }
    case 'throw':
      throw new RangeError('bad dump');
  }
});
