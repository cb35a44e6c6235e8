/**
 * The running operator: health and metrics endpoints, leader election,
 * and the controller while this replica leads. A replica that loses the
 * Lease it held stops its controller and reports it as fatal (main.ts
 * exits, Kubernetes restarts the pod, the new process campaigns again):
 * after a lost Lease nothing it remembers can be trusted.
 *
 * Endpoints, on OPERATOR_HOST:OPERATOR_PORT:
 * - `/healthz`: 200 while the process runs and is not shutting down;
 * - `/readyz`: 200 once the replica knows whether it leads and, leading,
 *   its informers have listed every resource; a standby replica is ready;
 * - `/metrics`: controller-runtime's series and ours (metrics.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  closeHttpServer,
  listenHttp,
  runShutdownSteps,
  type Logger,
  type Registry,
} from '@crashstats/common';
import type { OperatorConfig } from './config.js';
import { CrashStatsController } from './controller.js';
import { KubeEventRecorder } from './events.js';
import { LeaderElector } from './leader.js';
import { createOperatorMetrics } from './metrics.js';
import { NatsLagReader } from './queue-lag.js';

/** What a running operator needs from its composition root. */
export interface OperatorOptions {
  readonly config: OperatorConfig;
  readonly log: Logger;
  readonly registry: Registry;
  readonly kubeConfig: KubeConfig;
  /** Called once when the replica cannot go on (main.ts exits). */
  readonly onFatal: (reason: Error) => void;
}

/** A started operator. */
export interface RunningOperator {
  /** Base URL of the health and metrics endpoints. */
  readonly url: string;
  /** This replica's identity in the Lease and in Events. */
  readonly identity: string;
  readonly isLeader: () => boolean;
  close(): Promise<void>;
}

export async function startOperator(
  options: OperatorOptions,
): Promise<RunningOperator> {
  const { config, log, kubeConfig } = options;
  const identity = `${config.OPERATOR_IDENTITY ?? hostname()}-${randomBytes(4).toString('hex')}`;
  const metrics = createOperatorMetrics(options.registry);
  const leaseLabels = { name: config.OPERATOR_LEASE_NAME };
  metrics.leaderStatus.set(leaseLabels, 0);
  const lagReader = new NatsLagReader(log);
  const events = new KubeEventRecorder(kubeConfig, log, identity);

  let closing = false;
  let decided = !config.OPERATOR_LEADER_ELECTION;
  let leading = false;
  let controller: CrashStatsController | undefined;
  let fatal = false;
  const failed = (reason: Error) => {
    if (!fatal && !closing) {
      fatal = true;
      log.fatal({ err: reason }, 'operator cannot go on');
      options.onFatal(reason);
    }
  };

  const startController = () => {
    leading = true;
    metrics.leaderStatus.set(leaseLabels, 1);
    controller = new CrashStatsController({
      kubeConfig,
      log,
      workers: config.OPERATOR_WORKERS,
      resyncMs: config.OPERATOR_RESYNC_SECONDS * 1000,
      scaleIntervalMs: config.OPERATOR_SCALE_INTERVAL_MS,
      lagOf: (cs) => lagReader.lagOf(cs),
      metrics,
      events,
    });
    controller.start().catch((err: unknown) => {
      failed(
        new Error(
          `the controller did not start: ${(err as Error).message ?? String(err)}`,
        ),
      );
    });
  };
  const stopController = async () => {
    const running = controller;
    controller = undefined;
    leading = false;
    metrics.leaderStatus.set(leaseLabels, 0);
    await running?.stop();
  };

  const elector = config.OPERATOR_LEADER_ELECTION
    ? new LeaderElector({
        kubeConfig,
        namespace: config.OPERATOR_LEASE_NAMESPACE,
        name: config.OPERATOR_LEASE_NAME,
        identity,
        log,
        leaseDurationMs: config.OPERATOR_LEASE_DURATION_SECONDS * 1000,
        renewDeadlineMs: Math.round(
          config.OPERATOR_LEASE_DURATION_SECONDS * 1000 * (2 / 3),
        ),
        retryPeriodMs: Math.max(
          500,
          Math.round((config.OPERATOR_LEASE_DURATION_SECONDS * 1000) / 7.5),
        ),
        onStartedLeading: startController,
        onStoppedLeading: () => {
          if (closing) {
            return;
          }
          void stopController().finally(() =>
            failed(new Error('lost the leader Lease')),
          );
        },
        onDecided: () => {
          decided = true;
        },
      })
    : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(405, 'method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        reply(closing ? 503 : 200, closing ? 'shutting down\n' : 'ok\n');
        return;
      case '/readyz': {
        const problem = closing
          ? 'shutting down'
          : !decided
            ? 'leader election has not answered yet'
            : leading && controller?.isSynced !== true
              ? 'informers have not synced yet'
              : undefined;
        reply(problem === undefined ? 200 : 503, `${problem ?? 'ok'}\n`);
        return;
      }
      case '/metrics':
        try {
          reply(
            200,
            await options.registry.metrics(),
            options.registry.contentType,
          );
        } catch (err) {
          reply(500, `${(err as Error).message}\n`);
        }
        return;
      default:
        reply(404, 'not found\n');
    }
  };
  const { server, url } = await listenHttp(
    handle,
    config.OPERATOR_HOST,
    config.OPERATOR_PORT,
  );

  if (elector === undefined) {
    startController();
  } else {
    elector.start();
  }
  log.info(
    { url, identity, leaderElection: config.OPERATOR_LEADER_ELECTION },
    'operator started',
  );

  return {
    url,
    identity,
    isLeader: () => leading,
    async close() {
      closing = true;
      await runShutdownSteps(log, [
        ['controller', stopController],
        ['leader lease', async () => elector?.stop()],
        ['NATS connections', () => lagReader.close()],
        ['HTTP server', () => closeHttpServer(server)],
      ]);
    },
  };
}
