/**
 * The controller: informers for CrashStats resources and every kind of
 * child the operator makes, feeding resource keys to the work queue; workers
 * reconcile each key (level-triggered: the whole resource, whatever
 * changed), and every resource is queued again on a resync period. An
 * informer that stops (the apiserver went away, a watch expired) is
 * started again with backoff.
 *
 * With `lagOf` (see queue-lag.ts) the processor count follows the queue;
 * without it the processors stay at the resource's minimum. Each reconcile
 * and each scaling decision is counted in the metrics (metrics.ts) and
 * told as Events (events.ts). main.ts runs this only while the replica
 * leads (leader.ts).
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  makeInformer,
  NetworkingV1Api,
  PolicyV1Api,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Logger } from '@crashstats/common';
import { EMPTY_HISTORY, nextReplicas, type ScaleHistory } from './autoscale.js';
import type { EventSink, OperatorEvent } from './events.js';
import { CONTROLLER_NAME, type OperatorMetrics } from './metrics.js';
import {
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
} from './crd.js';
import {
  patchQueueLag,
  reconcileClients,
  ReconcileError,
  reconcileOnce,
  type ReconcileClients,
} from './reconcile.js';
import type { CrashStatsResource } from './resource.js';
import { WorkQueue } from './work-queue.js';

const MANAGED = 'app.kubernetes.io/managed-by=crashstats-operator';

/** Options of {@link CrashStatsController}. */
export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** Concurrent reconciles (default 2). */
  readonly workers?: number;
  /** How often every resource is reconciled anyway (default 60 s). */
  readonly resyncMs?: number;
  /** The processing queue's lag for a resource, when known. */
  readonly lagOf?: (cs: CrashStatsResource) => Promise<number>;
  /** How often the lag is read and the processor count decided (default 2 s). */
  readonly scaleIntervalMs?: number;
  /** Where reconciles and scaling decisions are counted. */
  readonly metrics?: OperatorMetrics;
  /** Where Events go; none are written without it. */
  readonly events?: EventSink;
}

type CrashStatsObject = CrashStatsResource & KubernetesObject;

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class CrashStatsController {
  private readonly queue: WorkQueue;
  private readonly clients: ReconcileClients;
  private readonly resources: Informer<CrashStatsObject> &
    ObjectCache<CrashStatsObject>;
  /** One informer per kind of child, by kind. */
  private readonly children = new Map<
    string,
    Informer<KubernetesObject> & ObjectCache<KubernetesObject>
  >();
  private readonly scale = new Map<
    string,
    { replicas: number; history: ScaleHistory; lag?: number }
  >();
  private readonly workers: Promise<void>[] = [];
  /** Per resource, what last queued it: generation, deletion, finalizers. */
  private readonly seen = new Map<string, string>();
  private resync: NodeJS.Timeout | undefined;
  private scaling: NodeJS.Timeout | undefined;
  private scaleTicking = false;
  private stopped = false;
  private synced = false;
  private active = 0;

  constructor(private readonly options: ControllerOptions) {
    const { kubeConfig } = options;
    this.queue = new WorkQueue({ observer: options.metrics?.workQueue });
    this.clients = reconcileClients(kubeConfig);
    const custom = kubeConfig.makeApiClient(CustomObjectsApi);
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const policy = kubeConfig.makeApiClient(PolicyV1Api);
    this.resources = makeInformer<CrashStatsObject>(
      kubeConfig,
      `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/${CRASHSTATS_PLURAL}`,
      async () =>
        (await custom.listClusterCustomObject({
          group: CRASHSTATS_GROUP,
          version: CRASHSTATS_VERSION,
          plural: CRASHSTATS_PLURAL,
        })) as KubernetesListObject<CrashStatsObject>,
    );
    // Every kind of child the operator makes, so that a child changed or
    // deleted by someone else is put back at once, not at the resync.
    const selector = { labelSelector: MANAGED };
    const childKinds: [
      string,
      string,
      () => Promise<KubernetesListObject<KubernetesObject>>,
    ][] = [
      [
        'Deployment',
        '/apis/apps/v1/deployments',
        () => apps.listDeploymentForAllNamespaces(selector),
      ],
      [
        'ConfigMap',
        '/api/v1/configmaps',
        () => core.listConfigMapForAllNamespaces(selector),
      ],
      [
        'Service',
        '/api/v1/services',
        () => core.listServiceForAllNamespaces(selector),
      ],
      [
        'Ingress',
        '/apis/networking.k8s.io/v1/ingresses',
        () => networking.listIngressForAllNamespaces(selector),
      ],
      [
        'PodDisruptionBudget',
        '/apis/policy/v1/poddisruptionbudgets',
        () => policy.listPodDisruptionBudgetForAllNamespaces(selector),
      ],
    ];
    for (const [kind, path, list] of childKinds) {
      this.children.set(kind, makeInformer(kubeConfig, path, list, MANAGED));
    }
    this.resources.on('add', (cs) => this.enqueueResource(cs));
    this.resources.on('update', (cs) => this.enqueueResource(cs));
    this.resources.on('delete', (cs) => {
      this.seen.delete(keyOf(cs.metadata.namespace, cs.metadata.name));
      this.enqueue(cs.metadata.namespace, cs.metadata.name);
    });
    for (const [kind, informer] of this.children) {
      for (const verb of ['add', 'update', 'delete'] as const) {
        // A change to a child brings its owner back to the queue.
        informer.on(verb, (child) => {
          const owner = child.metadata?.ownerReferences?.find(
            (o) => o.controller === true && o.kind === 'CrashStats',
          );
          if (owner !== undefined && child.metadata?.namespace !== undefined) {
            this.enqueue(child.metadata.namespace, owner.name);
          }
        });
      }
      this.restartOnError(kind, informer);
    }
    this.restartOnError('CrashStats', this.resources);
  }

  /** Starts the informers, the workers and the resync timer. */
  async start(): Promise<void> {
    await Promise.all([
      this.resources.start(),
      ...[...this.children.values()].map((i) => i.start()),
    ]);
    this.synced = true;
    const workers = this.options.workers ?? 2;
    this.options.metrics?.maxConcurrentReconciles.set(
      { controller: CONTROLLER_NAME },
      workers,
    );
    for (let i = 0; i < workers; i++) {
      this.workers.push(this.work());
    }
    this.resync = setInterval(() => {
      for (const cs of this.resources.list()) {
        this.enqueue(cs.metadata.namespace, cs.metadata.name);
      }
    }, this.options.resyncMs ?? 60_000);
    this.resync.unref();
    if (this.options.lagOf !== undefined) {
      this.scaling = setInterval(
        () => void this.scaleTick(),
        this.options.scaleIntervalMs ?? 2000,
      );
      this.scaling.unref();
    }
  }

  /** Whether the informers have listed everything once. */
  get isSynced(): boolean {
    return this.synced;
  }

  /** Stops taking work; reconciles in progress finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resync);
    clearInterval(this.scaling);
    this.queue.close();
    await Promise.allSettled([
      this.resources.stop(),
      ...[...this.children.values()].map((i) => i.stop()),
    ]);
    await Promise.allSettled(this.workers);
  }

  /**
   * Queues a resource whose spec or lifecycle changed. The operator's own
   * status writes change neither, so they do not bring the resource back
   * (the resync still does, whatever happened).
   */
  private enqueueResource(cs: CrashStatsObject): void {
    const key = keyOf(cs.metadata.namespace, cs.metadata.name);
    const meta = cs.metadata;
    const fingerprint = JSON.stringify([
      cs.metadata.generation,
      meta.deletionTimestamp !== undefined,
      meta.finalizers ?? [],
    ]);
    if (this.seen.get(key) === fingerprint) {
      return;
    }
    this.seen.set(key, fingerprint);
    this.enqueue(cs.metadata.namespace, cs.metadata.name);
  }

  private enqueue(
    namespace: string | undefined,
    name: string | undefined,
  ): void {
    if (namespace !== undefined && name !== undefined) {
      this.queue.add(keyOf(namespace, name));
    }
  }

  private restartOnError(
    name: string,
    informer: Informer<KubernetesObject>,
  ): void {
    let failures = 0;
    informer.on('error', (err: unknown) => {
      if (this.stopped) {
        return;
      }
      failures += 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6));
      this.options.log.warn(
        { err, informer: name, delayMs: delay },
        'informer stopped; restarting',
      );
      setTimeout(() => {
        if (this.stopped) {
          return;
        }
        informer.start().then(
          () => {
            failures = 0;
          },
          (startErr: unknown) => {
            this.options.log.warn(
              { err: startErr, informer: name },
              'informer did not restart',
            );
          },
        );
      }, delay).unref();
    });
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.take();
      if (key === undefined) {
        return;
      }
      const metrics = this.options.metrics;
      const labels = { controller: CONTROLLER_NAME };
      const started = process.hrtime.bigint();
      this.active += 1;
      metrics?.activeWorkers.set(labels, this.active);
      try {
        await this.reconcileKey(key);
        this.queue.forget(key);
        metrics?.reconcileTotal.inc({ ...labels, result: 'success' });
      } catch (err) {
        metrics?.reconcileTotal.inc({ ...labels, result: 'error' });
        metrics?.reconcileErrors.inc(labels);
        const delay = this.queue.retry(key);
        this.options.log.warn(
          { err, resource: key, retryInMs: delay },
          'reconcile failed',
        );
      } finally {
        this.active -= 1;
        metrics?.activeWorkers.set(labels, this.active);
        metrics?.reconcileTime.observe(
          labels,
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        this.queue.done(key);
      }
    }
  }

  /**
   * Reads each resource's lag and decides its processor count: up at
   * once, down after the stabilization window. A change queues the
   * resource, whose reconcile applies it.
   */
  private async scaleTick(): Promise<void> {
    const lagOf = this.options.lagOf;
    if (this.scaleTicking || lagOf === undefined) {
      return;
    }
    this.scaleTicking = true;
    try {
      for (const cs of this.resources.list()) {
        const key = keyOf(cs.metadata.namespace, cs.metadata.name);
        const settings = cs.spec.processor;
        const state = this.scale.get(key) ?? {
          replicas: settings.minReplicas,
          history: EMPTY_HISTORY,
        };
        const resourceLabels = {
          namespace: cs.metadata.namespace,
          name: cs.metadata.name,
        };
        let lag: number;
        try {
          lag = await lagOf(cs);
        } catch (err) {
          this.options.log.warn(
            { err, resource: key },
            'queue lag unavailable; processor count kept',
          );
          continue;
        }
        const decision = nextReplicas(
          state.replicas,
          lag,
          settings,
          state.history,
          Date.now(),
        );
        this.scale.set(key, {
          replicas: decision.replicas,
          history: decision.history,
          lag,
        });
        this.options.metrics?.queueLag.set(resourceLabels, lag);
        this.options.metrics?.processorReplicas.set(
          resourceLabels,
          decision.replicas,
        );
        if (decision.replicas !== state.replicas) {
          const direction = decision.replicas > state.replicas ? 'up' : 'down';
          this.options.log.info(
            { resource: key, lag, from: state.replicas, to: decision.replicas },
            'scaling the processors',
          );
          this.options.metrics?.scaleChanges.inc({
            ...resourceLabels,
            direction,
          });
          this.record(cs, {
            type: 'Normal',
            reason: 'ScaledProcessors',
            message:
              `Processors ${direction} from ${state.replicas} to ${decision.replicas}: ` +
              `${lag} crashes queued, ${settings.lagPerReplica} per processor.`,
          });
          // The reconcile applies the count and writes the lag with it.
          this.queue.add(key);
        } else if (lag !== state.lag) {
          await patchQueueLag(this.clients, cs, lag).catch((err: unknown) => {
            this.options.log.warn(
              { err, resource: key },
              'could not write the queue lag to the status',
            );
          });
        }
      }
    } finally {
      this.scaleTicking = false;
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const cs = this.resources.get(name, namespace);
    if (cs === undefined) {
      this.scale.delete(key);
      return;
    }
    const { minReplicas, maxReplicas } = cs.spec.processor;
    const state = this.scale.get(key);
    const chosen = state?.replicas ?? minReplicas;
    // Bounds edited since the last decision apply at once.
    const replicas = Math.min(maxReplicas, Math.max(minReplicas, chosen));
    try {
      const result = await reconcileOnce(this.clients, cs, {
        processorReplicas: replicas,
        queueLag: state?.lag,
      });
      for (const event of result.events) {
        this.record(cs, event);
      }
    } catch (err) {
      for (const event of err instanceof ReconcileError
        ? err.events
        : [
            {
              type: 'Warning' as const,
              reason: 'ReconcileFailed',
              message: (err as Error).message,
            },
          ]) {
        this.record(cs, event);
      }
      throw err;
    }
  }

  private record(cs: CrashStatsResource, event: OperatorEvent): void {
    void this.options.events?.record(cs.metadata, event);
  }
}
