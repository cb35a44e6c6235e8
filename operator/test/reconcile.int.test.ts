/**
 * One reconcile at a time against a real apiserver (with the controller
 * manager for garbage collection): children created with owner
 * references, updated when the resource changes, restored when deleted,
 * the status with conditions and observedGeneration, and the finalizer
 * released on deletion so the children go with the resource.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  eventually,
  startKube,
  type KubeControlPlane,
} from '@crashstats/testkit';
import {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  CONFIG_HASH_ANNOTATION,
  crashStatsCrd,
  MONGODB_SECRET_VERSION_ANNOTATION,
  type CrashStatsResource,
} from '../src/index.js';
import { at } from './support.js';
import {
  FINALIZER,
  reconcileClients,
  reconcileOnce,
  type ReconcileClients,
} from '../src/reconcile.js';

const NS = 'default';
const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/${NS}/${CRASHSTATS_PLURAL}`;

describe(
  'reconciling a CrashStats resource on a real apiserver',
  { timeout: 240_000 },
  () => {
    let kube: KubeControlPlane;
    let clients: ReconcileClients;

    const read = async () => {
      const res = await kube.request(`${RESOURCES}/prod`);
      return res.status === 200
        ? (res.body as CrashStatsResource & Record<string, never>)
        : undefined;
    };
    const get = async (path: string) => {
      const res = await kube.request(path);
      return res.status === 200 ? res.body : undefined;
    };

    before(async () => {
      kube = await startKube({ controllerManager: true });
      const crd = await kube.request(
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        {
          method: 'POST',
          body: crashStatsCrd(),
        },
      );
      assert.equal(crd.status, 201);
      await eventually(
        'the resource endpoint',
        async () => (await kube.request(RESOURCES)).status === 200,
      );
      const kc = new KubeConfig();
      kc.loadFromFile(kube.kubeconfigPath);
      clients = reconcileClients(kc);
      const created = await kube.request(RESOURCES, {
        method: 'POST',
        body: {
          apiVersion: CRASHSTATS_API_VERSION,
          kind: 'CrashStats',
          metadata: { name: 'prod' },
          spec: {
            version: '0.1.0',
            nats: { url: 'nats://nats:4222' },
            mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
            redis: { url: 'redis://redis:6379' },
          },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    });
    after(async () => {
      await kube?.[Symbol.asyncDispose]();
    });

    it('creates the children with owner references, the finalizer and the status', async () => {
      const cs = (await read())!;
      const result = await reconcileOnce(clients, cs, {
        processorReplicas: 3,
        queueLag: 42,
      });
      assert.equal(result.applied, 11);
      assert.deepEqual(
        result.events.map((e) => [e.type, e.reason]),
        [
          ['Warning', 'MongoSecretMissing'],
          ['Normal', 'Applied'],
        ],
      );
      const processor = await get(
        `/apis/apps/v1/namespaces/${NS}/deployments/prod-processor`,
      );
      assert.equal(at(processor, 'spec.replicas'), 3);
      assert.deepEqual(
        (
          at(processor, 'metadata.ownerReferences') as {
            kind: string;
            name: string;
            uid: string;
            controller: boolean;
          }[]
        ).map((o) => [o.kind, o.name, o.uid, o.controller]),
        [['CrashStats', 'prod', cs.metadata.uid, true]],
      );
      assert.equal(
        at(processor, 'spec.template.spec.containers.0.image'),
        'ghcr.io/crashstats/processor:0.1.0',
      );
      for (const path of [
        `/api/v1/namespaces/${NS}/configmaps/prod-config`,
        `/api/v1/namespaces/${NS}/services/prod-collector`,
        `/api/v1/namespaces/${NS}/services/prod-webapp`,
        `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/prod-webapp`,
      ]) {
        assert.ok(await get(path), path);
      }
      const after = (await read()) as unknown as {
        metadata: { finalizers: string[]; generation: number };
        status: {
          observedGeneration: number;
          conditions: { type: string; status: string; reason: string }[];
          processor: { replicas: number };
          queue: { lag: number };
        };
      };
      assert.deepEqual(after.metadata.finalizers, [FINALIZER]);
      assert.equal(after.status.observedGeneration, after.metadata.generation);
      assert.equal(after.status.processor.replicas, 3);
      assert.equal(after.status.queue.lag, 42);
      // No kubelet runs here, so no pod becomes ready: the status says so,
      // and that the MongoDB Secret the pods need is missing.
      assert.deepEqual(
        after.status.conditions.map((c) => [c.type, c.status, c.reason]),
        [
          ['Ready', 'False', 'ComponentsNotReady'],
          ['Progressing', 'True', 'RollingOut'],
          ['Degraded', 'True', 'MongoSecretMissing'],
        ],
      );
    });

    it('clears Degraded once the MongoDB Secret has its key', async () => {
      const conditionOf = async (type: string) =>
        (
          (await read()) as unknown as {
            status: {
              conditions: {
                type: string;
                status: string;
                reason: string;
                message: string;
              }[];
            };
          }
        ).status.conditions.find((c) => c.type === type);
      const secrets = `/api/v1/namespaces/${NS}/secrets`;
      const noKey = await kube.request(secrets, {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'mongodb' },
          stringData: { uri: 'mongodb://db:27017' },
        },
      });
      assert.equal(noKey.status, 201);
      await reconcileOnce(clients, (await read())!, { processorReplicas: 3 });
      const wrongKey = await conditionOf('Degraded');
      assert.equal(wrongKey?.status, 'True');
      assert.match(
        wrongKey?.message ?? '',
        /Secret mongodb in namespace default has no key url/,
      );
      const fixed = await kube.request(`${secrets}/mongodb`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { stringData: { url: 'mongodb://db:27017' } },
      });
      assert.equal(fixed.status, 200);
      const result = await reconcileOnce(clients, (await read())!, {
        processorReplicas: 3,
      });
      assert.deepEqual(result.events, [], 'nothing new to tell');
      assert.deepEqual(
        [
          (await conditionOf('Degraded'))?.status,
          (await conditionOf('Degraded'))?.reason,
        ],
        ['False', 'ChildrenApplied'],
      );
    });

    it('rolls the pods when the MongoDB Secret is rotated, and leaves them when it goes', async () => {
      const secret = `/api/v1/namespaces/${NS}/secrets/mongodb`;
      const versionsOnPods = async () => {
        const out: Record<string, unknown> = {};
        for (const component of ['collector', 'processor', 'webapp']) {
          const annotations = at(
            await get(
              `/apis/apps/v1/namespaces/${NS}/deployments/prod-${component}`,
            ),
            'spec.template.metadata.annotations',
          ) as Record<string, string>;
          out[component] = annotations[MONGODB_SECRET_VERSION_ANNOTATION];
        }
        return out;
      };
      const secretVersion = async () =>
        at(await get(secret), 'metadata.resourceVersion') as string;
      const everywhere = (version: unknown) => ({
        collector: version,
        processor: version,
        webapp: version,
      });
      const reconcile = async () =>
        reconcileOnce(clients, (await read())!, { processorReplicas: 3 });

      await reconcile();
      const first = await secretVersion();
      assert.deepEqual(await versionsOnPods(), everywhere(first));
      assert.deepEqual(
        (await reconcile()).events,
        [],
        'an unchanged Secret is not news',
      );

      const rotated = await kube.request(secret, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { stringData: { url: 'mongodb://db-2:27017' } },
      });
      assert.equal(rotated.status, 200);
      const afterRotation = await reconcile();
      const second = await secretVersion();
      assert.notEqual(second, first);
      assert.deepEqual(await versionsOnPods(), everywhere(second));
      assert.deepEqual(
        afterRotation.events.map((e) => [e.reason, e.message]),
        [
          [
            'MongoSecretChanged',
            `Secret mongodb changed (version ${first} to ${second}); the pods roll onto it.`,
          ],
        ],
      );
      assert.equal(at(await read(), 'status.mongodb.secretVersion'), second);

      assert.equal(
        (await kube.request(secret, { method: 'DELETE' })).status,
        200,
      );
      await reconcile();
      assert.deepEqual(
        await versionsOnPods(),
        everywhere(second),
        'a missing Secret does not roll pods that are running',
      );

      const recreated = await kube.request(`/api/v1/namespaces/${NS}/secrets`, {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'mongodb' },
          stringData: { url: 'mongodb://db-2:27017' },
        },
      });
      assert.equal(recreated.status, 201);
      await reconcile();
      assert.deepEqual(
        await versionsOnPods(),
        everywhere(await secretVersion()),
      );
    });

    it('says in the status which child the apiserver refused, and why', async () => {
      const patch = (collector: unknown) =>
        kube.request(`${RESOURCES}/prod`, {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { collector } },
        });
      assert.equal(
        (await patch({ resources: { requests: { cpu: 'lots' } } })).status,
        200,
      );
      await assert.rejects(
        reconcileOnce(clients, (await read())!, { processorReplicas: 3 }),
        (err: Error & { events?: { reason: string }[] }) => {
          assert.equal(err.name, 'ReconcileError');
          assert.deepEqual(
            err.events?.map((e) => e.reason),
            ['ApplyFailed'],
          );
          return true;
        },
      );
      const degraded = (
        (await read()) as unknown as {
          status: {
            conditions: {
              type: string;
              status: string;
              reason: string;
              message: string;
            }[];
          };
        }
      ).status.conditions.find((c) => c.type === 'Degraded');
      assert.equal(degraded?.status, 'True');
      assert.equal(degraded?.reason, 'ApplyFailed');
      assert.match(
        degraded?.message ?? '',
        /Deployment prod-collector: .*quantities must match/,
      );
      assert.equal((await patch({ resources: null })).status, 200);
      await reconcileOnce(clients, (await read())!, { processorReplicas: 3 });
    });

    it('holds back throttle rules the collector would refuse, and says why', async () => {
      const setRules = async (throttleRules: string | null) => {
        const res = await kube.request(`${RESOURCES}/prod`, {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { collector: { throttleRules } } },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return reconcileOnce(clients, (await read())!, {
          processorReplicas: 3,
        });
      };
      const configRules = async () =>
        at(
          await get(`/api/v1/namespaces/${NS}/configmaps/prod-config`),
          'data.COLLECTOR_THROTTLE_RULES',
        );
      const collectorHash = async () =>
        (
          at(
            await get(
              `/apis/apps/v1/namespaces/${NS}/deployments/prod-collector`,
            ),
            'spec.template.metadata.annotations',
          ) as Record<string, string>
        )[CONFIG_HASH_ANNOTATION];
      const degraded = (result: Awaited<ReturnType<typeof setRules>>) =>
        result.conditions.find((c) => c.type === 'Degraded');

      const good =
        '[{"name":"only_a","when":[{"annotation":"ProductName","equals":"A"}],"result":"accept"}]';
      await setRules(good);
      assert.equal(await configRules(), good);
      const hash = await collectorHash();

      const bad = await setRules('[{"name":"bad name","result":"accept"}]');
      assert.equal(await configRules(), good, 'the good rules stay');
      assert.equal(await collectorHash(), hash, 'the pods are not rolled');
      assert.equal(degraded(bad)?.status, 'True');
      assert.equal(degraded(bad)?.reason, 'InvalidThrottleRules');
      assert.equal(
        degraded(bad)?.message,
        'spec.collector.throttleRules are refused (throttle rules[0.name]: ' +
          'rule names are letters, digits and _); the collector keeps the ' +
          'rules it had until they are fixed.',
      );
      assert.ok(
        bad.events.some(
          (e) => e.type === 'Warning' && e.reason === 'InvalidThrottleRules',
        ),
      );

      const notJson = await setRules('not json');
      assert.match(degraded(notJson)?.message ?? '', /not valid JSON/);
      assert.equal(await configRules(), good);

      const cleared = await setRules(null);
      assert.equal(await configRules(), undefined);
      assert.notEqual(degraded(cleared)?.reason, 'InvalidThrottleRules');
      // With no rules before, the bad ones leave the default in place.
      const first = await setRules('{}');
      assert.equal(await configRules(), undefined);
      assert.match(
        degraded(first)?.message ?? '',
        /the collector accepts every crash \(the default\)/,
      );
      await setRules(null);
    });

    it('deletes the Ingress once the resource no longer asks for one', async () => {
      const ingress = `/apis/networking.k8s.io/v1/namespaces/${NS}/ingresses/prod-webapp`;
      const setIngress = (value: unknown) =>
        kube.request(`${RESOURCES}/prod`, {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { webapp: { ingress: value } } },
        });
      assert.equal(
        (await setIngress({ enabled: true, host: 'crash.example' })).status,
        200,
      );
      await reconcileOnce(clients, (await read())!, { processorReplicas: 3 });
      assert.ok(await get(ingress), 'the Ingress exists');
      assert.equal((await setIngress({ enabled: false })).status, 200);
      const result = await reconcileOnce(clients, (await read())!, {
        processorReplicas: 3,
      });
      assert.equal(await get(ingress), undefined, 'the Ingress is gone');
      assert.ok(result.events.some((e) => e.reason === 'IngressDeleted'));
    });

    it('updates the children when the resource changes, and says which generation it saw', async () => {
      const before = (await read())!.metadata.generation ?? 0;
      const patched = await kube.request(`${RESOURCES}/prod`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { collector: { replicas: 4 }, version: '0.2.0' } },
      });
      assert.equal(patched.status, 200);
      const cs = (await read())!;
      assert.equal(cs.metadata.generation, before + 1);
      await reconcileOnce(clients, cs, { processorReplicas: 3 });
      const collector = await get(
        `/apis/apps/v1/namespaces/${NS}/deployments/prod-collector`,
      );
      assert.equal(at(collector, 'spec.replicas'), 4);
      assert.equal(
        at(collector, 'spec.template.spec.containers.0.image'),
        'ghcr.io/crashstats/collector:0.2.0',
      );
      const status = (
        (await read()) as unknown as { status: { observedGeneration: number } }
      ).status;
      assert.equal(status.observedGeneration, before + 1);
    });

    it('restores a child that was deleted or changed', async () => {
      const gone = await kube.request(
        `/api/v1/namespaces/${NS}/services/prod-collector`,
        { method: 'DELETE' },
      );
      assert.equal(gone.status, 200);
      await kube.request(
        `/apis/apps/v1/namespaces/${NS}/deployments/prod-webapp`,
        {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { replicas: 9 } },
        },
      );
      await reconcileOnce(clients, (await read())!, { processorReplicas: 3 });
      assert.ok(await get(`/api/v1/namespaces/${NS}/services/prod-collector`));
      assert.equal(
        at(
          await get(`/apis/apps/v1/namespaces/${NS}/deployments/prod-webapp`),
          'spec.replicas',
        ),
        2,
      );
    });

    it('releases the finalizer on deletion, and the children go with the resource', async () => {
      const deleted = await kube.request(`${RESOURCES}/prod`, {
        method: 'DELETE',
      });
      assert.equal(deleted.status, 200);
      const held = (await read()) as unknown as CrashStatsResource & {
        metadata: { deletionTimestamp?: string };
      };
      assert.ok(
        held.metadata.deletionTimestamp,
        'the finalizer holds the resource',
      );
      await reconcileOnce(clients, held, { processorReplicas: 3 });
      await eventually(
        'the resource to go',
        async () => (await read()) === undefined,
      );
      // The garbage collector learns of the new CRD at its next discovery
      // resync (every 30 s), so this can take a while on a fresh cluster.
      await eventually(
        'the garbage collector to remove the children',
        async () =>
          (await get(
            `/apis/apps/v1/namespaces/${NS}/deployments/prod-processor`,
          )) === undefined &&
          (await get(`/api/v1/namespaces/${NS}/configmaps/prod-config`)) ===
            undefined,
        { timeoutMs: 120_000 },
      );
    });
  },
);
