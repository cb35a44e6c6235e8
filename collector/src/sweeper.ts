/**
 * The sweeper publishes stored crashes whose id never reached the stream,
 * typically because NATS was down when they arrived. It runs in the
 * collector as a loop; JetStream drops a repeat of an id it has seen within
 * its duplicate window, so a crash swept twice is processed once.
 */
import type { CrashId, CrashStorage, Logger } from '@crashstats/common';
import type { CollectorMetrics } from './metrics.js';

/** Dependencies and settings of the sweeper. */
export interface SweeperDeps {
  storage: CrashStorage;
  publish: (crashId: CrashId) => Promise<boolean>;
  metrics: CollectorMetrics;
  log: Logger;
  intervalMs: number;
  /** How old an unqueued crash must be; younger ones may still be publishing. */
  graceMs: number;
  now: () => Date;
  batchSize?: number;
}

/** A running sweeper loop. */
export interface Sweeper {
  /** Runs one pass now; resolves to the number of crashes published. */
  sweep(): Promise<number>;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Starts the sweeper loop.
 *
 * LIMITATION: every collector replica runs its own sweeper; repeats are
 * dropped by JetStream but the work is repeated. See docs/limitations.md.
 */
export function startSweeper(deps: SweeperDeps): Sweeper {
  let running: Promise<number> | undefined;
  let stopped = false;

  const sweep = async (): Promise<number> => {
    const cutoff = new Date(deps.now().getTime() - deps.graceMs);
    const ids = await deps.storage.findUnqueued(cutoff, deps.batchSize ?? 500);
    let published = 0;
    for (const crashId of ids) {
      if (stopped || !(await deps.publish(crashId))) {
        break;
      }
      published += 1;
      deps.metrics.swept.inc();
    }
    if (published > 0) {
      deps.log.info({ count: published }, 'sweeper published unqueued crashes');
    }
    return published;
  };

  const tick = () => {
    if (running || stopped) {
      return;
    }
    running = sweep()
      .catch((err: unknown) => {
        deps.log.warn({ err }, 'sweeper pass failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();

  return {
    sweep: () => {
      tick();
      return running ?? Promise.resolve(0);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
