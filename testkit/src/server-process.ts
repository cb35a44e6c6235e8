import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { LOOPBACK, freePort } from './free-port.js';

/** Where a server listens and keeps its files. */
export interface ServerContext {
  /** TCP port on 127.0.0.1; the same for every start of one server. */
  readonly port: number;
  /** The server's data folder; kept across restarts. */
  readonly dataDir: string;
}

/** How to run one server binary. */
export interface ServerProcessOptions {
  /** Short name for messages and the temp folder, such as `nats-server`. */
  readonly name: string;
  /** Path of the binary to run. */
  readonly command: string;
  /** Builds the command-line arguments for a port and data folder. */
  readonly args: (context: ServerContext) => readonly string[];
  /** Runs once, after the data folder exists and before the first start. */
  readonly prepare?: (context: ServerContext) => Promise<void>;
  /**
   * Extra readiness check, polled after the port accepts connections until it
   * resolves `true`; a rejection counts as "not ready yet".
   */
  readonly isReady?: (context: ServerContext) => Promise<boolean>;
  /** How long a start may take before it fails; 15 000 ms by default. */
  readonly readyTimeoutMs?: number;
  /** How long to wait after SIGTERM before SIGKILL; 5 000 ms by default. */
  readonly stopTimeoutMs?: number;
  /** Environment of the child; the parent's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A folder to keep the data in, made if missing and left in place by
   * `dispose()`, so a later start finds it again. By default the data goes
   * in a new temporary folder that `dispose()` removes. `prepare` runs each
   * time a server is started on a kept folder, so it must accept a folder
   * it set up before.
   */
  readonly dataDir?: string;
}

/** A server child process on a fixed loopback port with a temp data folder. */
export interface ServerProcess extends AsyncDisposable {
  /** The name given in the options. */
  readonly name: string;
  /** TCP port on 127.0.0.1. */
  readonly port: number;
  /** The data folder; `dispose()` removes it unless it was given. */
  readonly dataDir: string;
  /** Whether the child is running now. */
  readonly running: boolean;
  /** The last lines the server wrote to stdout and stderr. */
  output(): string;
  /** Starts the server again, on the same port with the same data folder. */
  start(): Promise<void>;
  /** Sends SIGTERM, then SIGKILL if needed, and waits for the exit. */
  stop(): Promise<void>;
  /** Stops the server and removes a temporary data folder; safe to call twice. */
  dispose(): Promise<void>;
}

const OUTPUT_LINES = 50;
const POLL_INTERVAL_MS = 50;
const START_ATTEMPTS = 3;
const PORT_TAKEN = /address already in use|EADDRINUSE/i;

/** Children and folders still alive, for the process 'exit' safety net. */
const liveChildren = new Set<ChildProcess>();
const liveDataDirs = new Set<string>();
let safetyNetInstalled = false;

/**
 * Makes sure no child outlives this process: on 'exit' it SIGKILLs every
 * server that was not stopped and removes folders that were not disposed.
 */
function installSafetyNet(): void {
  if (safetyNetInstalled) {
    return;
  }
  safetyNetInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) {
      child.kill('SIGKILL');
    }
    for (const dir of liveDataDirs) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // Best effort only: the process is exiting.
      }
    }
  });
}

/** Keeps the last lines written to any of the streams it is fed. */
class OutputTail {
  readonly #lines: string[] = [];

  /** Collects lines from a stream; a partial line waits for its end. */
  feed(stream: Readable): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      parts.forEach((line) => this.push(line));
    });
    stream.on('end', () => {
      if (partial) {
        this.push(partial);
      }
    });
  }

  push(line: string): void {
    this.#lines.push(line.replace(/\r$/, ''));
    if (this.#lines.length > OUTPUT_LINES) {
      this.#lines.shift();
    }
  }

  text(): string {
    return this.#lines.join('\n');
  }
}

/** How a child ended: an exit code or signal, or a failure to spawn. */
interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** One spawned child and what is known about its end. */
interface Run {
  readonly child: ChildProcess;
  exit: ExitInfo | undefined;
  /** Settles when the child has exited (or failed to spawn). */
  readonly exited: Promise<ExitInfo>;
  /** Settles when its stdout and stderr are closed too. */
  readonly closed: Promise<void>;
}

/** Thrown when a child exits before it is ready. */
class EarlyExitError extends Error {
  readonly output: string;

  constructor(message: string, output: string) {
    super(message);
    this.name = 'EarlyExitError';
    this.output = output;
  }
}

function describeExit(exit: ExitInfo): string {
  if (exit.error) {
    return `could not be spawned: ${exit.error.message}`;
  }
  return exit.signal
    ? `was killed by ${exit.signal}`
    : `exited with code ${String(exit.code)}`;
}

/** Resolves `true` if the promise settles first, `false` after `ms`. */
async function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** The child-process server behind {@link startServerProcess}. */
class ManagedServer implements ServerProcess {
  readonly name: string;
  readonly dataDir: string;
  readonly #keepData: boolean;
  readonly #options: ServerProcessOptions;
  readonly #tail = new OutputTail();
  #port: number;
  #run: Run | undefined;
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ServerProcessOptions, port: number, dataDir: string) {
    this.name = options.name;
    this.dataDir = dataDir;
    this.#keepData = options.dataDir !== undefined;
    this.#options = options;
    this.#port = port;
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#run !== undefined && this.#run.exit === undefined;
  }

  output(): string {
    return this.#tail.text();
  }

  /** First start: a port taken by someone else is swapped for a fresh one. */
  async firstStart(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start();
        return;
      } catch (error) {
        const retry =
          error instanceof EarlyExitError &&
          PORT_TAKEN.test(error.output) &&
          attempt < START_ATTEMPTS;
        if (!retry) {
          throw error;
        }
        this.#port = await freePort();
      }
    }
  }

  start(): Promise<void> {
    return this.#serial(async () => {
      if (this.#disposed) {
        throw new Error(`${this.name}: start() after dispose()`);
      }
      if (!this.running) {
        await this.#launch();
      }
    });
  }

  stop(): Promise<void> {
    return this.#serial(() => this.#halt());
  }

  dispose(): Promise<void> {
    return this.#serial(async () => {
      if (this.#disposed) {
        return;
      }
      this.#disposed = true;
      await this.#halt();
      if (!this.#keepData) {
        await rm(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
        liveDataDirs.delete(this.dataDir);
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Runs lifecycle steps one at a time, whatever the callers do. */
  #serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #context(): ServerContext {
    return { port: this.#port, dataDir: this.dataDir };
  }

  async #launch(): Promise<void> {
    const args = this.#options.args(this.#context());
    const run = this.#spawn(args);
    this.#run = run;
    try {
      await this.#waitUntilReady(run);
    } catch (error) {
      await this.#halt();
      throw error;
    }
  }

  #spawn(args: readonly string[]): Run {
    const child = spawn(this.#options.command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.#options.env ?? process.env,
    });
    this.#tail.push(`[testkit] ${this.name} started (pid ${child.pid ?? '?'})`);
    this.#tail.feed(child.stdout);
    this.#tail.feed(child.stderr);
    liveChildren.add(child);
    const run: Run = {
      child,
      exit: undefined,
      exited: new Promise<ExitInfo>((resolve) => {
        const settle = (exit: ExitInfo): void => {
          liveChildren.delete(child);
          run.exit ??= exit;
          resolve(run.exit);
        };
        child.once('error', (error) =>
          settle({ code: null, signal: null, error }),
        );
        child.once('exit', (code, signal) => settle({ code, signal }));
      }),
      closed: new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.once('error', () => resolve());
      }),
    };
    return run;
  }

  async #waitUntilReady(run: Run): Promise<void> {
    const deadline = Date.now() + (this.#options.readyTimeoutMs ?? 15_000);
    let lastError: unknown;
    const poll = async (check: () => Promise<boolean>): Promise<void> => {
      while (!(await check())) {
        await this.#failIfExited(run);
        if (Date.now() > deadline) {
          throw this.#timeoutError(lastError);
        }
        await sleep(POLL_INTERVAL_MS);
      }
    };
    await poll(() => acceptsConnections(this.#port));
    const { isReady } = this.#options;
    if (isReady) {
      await poll(async () => {
        try {
          return await isReady(this.#context());
        } catch (error) {
          lastError = error;
          return false;
        }
      });
    }
    await this.#failIfExited(run);
  }

  async #failIfExited(run: Run): Promise<void> {
    if (run.exit === undefined) {
      return;
    }
    await settlesWithin(run.closed, 1000);
    const output = this.output();
    throw new EarlyExitError(
      `${this.name} ${describeExit(run.exit)} before it was ready ` +
        `on ${LOOPBACK}:${this.#port}.\n${this.#commandLine()}\n` +
        `--- last output ---\n${output}`,
      output,
    );
  }

  #timeoutError(lastError: unknown): Error {
    const seconds = (this.#options.readyTimeoutMs ?? 15_000) / 1000;
    const reason =
      lastError instanceof Error
        ? `\nLast check failed: ${lastError.message}`
        : '';
    return new Error(
      `${this.name} was not ready on ${LOOPBACK}:${this.#port} ` +
        `within ${seconds} s.${reason}\n${this.#commandLine()}\n` +
        `--- last output ---\n${this.output()}`,
    );
  }

  #commandLine(): string {
    const args = this.#options.args(this.#context());
    return `Command: ${[this.#options.command, ...args].join(' ')}`;
  }

  /** Stops the current child, if any: SIGTERM, then SIGKILL on a timeout. */
  async #halt(): Promise<void> {
    const run = this.#run;
    if (run === undefined || run.exit !== undefined) {
      return;
    }
    run.child.kill('SIGTERM');
    const stopMs = this.#options.stopTimeoutMs ?? 5000;
    if (!(await settlesWithin(run.exited, stopMs))) {
      this.#tail.push(`[testkit] no exit ${stopMs} ms after SIGTERM; SIGKILL`);
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await settlesWithin(run.closed, 1000);
  }
}

/**
 * Starts a server binary on a free loopback port with a fresh temp data
 * folder (or the kept one in `options.dataDir`), and resolves once the
 * port accepts connections and the optional `isReady` check passes.
 *
 * The start fails, with the server's last output in the message, when the
 * child exits early or is not ready in time. If the child reports that its
 * port is taken, it is retried on another port.
 *
 * @param options - The binary, its arguments and readiness check.
 * @returns A handle that can stop, restart and dispose the server.
 */
export async function startServerProcess(
  options: ServerProcessOptions,
): Promise<ServerProcess> {
  installSafetyNet();
  let dataDir = options.dataDir;
  if (dataDir === undefined) {
    dataDir = await mkdtemp(join(tmpdir(), `crashstats-${options.name}-`));
    liveDataDirs.add(dataDir);
  } else {
    await mkdir(dataDir, { recursive: true });
  }
  const server = new ManagedServer(options, await freePort(), dataDir);
  try {
    await options.prepare?.({ port: server.port, dataDir });
    await server.firstStart();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}
