/**
 * Leader election on a `coordination.k8s.io/v1` Lease, so that of several
 * operator replicas one reconciles. A candidate takes the Lease when it is
 * absent, held by nobody, or expired — judged by when this candidate last
 * saw it change, not by the holder's clock — and renews it every retry
 * period with the Lease's resourceVersion, so of two candidates racing
 * only one write succeeds. A leader that cannot renew within the renew
 * deadline stops leading. On a clean stop it releases the Lease.
 */
import {
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';
import type { Logger } from '@crashstats/common';

/** Options of {@link LeaderElector}. */
export interface LeaderOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly name: string;
  /** This candidate's identity (pod name plus something unique). */
  readonly identity: string;
  readonly log: Logger;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Called when this candidate starts and stops leading. */
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  /** Called once, after the first attempt at the Lease has an answer. */
  readonly onDecided?: () => void;
}

const statusOf = (err: unknown): number | undefined =>
  (err as { code?: number }).code;

/**
 * A Lease's times are MicroTime, which the apiserver parses with exactly
 * six fractional digits; the client would write a Date with three. The
 * string passes through the client's serializer unchanged.
 */
function microTime(date: Date): Date {
  return date
    .toISOString()
    .replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private leading = false;
  private lastRenew = 0;
  private observed: { version: string | undefined; at: number } = {
    version: undefined,
    at: 0,
  };
  private timer: NodeJS.Timeout | undefined;
  /** The try under way, which stop() lets finish before it releases. */
  private attempt: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LeaderOptions) {
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.leaseMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryMs = options.retryPeriodMs ?? 2_000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    let first = true;
    const tick = async () => {
      this.attempt = this.tryAcquireOrRenew();
      await this.attempt;
      if (first) {
        first = false;
        this.options.onDecided?.();
      }
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), this.retryMs);
        // A candidate left running must not keep its process alive.
        this.timer.unref();
      }
    };
    void tick();
  }

  /**
   * Stops campaigning; a leader releases the Lease unless `release` is
   * false (as when a process dies: the others wait for it to expire).
   */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A try still under way could take the Lease back after the release
    // below; once it is done, no other starts.
    await this.attempt;
    if (this.leading && !release) {
      this.setLeading(false);
      return;
    }
    if (this.leading) {
      this.setLeading(false);
      try {
        const lease = await this.read();
        if (lease?.spec?.holderIdentity === this.options.identity) {
          await this.api.replaceNamespacedLease({
            name: this.options.name,
            namespace: this.options.namespace,
            body: {
              ...lease,
              spec: { ...lease.spec, holderIdentity: undefined },
            },
          });
        }
      } catch (err) {
        this.options.log.warn({ err }, 'could not release the leader lease');
      }
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) {
      return;
    }
    this.leading = leading;
    this.options.log.info(
      { identity: this.options.identity, leading },
      leading ? 'leading' : 'stopped leading',
    );
    if (leading) {
      this.options.onStartedLeading();
    } else {
      this.options.onStoppedLeading();
    }
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
      });
    } catch (err) {
      if (statusOf(err) === 404) {
        return undefined;
      }
      throw err;
    }
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = Date.now();
    const { identity, name, namespace } = this.options;
    try {
      const lease = await this.read();
      const stamp = microTime(new Date(now));
      const spec = {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
        renewTime: stamp,
      };
      if (lease === undefined) {
        await this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: { ...spec, acquireTime: stamp, leaseTransitions: 0 },
          },
        });
        this.lastRenew = now;
        this.setLeading(true);
        return;
      }
      const version = lease.metadata?.resourceVersion;
      if (version !== this.observed.version) {
        this.observed = { version, at: now };
      }
      const holder = lease.spec?.holderIdentity;
      const expired = now - this.observed.at > this.leaseMs;
      if (
        holder !== identity &&
        holder !== undefined &&
        holder !== '' &&
        !expired
      ) {
        this.setLeading(false);
        return;
      }
      const taking = holder !== identity;
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            ...spec,
            ...(taking
              ? {
                  acquireTime: stamp,
                  leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1,
                }
              : {}),
          },
        },
      });
      this.lastRenew = now;
      this.setLeading(true);
    } catch (err) {
      if (statusOf(err) !== 409) {
        this.options.log.warn({ err }, 'leader lease update failed');
      }
      if (this.leading && now - this.lastRenew > this.renewDeadlineMs) {
        this.setLeading(false);
      } else if (statusOf(err) === 409 && !this.leading) {
        this.setLeading(false);
      }
    }
  }
}
