/**
 * One level-triggered reconcile of a CrashStats resource: keep the
 * finalizer, apply every desired child with server-side apply under one
 * field manager (so a child that was changed or deleted is put back), read
 * the Deployments' ready counts, and write the status with Ready,
 * Progressing and Degraded conditions and the generation it saw. A
 * resource being deleted gets its finalizer released; its children go
 * with it through their owner references. An Ingress the resource no
 * longer asks for is deleted.
 *
 * The pods read the MongoDB URL from its Secret when they start, so the
 * Secret's resourceVersion goes on their pod templates: a rotated Secret
 * rolls the pods at the next reconcile (the controller's resync, every
 * minute by default). While the Secret is missing or lacks its key, each
 * Deployment keeps the version it has, so a deleted Secret does not roll
 * running pods into ones that cannot start.
 *
 * The status says in plain words what is wrong: a missing MongoDB Secret
 * or key, throttle rules the collector would refuse (they are held back,
 * see throttleRulesToApply), or a child the apiserver refused (with its
 * message), makes Degraded true. A refused child also fails the
 * reconcile, so the controller retries it with backoff.
 *
 * The controller (controller.ts) calls this from its work queue.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { ConfigError, parseThrottleRules } from '@crashstats/common';
import {
  childName,
  desiredChildren,
  MONGODB_SECRET_VERSION_ANNOTATION,
  type SecretVersions,
} from './children.js';
import {
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
} from './crd.js';
import type { OperatorEvent } from './events.js';
import {
  COMPONENTS,
  type Component,
  type CrashStatsResource,
} from './resource.js';

/** The field manager of everything the operator applies. */
export const FIELD_MANAGER = 'crashstats-operator';
/** The finalizer the operator keeps on every resource it manages. */
export const FINALIZER = 'crashstats.dev/cleanup';

/** A condition as the status holds it. */
export interface Condition {
  type: 'Ready' | 'Progressing' | 'Degraded';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

/** The API clients a reconcile uses. */
export interface ReconcileClients {
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
  core: CoreV1Api;
}

export function reconcileClients(kc: KubeConfig): ReconcileClients {
  return {
    objects: KubernetesObjectApi.makeApiClient(kc),
    custom: kc.makeApiClient(CustomObjectsApi),
    core: kc.makeApiClient(CoreV1Api),
  };
}

/** A reconcile that could not apply every child; the status says why. */
export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';

  constructor(
    message: string,
    /** What is worth an Event all the same. */
    readonly events: readonly OperatorEvent[],
  ) {
    super(message);
  }
}

/** The HTTP status of a client error, when it has one. */
const statusOf = (err: unknown): number | undefined =>
  (err as { code?: number }).code;

/** The apiserver's own message in a client error, else the error's. */
function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed.message === 'string') {
        return parsed.message;
      }
    } catch {
      // Not JSON: the error's own message follows.
    }
  }
  return err instanceof Error ? err.message : String(err);
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Observed {
  metadata: { deletionTimestamp?: string | Date; finalizers?: string[] };
  status?: {
    conditions?: Condition[];
    observedGeneration?: number;
    mongodb?: { secretVersion?: string };
  };
}

/** What one reconcile did. */
export interface ReconcileResult {
  readonly applied: number;
  readonly ready: boolean;
  readonly conditions: readonly Condition[];
  /** What is worth an Event (the controller records them). */
  readonly events: readonly OperatorEvent[];
}

/** What the controller knows that the resource does not say. */
export interface ReconcileInput {
  /** The count the autoscaler chose. */
  readonly processorReplicas: number;
  /** The processing queue's lag as last read, when known. */
  readonly queueLag?: number;
  /** Stamps condition transitions; the current time by default. */
  readonly now?: Date;
}

/**
 * The MongoDB Secret as the pods will see it: its resourceVersion when it
 * has the key, or why it cannot be used.
 */
async function readMongoSecret(
  clients: ReconcileClients,
  cs: CrashStatsResource,
): Promise<{ version: string } | { problem: string }> {
  // LIMITATION: the operator reads this Secret, it does not watch it, so a
  // rotation is seen at the next resync, and a change to any of its keys
  // rolls the pods (docs/limitations.md).
  const { name, key } = cs.spec.mongodb.urlSecretRef;
  const namespace = cs.metadata.namespace;
  try {
    const secret = await clients.core.readNamespacedSecret({ name, namespace });
    if (secret.data?.[key] === undefined) {
      return {
        problem:
          `Secret ${name} in namespace ${namespace} has no key ${key}; ` +
          'the pods cannot read the MongoDB URL until it does.',
      };
    }
    return { version: secret.metadata?.resourceVersion ?? '' };
  } catch (err) {
    if (statusOf(err) === 404) {
      return {
        problem:
          `Secret ${name} (key ${key}) does not exist in namespace ${namespace}; ` +
          'the pods cannot start until it does.',
      };
    }
    return { problem: `Secret ${name} could not be read: ${apiMessage(err)}` };
  }
}

/**
 * One child as the apiserver holds it now, or undefined when there is
 * none: what the reconcile keeps when it must not change a child.
 */
async function readLive<T>(
  clients: ReconcileClients,
  cs: CrashStatsResource,
  apiVersion: string,
  kind: string,
  name: string,
): Promise<(KubernetesObject & T) | undefined> {
  try {
    return (await clients.objects.read<KubernetesObject>({
      apiVersion,
      kind,
      metadata: { name, namespace: cs.metadata.namespace },
    })) as KubernetesObject & T;
  } catch (err) {
    if (statusOf(err) === 404) {
      return undefined;
    }
    throw err;
  }
}

/**
 * The Secret version each Deployment's pod template carries now, for when
 * the Secret cannot be read: keeping it leaves the running pods alone.
 */
async function currentSecretVersions(
  clients: ReconcileClients,
  cs: CrashStatsResource,
): Promise<SecretVersions> {
  const versions: SecretVersions = {};
  for (const component of COMPONENTS) {
    const live = await readLive<{
      spec?: {
        template?: { metadata?: { annotations?: Record<string, string> } };
      };
    }>(clients, cs, 'apps/v1', 'Deployment', childName(cs, component));
    const version =
      live?.spec?.template?.metadata?.annotations?.[
        MONGODB_SECRET_VERSION_ANNOTATION
      ];
    if (version !== undefined) {
      versions[component] = version;
    }
  }
  return versions;
}

/**
 * The throttle rules to hand the collector. Rules the collector would
 * refuse at start are held back: the ConfigMap keeps the rules it has (or
 * none, the accept-everything default), so the pods are not rolled into
 * a collector that cannot start, and `problem` says why in the status.
 */
async function throttleRulesToApply(
  clients: ReconcileClients,
  cs: CrashStatsResource,
): Promise<{ rules: string | undefined; problem?: string }> {
  const wanted = cs.spec.collector.throttleRules;
  if (wanted === undefined || wanted === '') {
    return { rules: undefined };
  }
  let problems: readonly string[];
  try {
    parseThrottleRules(wanted);
    return { rules: wanted };
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      throw err;
    }
    problems = err.problems;
  }
  const live = await readLive<{ data?: Record<string, string> }>(
    clients,
    cs,
    'v1',
    'ConfigMap',
    childName(cs, 'config'),
  );
  const current = live?.data?.COLLECTOR_THROTTLE_RULES;
  const kept =
    current === undefined
      ? 'the collector accepts every crash (the default) until they are fixed'
      : 'the collector keeps the rules it had until they are fixed';
  return {
    rules: current,
    problem:
      `spec.collector.throttleRules are refused (${problems.join('; ')}); ` +
      `${kept}.`,
  };
}

/** Deletes the webapp's Ingress when the resource no longer asks for one. */
async function pruneIngress(
  clients: ReconcileClients,
  cs: CrashStatsResource,
): Promise<boolean> {
  const existing = await readLive(
    clients,
    cs,
    'networking.k8s.io/v1',
    'Ingress',
    childName(cs, 'webapp'),
  );
  const ours = existing?.metadata?.ownerReferences?.some(
    (o) => o.uid === cs.metadata.uid,
  );
  if (existing === undefined || ours !== true) {
    return false;
  }
  await clients.objects.delete(existing);
  return true;
}

/** Reconciles `cs` once. */
export async function reconcileOnce(
  clients: ReconcileClients,
  cs: CrashStatsResource & Observed,
  input: ReconcileInput,
): Promise<ReconcileResult> {
  const { processorReplicas } = input;
  const now = input.now ?? new Date();
  const events: OperatorEvent[] = [];
  const { name, namespace } = cs.metadata;
  const ref = {
    group: CRASHSTATS_GROUP,
    version: CRASHSTATS_VERSION,
    plural: CRASHSTATS_PLURAL,
    namespace,
    name,
  };
  const finalizers = cs.metadata.finalizers ?? [];
  if (cs.metadata.deletionTimestamp !== undefined) {
    if (finalizers.includes(FINALIZER)) {
      await clients.custom.patchNamespacedCustomObject(
        {
          ...ref,
          body: {
            metadata: { finalizers: finalizers.filter((f) => f !== FINALIZER) },
          },
        },
        mergePatch,
      );
    }
    return {
      applied: 0,
      ready: false,
      conditions: [],
      events: finalizers.includes(FINALIZER)
        ? [
            {
              type: 'Normal',
              reason: 'FinalizerReleased',
              message:
                'The resource is being deleted; its children go with it.',
            },
          ]
        : [],
    };
  }
  if (!finalizers.includes(FINALIZER)) {
    await clients.custom.patchNamespacedCustomObject(
      {
        ...ref,
        body: { metadata: { finalizers: [...finalizers, FINALIZER] } },
      },
      mergePatch,
    );
  }
  const mongoSecret = await readMongoSecret(clients, cs);
  const secretVersions: SecretVersions =
    'version' in mongoSecret
      ? Object.fromEntries(COMPONENTS.map((c) => [c, mongoSecret.version]))
      : await currentSecretVersions(clients, cs);
  const throttle = await throttleRulesToApply(clients, cs);
  const applicable: CrashStatsResource = {
    ...cs,
    spec: {
      ...cs.spec,
      collector: { ...cs.spec.collector, throttleRules: throttle.rules },
    },
  };
  const children = desiredChildren(
    applicable,
    processorReplicas,
    secretVersions,
  );
  const deployments = new Map<
    Component,
    KubernetesObject & { status?: { readyReplicas?: number } }
  >();
  const refused: string[] = [];
  for (const child of children) {
    let applied: KubernetesObject;
    try {
      applied = await clients.objects.patch(
        child,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      refused.push(`${child.kind} ${child.metadata.name}: ${apiMessage(err)}`);
      continue;
    }
    if (child.kind === 'Deployment') {
      const component = child.metadata.labels[
        'app.kubernetes.io/component'
      ] as Component;
      deployments.set(component, applied);
    }
  }
  if (!children.some((c) => c.kind === 'Ingress')) {
    try {
      if (await pruneIngress(clients, cs)) {
        events.push({
          type: 'Normal',
          reason: 'IngressDeleted',
          message:
            `Deleted Ingress ${childName(cs, 'webapp')}: ` +
            'the resource no longer asks for one.',
        });
      }
    } catch (err) {
      refused.push(
        `Ingress ${childName(cs, 'webapp')} (to delete): ${apiMessage(err)}`,
      );
    }
  }
  const secret = 'problem' in mongoSecret ? mongoSecret.problem : undefined;
  const components: Record<
    string,
    { replicas: number; readyReplicas: number }
  > = {};
  let allReady = true;
  for (const component of COMPONENTS) {
    const d = deployments.get(component) as {
      spec?: { replicas?: number };
      status?: { readyReplicas?: number };
    };
    const replicas = d?.spec?.replicas ?? 0;
    const readyReplicas = d?.status?.readyReplicas ?? 0;
    components[component] = { replicas, readyReplicas };
    if (readyReplicas < replicas) {
      allReady = false;
    }
  }
  const waiting = COMPONENTS.filter(
    (c) => (components[c]?.readyReplicas ?? 0) < (components[c]?.replicas ?? 0),
  );
  const generation = cs.metadata.generation ?? 0;
  const previous = cs.status?.conditions ?? [];
  const condition = (
    type: Condition['type'],
    status: Condition['status'],
    reason: string,
    message: string,
  ): Condition => {
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      observedGeneration: generation,
      lastTransitionTime:
        before !== undefined && before.status === status
          ? before.lastTransitionTime
          : now.toISOString(),
    };
  };
  // What the settings leave wrong, most pressing first: Degraded takes the
  // first one's reason and tells them all. A refused child outranks them.
  const settingsProblems: [reason: string, message: string][] = [];
  if (throttle.problem !== undefined) {
    settingsProblems.push(['InvalidThrottleRules', throttle.problem]);
  }
  if (secret !== undefined) {
    settingsProblems.push(['MongoSecretMissing', secret]);
  }
  const [firstProblem] = settingsProblems;
  const degraded =
    refused.length > 0
      ? condition(
          'Degraded',
          'True',
          'ApplyFailed',
          `The apiserver refused ${refused.join('; ')}`,
        )
      : firstProblem !== undefined
        ? condition(
            'Degraded',
            'True',
            firstProblem[0],
            settingsProblems.map(([, message]) => message).join(' '),
          )
        : condition(
            'Degraded',
            'False',
            'ChildrenApplied',
            `Applied ${children.length} children.`,
          );
  const conditions = [
    allReady
      ? condition(
          'Ready',
          'True',
          'AllComponentsReady',
          'Every component has all its pods ready.',
        )
      : condition(
          'Ready',
          'False',
          'ComponentsNotReady',
          `Waiting for ready pods of: ${waiting.join(', ')}.`,
        ),
    allReady
      ? condition(
          'Progressing',
          'False',
          'Reconciled',
          'The children match the resource.',
        )
      : condition(
          'Progressing',
          'True',
          'RollingOut',
          `Pods of ${waiting.join(', ')} are starting.`,
        ),
    degraded,
  ];
  const wasDegraded = previous.find((c) => c.type === 'Degraded');
  if (
    degraded.status === 'True' &&
    (wasDegraded?.status !== 'True' || wasDegraded.message !== degraded.message)
  ) {
    events.push({
      type: 'Warning',
      reason: degraded.reason,
      message: degraded.message,
    });
  }
  const seenSecret = cs.status?.mongodb?.secretVersion;
  if (
    'version' in mongoSecret &&
    seenSecret !== undefined &&
    seenSecret !== mongoSecret.version
  ) {
    const { name } = cs.spec.mongodb.urlSecretRef;
    events.push({
      type: 'Normal',
      reason: 'MongoSecretChanged',
      message:
        `Secret ${name} changed (version ${seenSecret} to ` +
        `${mongoSecret.version}); the pods roll onto it.`,
    });
  }
  if (refused.length === 0 && cs.status?.observedGeneration !== generation) {
    events.push({
      type: 'Normal',
      reason: 'Applied',
      message: `Applied generation ${generation} to ${children.length} children.`,
    });
  }
  await clients.custom.patchNamespacedCustomObjectStatus(
    {
      ...ref,
      body: {
        status: {
          observedGeneration: generation,
          conditions,
          components,
          processor: { replicas: processorReplicas },
          ...(input.queueLag === undefined
            ? {}
            : { queue: { lag: input.queueLag } }),
          ...('version' in mongoSecret
            ? { mongodb: { secretVersion: mongoSecret.version } }
            : {}),
        },
      },
    },
    mergePatch,
  );
  if (refused.length > 0) {
    throw new ReconcileError(`could not apply: ${refused.join('; ')}`, events);
  }
  return {
    applied: children.length,
    ready: allReady,
    conditions,
    events,
  };
}

/** Writes the queue lag alone (the scale tick reads it between reconciles). */
export async function patchQueueLag(
  clients: ReconcileClients,
  cs: CrashStatsResource,
  lag: number,
): Promise<void> {
  await clients.custom.patchNamespacedCustomObjectStatus(
    {
      group: CRASHSTATS_GROUP,
      version: CRASHSTATS_VERSION,
      plural: CRASHSTATS_PLURAL,
      namespace: cs.metadata.namespace,
      name: cs.metadata.name,
      body: { status: { queue: { lag } } },
    },
    mergePatch,
  );
}
