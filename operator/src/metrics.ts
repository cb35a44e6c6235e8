/**
 * The operator's metrics. The reconcile, work-queue and leader-election
 * series carry controller-runtime's names and labels, so dashboards and
 * alerts written for Go operators read ours unchanged; the autoscaler's
 * series are our own, under `crashstats_operator_`.
 */
import { Counter, Gauge, Histogram, type Registry } from '@crashstats/common';

/** The controller's name in every `controller` and `name` label. */
export const CONTROLLER_NAME = 'crashstats';

/** Work-queue events, reported by the queue itself (see work-queue.ts). */
export interface WorkQueueObserver {
  added(depth: number): void;
  /** A key was handed to a worker after waiting `waitedMs`. */
  taken(depth: number, waitedMs: number): void;
  /** A worker finished a key after `workedMs`. */
  finished(workedMs: number): void;
  retried(): void;
}

export interface OperatorMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly leaderStatus: Gauge<'name'>;
  readonly queueLag: Gauge<'namespace' | 'name'>;
  readonly processorReplicas: Gauge<'namespace' | 'name'>;
  readonly scaleChanges: Counter<'namespace' | 'name' | 'direction'>;
  readonly workQueue: WorkQueueObserver;
}

const SECONDS_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export function createOperatorMetrics(registry: Registry): OperatorMetrics {
  const registers = [registry];
  const queueLabels = { name: CONTROLLER_NAME, controller: CONTROLLER_NAME };
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of the work queue.',
    labelNames: ['name', 'controller'],
    registers,
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Keys added to the work queue.',
    labelNames: ['name', 'controller'],
    registers,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Keys queued again after a failed reconcile.',
    labelNames: ['name', 'controller'],
    registers,
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long a key waits in the queue before a worker takes it.',
    labelNames: ['name', 'controller'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long a worker takes over one key.',
    labelNames: ['name', 'controller'],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  return {
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Reconciles, by result (success or error).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Reconciles that failed.',
      labelNames: ['controller'],
      registers,
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Time of one reconcile.',
      labelNames: ['controller'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    maxConcurrentReconciles: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Workers of the controller.',
      labelNames: ['controller'],
      registers,
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Workers reconciling right now.',
      labelNames: ['controller'],
      registers,
    }),
    leaderStatus: new Gauge({
      name: 'leader_election_master_status',
      help: '1 while this replica holds the leader Lease, else 0.',
      labelNames: ['name'],
      registers,
    }),
    queueLag: new Gauge({
      name: 'crashstats_operator_queue_lag',
      help: 'Crash ids pending or unacknowledged in a resource’s processing queue, as last read.',
      labelNames: ['namespace', 'name'],
      registers,
    }),
    processorReplicas: new Gauge({
      name: 'crashstats_operator_processor_replicas',
      help: 'Processor replicas the autoscaler chose for a resource.',
      labelNames: ['namespace', 'name'],
      registers,
    }),
    scaleChanges: new Counter({
      name: 'crashstats_operator_scale_changes_total',
      help: 'Changes of a resource’s processor count, by direction (up or down).',
      labelNames: ['namespace', 'name', 'direction'],
      registers,
    }),
    workQueue: {
      added(n) {
        adds.inc(queueLabels);
        depth.set(queueLabels, n);
      },
      taken(n, waitedMs) {
        depth.set(queueLabels, n);
        queueDuration.observe(queueLabels, waitedMs / 1000);
      },
      finished(workedMs) {
        workDuration.observe(queueLabels, workedMs / 1000);
      },
      retried() {
        retries.inc(queueLabels);
      },
    },
  };
}
