/**
 * Follows the Deployments of one namespace through a watch on the
 * apiserver, so the benchmark learns of a change when the apiserver sends
 * it rather than at its next poll. Callers wait for a Deployment to
 * satisfy a test and get the moment the event that satisfied it arrived.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  Watch,
  type KubeConfig,
  type V1Deployment,
} from '@kubernetes/client-node';

interface Waiter {
  readonly name: string;
  readonly test: (d: V1Deployment) => boolean;
  readonly resolve: (at: number) => void;
}

/** How long to wait before watching again after the watch ended. */
const REWATCH_DELAY_MS = 100;

export class DeploymentWatch {
  private readonly latest = new Map<string, V1Deployment>();
  private readonly waiters = new Set<Waiter>();
  private readonly apps: AppsV1Api;
  private watching: AbortController | undefined;
  private stopped = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly namespace: string,
  ) {
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
  }

  /** Lists the Deployments, then follows them from that list's version. */
  async start(): Promise<void> {
    const list = await this.apps.listNamespacedDeployment({
      namespace: this.namespace,
    });
    for (const d of list.items) {
      this.observe(d, performance.now());
    }
    this.watching = await new Watch(this.kubeConfig).watch(
      `/apis/apps/v1/namespaces/${this.namespace}/deployments`,
      { resourceVersion: list.metadata?.resourceVersion },
      (phase, object: V1Deployment) => this.onEvent(phase, object),
      () => void this.rewatch(),
    );
  }

  stop(): void {
    this.stopped = true;
    this.watching?.abort();
  }

  /** The Deployment as last seen. */
  get(name: string): V1Deployment | undefined {
    return this.latest.get(name);
  }

  /**
   * Resolves with `performance.now()` at the event after which `name`
   * passes `test` (at once when it already does); rejects after
   * `timeoutMs`. `test` sees every version of the Deployment that arrives.
   */
  until(
    name: string,
    test: (d: V1Deployment) => boolean,
    timeoutMs: number,
  ): Promise<number> {
    const current = this.latest.get(name);
    if (current !== undefined && test(current)) {
      return Promise.resolve(performance.now());
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `Deployment ${name} not as expected within ${timeoutMs} ms ` +
              `(spec: ${JSON.stringify(this.latest.get(name)?.spec?.replicas)})`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        name,
        test,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private onEvent(phase: string, object: V1Deployment): void {
    const at = performance.now();
    if (phase === 'ERROR') {
      // Most likely 410 Gone: the version is too old. Ending the watch
      // lists again (rewatch).
      this.watching?.abort();
      return;
    }
    if (phase === 'DELETED') {
      this.latest.delete(object.metadata?.name ?? '');
      return;
    }
    this.observe(object, at);
  }

  private observe(d: V1Deployment, at: number): void {
    const name = d.metadata?.name;
    if (name === undefined) {
      return;
    }
    this.latest.set(name, d);
    for (const waiter of this.waiters) {
      if (waiter.name === name && waiter.test(d)) {
        this.waiters.delete(waiter);
        waiter.resolve(at);
      }
    }
  }

  /**
   * Lists and watches again after the server or the network ended the
   * watch (the apiserver ends every watch after a while).
   */
  private async rewatch(): Promise<void> {
    while (!this.stopped) {
      await sleep(REWATCH_DELAY_MS);
      try {
        await this.start();
        return;
      } catch {
        // The apiserver is away for a moment; try again.
      }
    }
  }
}
