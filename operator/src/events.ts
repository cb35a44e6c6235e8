/**
 * Kubernetes Events about CrashStats resources: what the operator did
 * (applied a generation, scaled the processors, released the finalizer)
 * and what went wrong, so `kubectl describe crashstats` tells the story.
 * The same event repeated within ten minutes raises the count of the
 * existing Event instead of making another, as kubectl's readers expect.
 * Recording never fails a reconcile: an Event that cannot be written is
 * logged and dropped.
 */
import { randomBytes } from 'node:crypto';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { Logger } from '@crashstats/common';
import { CRASHSTATS_API_VERSION, CRASHSTATS_KIND } from './crd.js';
import type { ObjectMeta } from './resource.js';

/** The component named as every Event's source. */
export const EVENT_SOURCE = 'crashstats-operator';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const REPEAT_WINDOW_MS = 10 * 60_000;
const MAX_REMEMBERED = 1000;

/** What the operator has to say about a resource. */
export interface OperatorEvent {
  readonly type: 'Normal' | 'Warning';
  /** A short UpperCamelCase word, such as `Scaled`. */
  readonly reason: string;
  readonly message: string;
}

/** Where events go; the controller takes any implementation. */
export interface EventSink {
  record(involved: ObjectMeta, event: OperatorEvent): Promise<void>;
}

interface Remembered {
  name: string;
  count: number;
  last: number;
}

/** Writes core/v1 Events through the apiserver. */
export class KubeEventRecorder implements EventSink {
  private readonly api: CoreV1Api;
  private readonly recent = new Map<string, Remembered>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly log: Logger,
    /** This replica's identity, as the Events' reporting instance. */
    private readonly instance: string,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  async record(involved: ObjectMeta, event: OperatorEvent): Promise<void> {
    const now = new Date();
    const key = [involved.uid, event.type, event.reason, event.message].join(
      '\u0000',
    );
    const seen = this.recent.get(key);
    try {
      if (seen !== undefined && now.getTime() - seen.last < REPEAT_WINDOW_MS) {
        seen.count += 1;
        seen.last = now.getTime();
        await this.api.patchNamespacedEvent(
          {
            name: seen.name,
            namespace: involved.namespace,
            body: { count: seen.count, lastTimestamp: now },
          },
          mergePatch,
        );
        return;
      }
      const name = `${involved.name}.${randomBytes(8).toString('hex')}`;
      await this.api.createNamespacedEvent({
        namespace: involved.namespace,
        body: {
          metadata: { name, namespace: involved.namespace },
          involvedObject: {
            apiVersion: CRASHSTATS_API_VERSION,
            kind: CRASHSTATS_KIND,
            name: involved.name,
            namespace: involved.namespace,
            uid: involved.uid,
          },
          type: event.type,
          reason: event.reason,
          message: event.message,
          count: 1,
          firstTimestamp: now,
          lastTimestamp: now,
          source: { component: EVENT_SOURCE },
          reportingComponent: EVENT_SOURCE,
          reportingInstance: this.instance,
        },
      });
      this.remember(key, { name, count: 1, last: now.getTime() });
    } catch (err) {
      // A patched Event may have expired meanwhile: start a new one next time.
      this.recent.delete(key);
      this.log.warn(
        { err, resource: `${involved.namespace}/${involved.name}`, ...event },
        'could not record an event',
      );
    }
  }

  private remember(key: string, value: Remembered): void {
    if (this.recent.size >= MAX_REMEMBERED) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) {
        this.recent.delete(oldest);
      }
    }
    this.recent.set(key, value);
  }
}
