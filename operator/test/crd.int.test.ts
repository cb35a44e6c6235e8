/**
 * The CRD on a real kube-apiserver: it installs and becomes established,
 * a minimal resource gets the schema's defaults, and invalid resources are
 * refused by the apiserver with readable messages (schema and CEL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startKube, type KubeControlPlane } from '@crashstats/testkit';
import {
  desiredChildren,
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from '../src/index.js';
import { sampleResource } from './support.js';

const APPLY_DRY_RUN = 'fieldManager=crashstats-operator&force=true&dryRun=All';

/** The REST path of a child by its kind. */
function childPath(kind: string, namespace: string, name: string): string {
  const paths: Record<string, string> = {
    ConfigMap: `/api/v1/namespaces/${namespace}/configmaps`,
    Service: `/api/v1/namespaces/${namespace}/services`,
    Deployment: `/apis/apps/v1/namespaces/${namespace}/deployments`,
    Ingress: `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`,
    PodDisruptionBudget: `/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets`,
  };
  const base = paths[kind];
  assert.ok(base, `no path for ${kind}`);
  return `${base}/${name}`;
}

const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/default/${CRASHSTATS_PLURAL}`;

function resource(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: CRASHSTATS_API_VERSION,
    kind: 'CrashStats',
    metadata: { name },
    spec,
  };
}

const minimal = {
  nats: { url: 'nats://nats:4222' },
  mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
  redis: { url: 'redis://redis:6379' },
};

describe('the CrashStats CRD on a real apiserver', { timeout: 240_000 }, () => {
  let kube: KubeControlPlane;

  before(async () => {
    kube = await startKube();
    const created = await kube.request(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      {
        method: 'POST',
        body: crashStatsCrd(),
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const name = `${CRASHSTATS_PLURAL}.${CRASHSTATS_GROUP}`;
    for (let i = 0; ; i++) {
      const got = await kube.request(
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
      );
      const conditions = (
        got.body as {
          status?: { conditions?: { type: string; status: string }[] };
        }
      ).status?.conditions;
      if (
        conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ) {
        break;
      }
      assert.ok(i < 100, 'the CRD did not become established');
      await sleep(100);
    }
    // The resource endpoint answers a moment after the CRD is established.
    for (let i = 0; (await kube.request(RESOURCES)).status !== 200; i++) {
      assert.ok(i < 100, 'the resource endpoint did not appear');
      await sleep(100);
    }
  });
  after(async () => {
    await kube?.[Symbol.asyncDispose]();
  });

  it('accepts a minimal resource and fills in the defaults', async () => {
    const res = await kube.request(RESOURCES, {
      method: 'POST',
      body: resource('minimal', minimal),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const spec = (res.body as { spec: Record<string, Record<string, unknown>> })
      .spec;
    assert.equal(spec.version, 'latest');
    assert.equal(spec.nats?.stream, 'CRASHES');
    assert.equal(spec.mongodb?.database, 'crashstats');
    assert.equal(spec.collector?.replicas, 2);
    assert.equal(spec.processor?.minReplicas, 1);
    assert.equal(spec.processor?.maxReplicas, 10);
    assert.equal(spec.processor?.lagPerReplica, 100);
    assert.equal(spec.webapp?.replicas, 2);
  });

  it('refuses processor bounds the wrong way round, with the CEL rule’s message', async () => {
    const res = await kube.request(RESOURCES, {
      method: 'POST',
      body: resource('bounds', {
        ...minimal,
        processor: { minReplicas: 5, maxReplicas: 2 },
      }),
    });
    assert.equal(res.status, 422);
    assert.match(
      (res.body as { message: string }).message,
      /spec\.processor: Invalid value: .*processor\.minReplicas must not be greater than processor\.maxReplicas/,
    );
  });

  it('refuses an enabled ingress without a host', async () => {
    const res = await kube.request(RESOURCES, {
      method: 'POST',
      body: resource('ingress', {
        ...minimal,
        webapp: { ingress: { enabled: true } },
      }),
    });
    assert.equal(res.status, 422);
    assert.match(
      (res.body as { message: string }).message,
      /webapp\.ingress\.host is required when the ingress is enabled/,
    );
  });

  it('refuses what the schema does not allow, naming the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'no-nats',
        { mongodb: minimal.mongodb, redis: minimal.redis },
        /spec\.nats: Required value/,
      ],
      [
        'negative',
        { ...minimal, collector: { replicas: -1 } },
        /spec\.collector\.replicas: Invalid value: -1/,
      ],
      [
        'cron',
        { ...minimal, crontasks: { schedules: { cleanup: 'every day' } } },
        /spec\.crontasks\.schedules\.cleanup/,
      ],
      [
        'symbols',
        { ...minimal, processor: { symbolUrls: ['ftp://symbols'] } },
        /spec\.processor\.symbolUrls\[0\]/,
      ],
      [
        'secret',
        { ...minimal, mongodb: { urlSecretRef: { name: 'm' } } },
        /spec\.mongodb\.urlSecretRef\.key: Required value/,
      ],
    ];
    for (const [name, spec, message] of cases) {
      const res = await kube.request(RESOURCES, {
        method: 'POST',
        body: resource(name, spec),
      });
      assert.equal(res.status, 422, name);
      assert.match((res.body as { message: string }).message, message, name);
    }
  });

  it('keeps the status to the status subresource', async () => {
    const res = await kube.request(`${RESOURCES}/minimal`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { status: { queue: { lag: 7 } } },
    });
    assert.equal(res.status, 200);
    assert.equal(
      (res.body as { status?: unknown }).status,
      undefined,
      'the main resource ignores status',
    );
    const viaStatus = await kube.request(`${RESOURCES}/minimal/status`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { status: { queue: { lag: 7 } } },
    });
    assert.equal(viaStatus.status, 200, JSON.stringify(viaStatus.body));
    assert.deepEqual((viaStatus.body as { status: unknown }).status, {
      queue: { lag: 7 },
    });
  });

  it('accepts every child the builders make, in a server-side apply dry run', async () => {
    const cs = sampleResource();
    cs.metadata.namespace = 'default';
    const children = desiredChildren(cs, 3);
    assert.ok(children.length >= 10);
    for (const child of children) {
      const res = await kube.request(
        `${childPath(child.kind, 'default', child.metadata.name)}?${APPLY_DRY_RUN}`,
        {
          method: 'PATCH',
          contentType: 'application/apply-patch+yaml',
          body: child,
        },
      );
      assert.ok(
        res.status === 200 || res.status === 201,
        `${child.kind}: ${JSON.stringify(res.body)}`,
      );
    }
  });
});
