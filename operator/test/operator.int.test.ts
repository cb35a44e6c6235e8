/**
 * The operator as it runs in a cluster: two real processes (main.ts),
 * each with the chart's ServiceAccount and nothing but the RBAC the chart
 * grants, against a real apiserver and a real NATS server. One leads and
 * reconciles; both answer their health endpoints; the leader's metrics
 * carry controller-runtime's series; the resource gets its children,
 * Events and queue lag; a leader that stops hands over to the other at
 * once, and one that dies hands over when its Lease expires. No
 * request of theirs is forbidden, and the service account cannot do what
 * the operator has no need for.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments, stringify } from 'yaml';
import {
  eventually,
  freePort,
  helmBinary,
  LOOPBACK,
  startKube,
  startNats,
  type KubeControlPlane,
  type NatsServer,
} from '@crashstats/testkit';
import {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from '../src/index.js';
import { at } from './support.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SYSTEM = 'crashstats-system';
const NS = 'shop';
const RESOURCES = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/namespaces/${NS}/${CRASHSTATS_PLURAL}`;

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Where the apiserver takes objects of the RBAC kinds the chart renders. */
function collectionOf(m: Manifest): string {
  switch (m.kind) {
    case 'ServiceAccount':
      return `/api/v1/namespaces/${m.metadata.namespace ?? SYSTEM}/serviceaccounts`;
    case 'Role':
    case 'RoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/namespaces/${m.metadata.namespace ?? SYSTEM}/${m.kind.toLowerCase()}s`;
    case 'ClusterRole':
    case 'ClusterRoleBinding':
      return `/apis/rbac.authorization.k8s.io/v1/${m.kind.toLowerCase()}s`;
    default:
      throw new Error(`not an RBAC kind: ${m.kind}`);
  }
}

class OperatorProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    readonly port: number,
    kubeconfig: string,
  ) {
    this.child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'operator/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          KUBECONFIG: kubeconfig,
          OPERATOR_HOST: LOOPBACK,
          OPERATOR_PORT: String(port),
          OPERATOR_LEASE_NAMESPACE: SYSTEM,
          OPERATOR_LEASE_DURATION_SECONDS: '3',
          OPERATOR_IDENTITY: name,
          OPERATOR_SCALE_INTERVAL_MS: '500',
          LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.lines.push(...chunk.split('\n').filter(Boolean));
      });
    }
    this.exited = once(this.child, 'exit').then(
      ([code]) => code as number | null,
    );
  }

  get url(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  async get(path: string): Promise<{ status: number; text: string }> {
    try {
      const res = await fetch(`${this.url}${path}`);
      return { status: res.status, text: await res.text() };
    } catch {
      return { status: 0, text: '' };
    }
  }

  /** A sample's value from /metrics, or undefined. */
  async metric(name: string, labels = ''): Promise<number | undefined> {
    const { text } = await this.get('/metrics');
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) && line.includes(labels)) {
        return Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return undefined;
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }
}

describe(
  'the operator process with the chart’s RBAC',
  { timeout: 300_000 },
  () => {
    let kube: KubeControlPlane;
    let nats: NatsServer;
    let dir: string;
    let kubeconfig: string;
    let serviceAccount: string;
    const processes: OperatorProcess[] = [];

    /** Waits as testkit's eventually does, failing with each process's log. */
    const eventuallyLogged = <T>(
      what: string,
      check: () => Promise<T | undefined | false>,
      timeoutMs = 30_000,
    ): Promise<T> =>
      eventually(what, check, {
        timeoutMs,
        detail: () =>
          processes
            .map((p) => `--- ${p.name}\n${p.lines.slice(-20).join('\n')}`)
            .join('\n'),
      });
    const ok = async (path: string, body: unknown) => {
      const res = await kube.request(path, { method: 'POST', body });
      assert.ok(
        res.status >= 200 && res.status < 300,
        `POST ${path}: ${res.status} ${JSON.stringify(res.body)}`,
      );
      return res.body;
    };
    const leaders = async () => {
      const flags = await Promise.all(
        processes.map((p) => p.metric('leader_election_master_status')),
      );
      return processes.filter((_, i) => flags[i] === 1);
    };

    before(async () => {
      [kube, nats] = await Promise.all([startKube(), startNats()]);
      dir = await mkdtemp(join(tmpdir(), 'crashstats-operator-'));
      await ok(
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        crashStatsCrd(),
      );
      for (const name of [SYSTEM, NS]) {
        await ok('/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        });
      }
      // The RBAC objects exactly as the chart renders them.
      const rendered = spawnSync(
        await helmBinary(),
        [
          'template',
          'crashstats',
          join(ROOT, 'charts/crashstats'),
          '--namespace',
          SYSTEM,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(rendered.status, 0, rendered.stderr);
      const rbac = parseAllDocuments(rendered.stdout)
        .map((d) => d.toJS() as Manifest | null)
        .filter(
          (m): m is Manifest =>
            m !== null &&
            [
              'ServiceAccount',
              'ClusterRole',
              'ClusterRoleBinding',
              'Role',
              'RoleBinding',
            ].includes(m.kind),
        );
      assert.deepEqual(rbac.map((m) => m.kind).sort(), [
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
        'ServiceAccount',
      ]);
      for (const m of rbac) {
        await ok(collectionOf(m), m);
      }
      serviceAccount = rbac.find((m) => m.kind === 'ServiceAccount')!.metadata
        .name;
      const request = (await ok(
        `/api/v1/namespaces/${SYSTEM}/serviceaccounts/${serviceAccount}/token`,
        {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
      )) as { status: { token: string } };
      kubeconfig = join(dir, 'operator.kubeconfig');
      await writeFile(
        kubeconfig,
        stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            {
              name: 'test',
              cluster: {
                server: kube.server,
                'certificate-authority-data': Buffer.from(kube.caPem).toString(
                  'base64',
                ),
              },
            },
          ],
          users: [{ name: 'operator', user: { token: request.status.token } }],
          contexts: [
            {
              name: 'operator',
              context: { cluster: 'test', user: 'operator' },
            },
          ],
          'current-context': 'operator',
        }),
      );
      await eventuallyLogged(
        'the resource endpoint',
        async () => (await kube.request(RESOURCES)).status === 200,
      );
    });

    after(async () => {
      for (const p of processes) {
        p.stop('SIGKILL');
      }
      await kube?.[Symbol.asyncDispose]();
      await nats?.[Symbol.asyncDispose]();
      if (dir !== undefined) {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('has a service account that cannot do what the operator does not need', async () => {
      const can = async (attributes: Record<string, string | undefined>) => {
        const review = (await ok(
          '/apis/authorization.k8s.io/v1/subjectaccessreviews',
          {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: `system:serviceaccount:${SYSTEM}:${serviceAccount}`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${SYSTEM}`,
                'system:authenticated',
              ],
              resourceAttributes: attributes,
            },
          },
        )) as { status: { allowed: boolean } };
        return review.status.allowed;
      };
      assert.equal(
        await can({
          namespace: NS,
          verb: 'patch',
          group: 'apps',
          resource: 'deployments',
        }),
        true,
      );
      assert.equal(
        await can({ namespace: NS, verb: 'get', resource: 'secrets' }),
        true,
      );
      for (const denied of [
        { namespace: NS, verb: 'list', resource: 'secrets' },
        {
          namespace: NS,
          verb: 'delete',
          group: 'apps',
          resource: 'deployments',
        },
        { namespace: NS, verb: 'create', resource: 'pods' },
        {
          namespace: NS,
          verb: 'update',
          group: 'coordination.k8s.io',
          resource: 'leases',
        },
        {
          verb: 'delete',
          group: CRASHSTATS_GROUP,
          resource: CRASHSTATS_PLURAL,
          namespace: NS,
        },
        {
          verb: 'create',
          group: 'rbac.authorization.k8s.io',
          resource: 'clusterroles',
        },
      ]) {
        assert.equal(await can(denied), false, JSON.stringify(denied));
      }
    });

    it('runs two replicas of which one leads; both are healthy and ready', async () => {
      for (const name of ['operator-a', 'operator-b']) {
        processes.push(new OperatorProcess(name, await freePort(), kubeconfig));
      }
      for (const p of processes) {
        await eventuallyLogged(
          `${p.name} ready`,
          async () => (await p.get('/readyz')).status === 200,
        );
        assert.equal((await p.get('/healthz')).status, 200);
      }
      const leading = await eventuallyLogged('one leader', async () => {
        const found = await leaders();
        return found.length === 1 ? found : undefined;
      });
      assert.equal(leading.length, 1);
      const lease = await kube.request(
        `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM}/leases/crashstats-operator`,
      );
      assert.match(
        String(at(lease.body, 'spec.holderIdentity')),
        new RegExp(`^${leading[0]!.name}-`),
      );
    });

    it('reconciles a resource: children, status with the queue lag, Events, metrics', async () => {
      await ok(`/api/v1/namespaces/${NS}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'mongodb' },
        stringData: { url: 'mongodb://db:27017' },
      });
      await ok(RESOURCES, {
        apiVersion: CRASHSTATS_API_VERSION,
        kind: 'CrashStats',
        metadata: { name: 'prod' },
        spec: {
          nats: { url: nats.url },
          mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
          redis: { url: 'redis://redis:6379' },
        },
      });
      for (const component of [
        'collector',
        'processor',
        'crontasks',
        'webapp',
      ]) {
        await eventuallyLogged(
          `the ${component} Deployment`,
          async () =>
            (
              await kube.request(
                `/apis/apps/v1/namespaces/${NS}/deployments/prod-${component}`,
              )
            ).status === 200,
        );
      }
      const status = await eventuallyLogged(
        'the status with the queue lag',
        async () => {
          const res = await kube.request(`${RESOURCES}/prod`);
          const s = at(res.body, 'status') as
            | {
                queue?: { lag: number };
                conditions?: { type: string; status: string; reason: string }[];
              }
            | undefined;
          return s?.queue !== undefined && s.conditions !== undefined
            ? s
            : undefined;
        },
      );
      // No processor has made its consumer on this NATS yet: nothing is queued.
      assert.equal(status.queue?.lag, 0);
      const degraded = status.conditions?.find((c) => c.type === 'Degraded');
      assert.deepEqual(
        [degraded?.status, degraded?.reason],
        ['False', 'ChildrenApplied'],
      );
      const events = await eventuallyLogged('an Applied event', async () => {
        const res = await kube.request(`/api/v1/namespaces/${NS}/events`);
        const items = (
          res.body as {
            items: {
              reason: string;
              source?: { component?: string };
              involvedObject: { name: string };
            }[];
          }
        ).items;
        return items.some((e) => e.reason === 'Applied') ? items : undefined;
      });
      const applied = events.find((e) => e.reason === 'Applied')!;
      assert.equal(applied.involvedObject.name, 'prod');
      assert.equal(applied.source?.component, 'crashstats-operator');
      const [leader] = await leaders();
      assert.ok(leader);
      assert.ok(
        ((await leader.metric(
          'controller_runtime_reconcile_total',
          'result="success"',
        )) ?? 0) >= 1,
      );
      assert.ok(((await leader.metric('workqueue_adds_total')) ?? 0) >= 1);
      assert.equal(
        await leader.metric('controller_runtime_max_concurrent_reconciles'),
        2,
      );
      assert.equal(
        await leader.metric('crashstats_operator_queue_lag', 'name="prod"'),
        0,
      );
    });

    it('reconciles again for a spec change, not for a status write', async () => {
      const [leader] = await leaders();
      assert.ok(leader);
      const adds = () => leader.metric('workqueue_adds_total');
      const settled = await eventuallyLogged(
        'the queue to settle',
        async () => {
          const before = await adds();
          await sleep(1000);
          return before === (await adds()) ? before : undefined;
        },
      );
      const statusWrite = await kube.request(`${RESOURCES}/prod/status`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: {
          status: { components: { webapp: { replicas: 1, readyReplicas: 0 } } },
        },
      });
      assert.equal(statusWrite.status, 200);
      await sleep(1500);
      assert.equal(await adds(), settled, 'a status write queues nothing');
      const specWrite = await kube.request(`${RESOURCES}/prod`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { webapp: { replicas: 4 } } },
      });
      assert.equal(specWrite.status, 200);
      await eventuallyLogged(
        'a new generation to be queued',
        async () => ((await adds()) ?? 0) > (settled ?? 0),
      );
    });

    it('hands over when the leader stops, and the new leader keeps the children in shape', async () => {
      const [leader] = await leaders();
      assert.ok(leader);
      const other = processes.find((p) => p !== leader)!;
      leader.stop('SIGTERM');
      assert.equal(await leader.exited, 0, 'a clean stop');
      // The stopping leader released the Lease: no need to wait for it to expire.
      await eventuallyLogged(
        'the other replica to lead',
        async () => (await other.metric('leader_election_master_status')) === 1,
        10_000,
      );
      const edited = await kube.request(`${RESOURCES}/prod`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { collector: { replicas: 3 } } },
      });
      assert.equal(edited.status, 200);
      await eventuallyLogged(
        'the new leader to apply the edit',
        async () =>
          at(
            (
              await kube.request(
                `/apis/apps/v1/namespaces/${NS}/deployments/prod-collector`,
              )
            ).body,
            'spec.replicas',
          ) === 3,
      );
    });

    it('takes over from a leader that dies, once its Lease expires', async () => {
      const [leader] = await leaders();
      assert.ok(leader);
      const standby = new OperatorProcess(
        'operator-c',
        await freePort(),
        kubeconfig,
      );
      processes.push(standby);
      await eventuallyLogged(
        'the standby ready',
        async () => (await standby.get('/readyz')).status === 200,
      );
      assert.equal(await standby.metric('leader_election_master_status'), 0);
      const killedAt = Date.now();
      leader.stop('SIGKILL');
      await leader.exited;
      await eventuallyLogged(
        'the standby to lead',
        async () =>
          (await standby.metric('leader_election_master_status')) === 1,
        15_000,
      );
      // The Lease lasts 3 s here; nobody takes it before it expires.
      assert.ok(Date.now() - killedAt >= 2_500, 'waited for the Lease');
      standby.stop('SIGTERM');
      assert.equal(await standby.exited, 0);
    });

    it('was never refused a request', () => {
      for (const p of processes) {
        const refused = p.lines.filter((l) => /forbidden/i.test(l));
        assert.deepEqual(refused, [], `${p.name} was refused`);
      }
    });
  },
);
