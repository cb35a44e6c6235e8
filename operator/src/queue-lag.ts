/**
 * Reads the processing queue's lag (pending plus unacknowledged crash ids
 * over the processor's consumers) from the NATS server a CrashStats
 * resource names, keeping one connection per server.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import {
  connectNatsLogged,
  crashBusNames,
  readCrashQueueLag,
  type Logger,
} from '@crashstats/common';
import type { CrashStatsResource } from './resource.js';

export class NatsLagReader {
  private readonly connections = new Map<string, Promise<NatsConnection>>();

  constructor(private readonly log: Logger) {}

  /**
   * The lag of the resource's queue. Before the processors have created
   * their consumers there is nothing to measure, and the lag counts as 0.
   */
  async lagOf(cs: CrashStatsResource): Promise<number> {
    const { url, stream, subjectPrefix } = cs.spec.nats;
    let connection = this.connections.get(url);
    if (connection === undefined) {
      connection = connectNatsLogged(url, 'crashstats-operator', this.log);
      connection.catch(() => this.connections.delete(url));
      this.connections.set(url, connection);
    }
    const nc = await connection;
    try {
      return await readCrashQueueLag(nc, crashBusNames(stream, subjectPrefix));
    } catch (err) {
      if (/consumer not found|stream not found/i.test((err as Error).message)) {
        return 0;
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map(async (c) => (await c).drain()));
  }
}
