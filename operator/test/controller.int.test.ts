/**
 * The controller running against a real apiserver: a new resource gets its
 * children without anyone calling reconcile, a deleted child comes back,
 * an edit reaches the children, and a restart of the apiserver does not
 * stop it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '@crashstats/common';
import {
  eventually,
  startKube,
  type KubeControlPlane,
} from '@crashstats/testkit';
import { CrashStatsController } from '../src/controller.js';
import {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from '../src/index.js';
import { at } from './support.js';

const NS = 'default';
const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/${NS}/${CRASHSTATS_PLURAL}`;
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;

describe('the controller on a real apiserver', { timeout: 240_000 }, () => {
  let kube: KubeControlPlane;
  let controller: CrashStatsController;

  const deployment = async (name: string) => {
    const res = await kube.request(`${DEPLOYMENTS}/${name}`);
    return res.status === 200 ? res.body : undefined;
  };
  const create = (name: string, spec: Record<string, unknown> = {}) =>
    kube.request(RESOURCES, {
      method: 'POST',
      body: {
        apiVersion: CRASHSTATS_API_VERSION,
        kind: 'CrashStats',
        metadata: { name },
        spec: {
          nats: { url: 'nats://nats:4222' },
          mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
          redis: { url: 'redis://redis:6379' },
          ...spec,
        },
      },
    });

  before(async () => {
    kube = await startKube();
    assert.equal(
      (
        await kube.request(
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
          { method: 'POST', body: crashStatsCrd() },
        )
      ).status,
      201,
    );
    await eventually(
      'the resource endpoint',
      async () => (await kube.request(RESOURCES)).status === 200,
    );
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kube.kubeconfigPath);
    controller = new CrashStatsController({
      kubeConfig,
      log: createLogger({
        service: 'operator',
        version: 'test',
        level: 'silent',
      }),
      // Longer than any wait below: what comes back, comes back by a watch.
      resyncMs: 600_000,
    });
    await controller.start();
  });
  after(async () => {
    await controller?.stop();
    await kube?.[Symbol.asyncDispose]();
  });

  it('creates the children of a new resource', async () => {
    const res = await create('alpha', {
      processor: { minReplicas: 2, maxReplicas: 5 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(
      'the processor Deployment',
      async () => (await deployment('alpha-processor')) !== undefined,
    );
    assert.equal(
      at(await deployment('alpha-processor'), 'spec.replicas'),
      2,
      'the minimum while the queue is empty',
    );
    await eventually('the status', async () => {
      const cs = (await kube.request(`${RESOURCES}/alpha`)).body;
      return at(cs, 'status.observedGeneration') === 1;
    });
  });

  it('puts back a deleted child and follows an edit', async () => {
    assert.equal(
      (
        await kube.request(`${DEPLOYMENTS}/alpha-collector`, {
          method: 'DELETE',
        })
      ).status,
      200,
    );
    await eventually(
      'the collector Deployment back',
      async () => (await deployment('alpha-collector')) !== undefined,
    );
    await kube.request(`${RESOURCES}/alpha`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { webapp: { replicas: 3 } } },
    });
    await eventually(
      'the web app scaled to 3',
      async () => at(await deployment('alpha-webapp'), 'spec.replicas') === 3,
    );
  });

  it('puts back every kind of child it watches, without waiting for a resync', async () => {
    const children = [
      `/api/v1/namespaces/${NS}/services/alpha-collector`,
      `/api/v1/namespaces/${NS}/configmaps/alpha-config`,
      `/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/alpha-webapp`,
    ];
    for (const path of children) {
      assert.equal(
        (await kube.request(path, { method: 'DELETE' })).status,
        200,
      );
      await eventually(
        `${path} back`,
        async () => (await kube.request(path)).status === 200,
        { timeoutMs: 5_000 },
      );
    }
  });

  it('keeps working after the apiserver restarts', async () => {
    await kube.restartApiserver();
    // Informers see the outage and start again; new work still gets done.
    const res = await create('beta');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(
      'the children of a resource made after the restart',
      async () => (await deployment('beta-webapp')) !== undefined,
      { timeoutMs: 60_000 },
    );
  });
});
