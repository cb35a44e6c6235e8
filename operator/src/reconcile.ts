/**
 * One level-triggered reconcile of a CrashStats resource: keep the
 * finalizer, apply every desired child with server-side apply under one
 * field manager (so a child that was changed or deleted is put back), read
 * the Deployments' ready counts, and write the status with Ready,
 * Progressing and Degraded conditions and the generation it saw. A
 * resource being deleted gets its finalizer released; its children go
 * with it through their owner references.
 *
 * The controller (controller.ts) calls this from its work queue.
 */
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { desiredChildren } from './children.js';
import {
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
} from './crd.js';
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
}

export function reconcileClients(kc: KubeConfig): ReconcileClients {
  return {
    objects: KubernetesObjectApi.makeApiClient(kc),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Observed {
  metadata: { deletionTimestamp?: string | Date; finalizers?: string[] };
  status?: { conditions?: Condition[] };
}

/** What one reconcile did. */
export interface ReconcileResult {
  readonly applied: number;
  readonly ready: boolean;
  readonly conditions: readonly Condition[];
}

/**
 * Reconciles `cs` once. `processorReplicas` is the count the autoscaler
 * chose; `now` stamps condition transitions.
 */
export async function reconcileOnce(
  clients: ReconcileClients,
  cs: CrashStatsResource & Observed,
  processorReplicas: number,
  now: Date = new Date(),
): Promise<ReconcileResult> {
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
    return { applied: 0, ready: false, conditions: [] };
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
  const children = desiredChildren(cs, processorReplicas);
  const deployments = new Map<
    Component,
    KubernetesObject & { status?: { readyReplicas?: number } }
  >();
  for (const child of children) {
    const applied = await clients.objects.patch(
      child,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
    if (child.kind === 'Deployment') {
      const component = child.metadata.labels[
        'app.kubernetes.io/component'
      ] as Component;
      deployments.set(component, applied);
    }
  }
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
    condition(
      'Degraded',
      'False',
      'ChildrenApplied',
      `Applied ${children.length} children.`,
    ),
  ];
  await clients.custom.patchNamespacedCustomObjectStatus(
    {
      ...ref,
      body: {
        status: {
          observedGeneration: generation,
          conditions,
          components,
          processor: { replicas: processorReplicas },
        },
      },
    },
    mergePatch,
  );
  return { applied: children.length, ready: allReady, conditions };
}
