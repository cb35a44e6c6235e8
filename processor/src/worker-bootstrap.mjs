// Entry point of worker threads when running from TypeScript source: loads
// tsx in this thread, then the worker module. Node 20 does not carry the
// parent's loader hooks into worker threads.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.workerScript);
