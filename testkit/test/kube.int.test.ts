import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import {
  acceptsConnections,
  eventually,
  helmBinary,
  startKube,
  type KubeControlPlane,
  type KubeResponse,
} from '@crashstats/testkit';

const run = promisify(execFile);
const TIMEOUT = { timeout: 180_000 };

interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

interface KubeObject {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    ownerReferences?: OwnerReference[];
  };
  data?: Record<string, string>;
}

interface KubeList {
  items: KubeObject[];
}

interface Kubeconfig {
  clusters: {
    cluster: { server: string; 'certificate-authority-data': string };
  }[];
  users: { name: string; user: Record<string, string> }[];
  'current-context': string;
}

/** Asserts the status, showing the apiserver's answer when it differs. */
function expectStatus(response: KubeResponse, status: number): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
}

/** Sends a request and returns the created or read object. */
async function callForObject(
  kube: KubeControlPlane,
  path: string,
  status: number,
  options: { method?: string; body?: unknown } = {},
): Promise<KubeObject> {
  const response = await kube.request(path, options);
  expectStatus(response, status);
  return response.body as KubeObject;
}

async function createNamespace(
  kube: KubeControlPlane,
  name: string,
): Promise<void> {
  await callForObject(kube, '/api/v1/namespaces', 201, {
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
}

async function createConfigMap(
  kube: KubeControlPlane,
  namespace: string,
  metadata: { name: string; ownerReferences?: OwnerReference[] },
  data: Record<string, string> = {},
): Promise<KubeObject> {
  return callForObject(
    kube,
    `/api/v1/namespaces/${namespace}/configmaps`,
    201,
    {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data },
    },
  );
}

/** The controller manager works at its own pace: give it a minute and a half. */
const CONTROLLERS = { timeoutMs: 90_000, intervalMs: 250 };

/** A GET with Node's https client alone: the CA plus optional client pair. */
async function rawGet(
  url: string,
  tls: { ca?: string; cert?: string; key?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { ...tls, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

void test(
  'kube: the admin creates objects that outlive an apiserver restart',
  TIMEOUT,
  async () => {
    await using kube = await startKube();
    assert.match(kube.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(kube.controllerManager, false);

    const version = await kube.request('/version');
    expectStatus(version, 200);
    assert.match(
      (version.body as { gitVersion: string }).gitVersion,
      /^v1\.34\.\d+$/,
    );

    await createNamespace(kube, 'crashes');
    const created = await createConfigMap(
      kube,
      'crashes',
      { name: 'settings' },
      { throttle: '10' },
    );
    const path = '/api/v1/namespaces/crashes/configmaps/settings';

    // The CA verifies the server; the client pair and the token are both
    // the admin, while an anonymous caller is refused.
    const url = `${kube.server}${path}`;
    assert.equal(await rawGet(url, { ca: kube.caPem }), 403);
    assert.equal(
      await rawGet(url, {
        ca: kube.caPem,
        cert: kube.clientCertPem,
        key: kube.clientKeyPem,
      }),
      200,
    );
    await assert.rejects(rawGet(url, {}), /certificate/);

    const kubeconfig = JSON.parse(
      await readFile(kube.kubeconfigPath, 'utf8'),
    ) as Kubeconfig;
    const [cluster] = kubeconfig.clusters;
    assert.equal(cluster?.cluster.server, kube.server);
    assert.equal(
      Buffer.from(
        cluster?.cluster['certificate-authority-data'] ?? '',
        'base64',
      ).toString(),
      kube.caPem,
    );
    assert.equal(kubeconfig.users[0]?.name, 'admin');

    await kube.restartApiserver();

    const read = await callForObject(kube, path, 200);
    assert.deepEqual(read.data, { throttle: '10' });
    assert.equal(read.metadata.uid, created.metadata.uid);
    assert.equal(
      read.metadata.resourceVersion,
      created.metadata.resourceVersion,
    );

    const port = Number(new URL(kube.server).port);
    const etcdPort = Number(new URL(kube.etcdUrl).port);
    await kube[Symbol.asyncDispose]();
    assert.equal(await acceptsConnections(port), false);
    assert.equal(await acceptsConnections(etcdPort), false);
    assert.equal(existsSync(kube.kubeconfigPath), false);
    await assert.rejects(kube.restartApiserver(), /after dispose/);
  },
);

void test(
  'kube: the controller manager collects garbage and rolls out Deployments',
  TIMEOUT,
  async () => {
    await using kube = await startKube({ controllerManager: true });
    assert.equal(kube.controllerManager, true);
    const namespace = 'operator';
    await createNamespace(kube, namespace);
    const configmaps = `/api/v1/namespaces/${namespace}/configmaps`;

    const owner = await createConfigMap(kube, namespace, { name: 'owner' });
    await createConfigMap(kube, namespace, {
      name: 'child',
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'owner',
          uid: owner.metadata.uid,
        },
      ],
    });
    expectStatus(
      await kube.request(`${configmaps}/owner`, { method: 'DELETE' }),
      200,
    );
    await eventually(
      'child ConfigMap removed',
      async () => {
        const child = await kube.request(`${configmaps}/child`);
        return child.status === 404;
      },
      CONTROLLERS,
    );

    const labels = { app: 'collector' };
    const deployment = await callForObject(
      kube,
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      201,
      {
        method: 'POST',
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'collector' },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { containers: [{ name: 'collector', image: 'collector' }] },
            },
          },
        },
      },
    );
    const replicaSet = await eventually(
      'ReplicaSet of the Deployment',
      async () => {
        const list = await kube.request(
          `/apis/apps/v1/namespaces/${namespace}/replicasets`,
        );
        expectStatus(list, 200);
        return (list.body as KubeList).items.find((item) =>
          item.metadata.ownerReferences?.some(
            (ref) => ref.uid === deployment.metadata.uid,
          ),
        );
      },
      CONTROLLERS,
    );
    await eventually(
      'Pod of the ReplicaSet',
      async () => {
        const list = await kube.request(`/api/v1/namespaces/${namespace}/pods`);
        expectStatus(list, 200);
        return (list.body as KubeList).items.find((item) =>
          item.metadata.ownerReferences?.some(
            (ref) => ref.uid === replicaSet.metadata.uid,
          ),
        );
      },
      CONTROLLERS,
    );
  },
);

void test('helm: v4 talks to the test apiserver', TIMEOUT, async (t) => {
  const helm = await helmBinary();
  const { stdout } = await run(helm, ['version', '--short']);
  assert.match(stdout, /^v4\.\d+\.\d+/);

  const home = await mkdtemp(join(tmpdir(), 'crashstats-helm-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  await using kube = await startKube();
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  const listed = await run(
    helm,
    ['list', '--all-namespaces', '--kubeconfig', kube.kubeconfigPath],
    { env },
  );
  assert.match(listed.stdout, /^NAME\s+NAMESPACE\s+REVISION/);
});
