/**
 * The Helm chart (charts/crashstats): it lints, it renders what it should
 * with the default values and with every option on (ci/full-values.yaml),
 * its values schema refuses bad values by name, a real kube-apiserver
 * accepts every rendered object in a server-side apply dry run, and the
 * RBAC it grants lets the operator's ServiceAccount do its work and no more.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import {
  helmBinary,
  startKube,
  type KubeControlPlane,
} from '@crashstats/testkit';
import {
  CRASHSTATS_GROUP,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  CRD_MANIFEST_PATH,
} from '../src/index.js';

const run = promisify(execFile);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHART = join(ROOT, 'charts/crashstats');
const FULL_VALUES = join(CHART, 'ci/full-values.yaml');
const RELEASE = 'crashstats';
const NAMESPACE = 'crashstats';
const FIELD_MANAGER = 'crashstats-chart-test';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number; protocol?: string }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    securityContext?: Record<string, unknown>;
    containers: Container[];
    volumes?: { name: string; emptyDir?: unknown }[];
    tolerations?: unknown[];
  };
}

interface Workload extends KubeObject {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
    serviceName?: string;
    volumeClaimTemplates?: {
      metadata: { name: string };
      spec: { resources: { requests: { storage: string } } };
    }[];
  };
}

interface ServiceObject extends KubeObject {
  spec: {
    clusterIP?: string;
    selector: Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number }[];
  };
}

/** Helm's cache, config and data folders: a throwaway home, never the user's. */
let helmHome: string;
before(async () => {
  helmHome = await mkdtemp(join(tmpdir(), 'crashstats-chart-helm-'));
});
after(async () => {
  await rm(helmHome, { recursive: true, force: true });
});

/** Runs helm in its throwaway home. */
async function helm(
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
  return run(await helmBinary(), args, { env, maxBuffer: 16 * 1024 * 1024 });
}

/** Runs helm expecting it to fail; resolves its error output. */
async function helmFails(args: string[]): Promise<string> {
  try {
    await helm(args);
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    assert.notEqual(failed.code, 0);
    return failed.stderr ?? '';
  }
  assert.fail(`helm ${args.join(' ')} succeeded`);
}

/** `helm template` of the chart, parsed into objects. */
async function render(extra: string[] = []): Promise<KubeObject[]> {
  const { stdout } = await helm([
    'template',
    RELEASE,
    CHART,
    '--namespace',
    NAMESPACE,
    ...extra,
  ]);
  return parseAllDocuments(stdout)
    .map((doc) => {
      assert.deepEqual(doc.errors, [], 'the render is valid YAML');
      return doc.toJS() as KubeObject | null;
    })
    .filter((obj): obj is KubeObject => obj !== null);
}

function find<T extends KubeObject = KubeObject>(
  objects: KubeObject[],
  kind: string,
  name: string,
): T {
  const found = objects.find(
    (o) => o.kind === kind && o.metadata.name === name,
  );
  assert.ok(found, `no ${kind} ${name} in the render`);
  return found as T;
}

function kindsAndNames(objects: KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

function onlyContainer(workload: Workload): Container {
  const [container, ...others] = workload.spec.template.spec.containers;
  assert.ok(container);
  assert.equal(others.length, 0);
  return container;
}

/** Every RBAC rule of every Role and ClusterRole in a render. */
function allRules(objects: KubeObject[]): Rule[] {
  return objects
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap((o) => (o.rules as Rule[] | undefined) ?? []);
}

const appVersion = async (): Promise<string> => {
  const chart = parse(await readFile(join(CHART, 'Chart.yaml'), 'utf8')) as {
    appVersion: string;
  };
  return chart.appVersion;
};

/** The ClusterRole the operator needs, rule for rule. */
const CLUSTER_RULES: Rule[] = [
  {
    apiGroups: [CRASHSTATS_GROUP],
    resources: [CRASHSTATS_PLURAL],
    verbs: ['get', 'list', 'watch', 'patch', 'update'],
  },
  {
    apiGroups: [CRASHSTATS_GROUP],
    resources: [`${CRASHSTATS_PLURAL}/status`],
    verbs: ['get', 'patch', 'update'],
  },
  {
    apiGroups: [CRASHSTATS_GROUP],
    resources: [`${CRASHSTATS_PLURAL}/finalizers`],
    verbs: ['update'],
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  {
    apiGroups: [''],
    resources: ['configmaps', 'services'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  {
    apiGroups: ['networking.k8s.io'],
    resources: ['ingresses'],
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
  },
  {
    apiGroups: ['policy'],
    resources: ['poddisruptionbudgets'],
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  {
    apiGroups: ['events.k8s.io'],
    resources: ['events'],
    verbs: ['create', 'patch'],
  },
];

const LEASE_RULES: Rule[] = [
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'create', 'update'],
  },
];

const EVALUATION_KINDS = new Set(['StatefulSet', 'Secret', 'CrashStats']);

describe('the Helm chart, rendered', { timeout: 120_000 }, () => {
  let defaults: KubeObject[];
  let full: KubeObject[];
  let version: string;

  before(async () => {
    version = await appVersion();
    defaults = await render();
    full = await render(['--values', FULL_VALUES]);
  });

  it('passes helm lint, with the default and with the full values', async () => {
    for (const extra of [[], ['--values', FULL_VALUES]]) {
      const { stdout } = await helm(['lint', '--strict', CHART, ...extra]);
      assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('renders the operator and its RBAC by default, and nothing for evaluation', () => {
    assert.deepEqual(kindsAndNames(defaults), [
      'ClusterRole/crashstats',
      'ClusterRoleBinding/crashstats',
      'Deployment/crashstats',
      'Role/crashstats-leader-election',
      'RoleBinding/crashstats-leader-election',
      'Service/crashstats-metrics',
      'ServiceAccount/crashstats',
    ]);
    assert.ok(!defaults.some((o) => EVALUATION_KINDS.has(o.kind)));
    assert.ok(!defaults.some((o) => o.kind === 'ServiceMonitor'));
    for (const object of defaults) {
      const labels = object.metadata.labels ?? {};
      const what = `${object.kind}/${object.metadata.name}`;
      assert.equal(labels['helm.sh/chart'], `crashstats-${version}`, what);
      assert.equal(labels['app.kubernetes.io/name'], 'crashstats', what);
      assert.equal(labels['app.kubernetes.io/instance'], RELEASE, what);
      assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', what);
      assert.equal(labels['app.kubernetes.io/version'], version, what);
      if (!object.kind.startsWith('Cluster')) {
        assert.equal(object.metadata.namespace, NAMESPACE, what);
      }
    }
  });

  it('runs the operator image with probes, downward-API env and a locked-down security context', () => {
    const deployment = find<Workload>(defaults, 'Deployment', 'crashstats');
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template;
    // The selector picks the operator's pods and nothing the operator creates.
    assert.deepEqual(deployment.spec.selector.matchLabels, {
      'app.kubernetes.io/name': 'crashstats',
      'app.kubernetes.io/instance': RELEASE,
      'app.kubernetes.io/component': 'operator',
    });
    for (const [key, value] of Object.entries(
      deployment.spec.selector.matchLabels,
    )) {
      assert.equal(pod.metadata.labels[key], value);
    }
    assert.equal(pod.spec.serviceAccountName, 'crashstats');
    assert.equal(pod.spec.automountServiceAccountToken, true);
    assert.deepEqual(pod.spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });

    const container = onlyContainer(deployment);
    assert.equal(container.image, `ghcr.io/crashstats/operator:${version}`);
    assert.equal(container.imagePullPolicy, 'IfNotPresent');
    assert.equal(container.command, undefined, 'the image’s entrypoint runs');
    assert.equal(container.args, undefined);
    assert.deepEqual(container.env, [
      {
        name: 'OPERATOR_LEASE_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: 'OPERATOR_IDENTITY',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'OPERATOR_PORT', value: '8081' },
    ]);
    assert.deepEqual(container.ports, [
      { name: 'http-metrics', containerPort: 8081, protocol: 'TCP' },
    ]);
    assert.deepEqual(container.livenessProbe?.httpGet, {
      path: '/healthz',
      port: 'http-metrics',
    });
    assert.deepEqual(container.readinessProbe?.httpGet, {
      path: '/readyz',
      port: 'http-metrics',
    });
    assert.deepEqual(container.securityContext, {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(container.volumeMounts, [
      { name: 'tmp', mountPath: '/tmp' },
    ]);

    const service = find<ServiceObject>(
      defaults,
      'Service',
      'crashstats-metrics',
    );
    assert.deepEqual(
      service.spec.selector,
      deployment.spec.selector.matchLabels,
    );
    assert.deepEqual(service.spec.ports, [
      {
        name: 'http-metrics',
        port: 8081,
        targetPort: 'http-metrics',
        protocol: 'TCP',
      },
    ]);
  });

  it('grants exactly the listed RBAC rules, and no wildcard anywhere', () => {
    for (const objects of [defaults, full]) {
      const clusterRole = objects.find((o) => o.kind === 'ClusterRole');
      const role = objects.find((o) => o.kind === 'Role');
      assert.deepEqual(clusterRole?.rules, CLUSTER_RULES);
      assert.deepEqual(role?.rules, LEASE_RULES);
      for (const rule of allRules(objects)) {
        for (const value of [
          ...(rule.apiGroups ?? []),
          ...(rule.resources ?? []),
          ...rule.verbs,
          ...(rule.resourceNames ?? []),
          ...(rule.nonResourceURLs ?? []),
        ]) {
          assert.ok(
            !value.includes('*'),
            `wildcard in ${JSON.stringify(rule)}`,
          );
        }
      }
    }
    const binding = find(defaults, 'ClusterRoleBinding', 'crashstats');
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'crashstats',
    });
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: 'crashstats', namespace: NAMESPACE },
    ]);
    const roleBinding = find(
      defaults,
      'RoleBinding',
      'crashstats-leader-election',
    );
    assert.deepEqual(roleBinding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'crashstats-leader-election',
    });
    assert.deepEqual(binding.subjects, roleBinding.subjects);
  });

  it('renders every option with the full values', () => {
    assert.deepEqual(kindsAndNames(full), [
      'ClusterRole/crashstats-operator',
      'ClusterRoleBinding/crashstats-operator',
      'CrashStats/demo',
      'Deployment/crashstats-operator',
      'Role/crashstats-operator-leader-election',
      'RoleBinding/crashstats-operator-leader-election',
      'Secret/crashstats-mongodb',
      'Service/crashstats-mongodb',
      'Service/crashstats-nats',
      'Service/crashstats-operator-metrics',
      'Service/crashstats-redis',
      'ServiceAccount/crashstats-operator',
      'ServiceMonitor/crashstats-operator',
      'StatefulSet/crashstats-mongodb',
      'StatefulSet/crashstats-nats',
      'StatefulSet/crashstats-redis',
    ]);
    const deployment = find<Workload>(
      full,
      'Deployment',
      'crashstats-operator',
    );
    assert.equal(deployment.spec.replicas, 3);
    const container = onlyContainer(deployment);
    assert.equal(container.image, 'registry.example/crashstats/operator:0.1.0');
    assert.equal(container.imagePullPolicy, 'Always');
    assert.deepEqual(
      container.env?.find((e) => e.name === 'LOG_LEVEL'),
      { name: 'LOG_LEVEL', value: 'debug' },
    );
    assert.equal(deployment.spec.template.spec.tolerations?.length, 1);

    const monitor = find(full, 'ServiceMonitor', 'crashstats-operator');
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(monitor.metadata.labels?.release, 'prometheus');
    const spec = monitor.spec as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path: string; interval: string }[];
    };
    assert.deepEqual(spec.endpoints, [
      {
        port: 'http-metrics',
        path: '/metrics',
        interval: '15s',
        scrapeTimeout: '5s',
      },
    ]);
    const metrics = find<ServiceObject>(
      full,
      'Service',
      'crashstats-operator-metrics',
    );
    assert.equal(metrics.spec.ports[0]?.port, 9090);
    for (const [key, value] of Object.entries(spec.selector.matchLabels)) {
      assert.equal(metrics.metadata.labels?.[key], value);
    }
  });

  it('runs single-node NATS with JetStream, Redis and MongoDB for evaluation', () => {
    const expected: [string, string, number, boolean][] = [
      ['nats', 'nats:2.12-alpine', 4222, true],
      ['redis', 'redis:7-alpine', 6379, false],
      ['mongodb', 'mongo:8.0', 27017, true],
    ];
    for (const [server, image, port, persistent] of expected) {
      const name = `${RELEASE}-${server}`;
      const set = find<Workload>(full, 'StatefulSet', name);
      assert.equal(set.spec.replicas, 1);
      assert.equal(set.spec.serviceName, name);
      const container = onlyContainer(set);
      assert.equal(container.image, image);
      assert.equal(
        container.ports?.some((p) => p.containerPort === port),
        true,
      );
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false);
      assert.equal(set.spec.template.spec.automountServiceAccountToken, false);
      const claims = set.spec.volumeClaimTemplates ?? [];
      const dataVolume = set.spec.template.spec.volumes?.find(
        (v) => v.name === 'data',
      );
      if (persistent) {
        assert.deepEqual(
          claims.map((c) => c.metadata.name),
          ['data'],
        );
        assert.equal(dataVolume, undefined, `${server}: no emptyDir for data`);
      } else {
        assert.equal(claims.length, 0);
        assert.deepEqual(dataVolume, { name: 'data', emptyDir: {} });
      }
      const service = find<ServiceObject>(full, 'Service', name);
      assert.deepEqual(service.spec.selector, set.spec.selector.matchLabels);
      assert.ok(service.spec.ports.some((p) => p.port === port));
    }
    const nats = onlyContainer(
      find<Workload>(full, 'StatefulSet', 'crashstats-nats'),
    );
    assert.ok(nats.args?.includes('-js'), 'JetStream is on');
    assert.equal(
      find<Workload>(full, 'StatefulSet', 'crashstats-mongodb').spec
        .volumeClaimTemplates?.[0]?.spec.resources.requests.storage,
      '10Gi',
    );
  });

  it('points the sample CrashStats at the evaluation servers and the generated Secret', () => {
    const secret = find(full, 'Secret', 'crashstats-mongodb');
    assert.deepEqual(secret.stringData, {
      url: 'mongodb://crashstats-mongodb:27017',
    });
    const sample = find(full, 'CrashStats', 'demo');
    assert.equal(
      sample.apiVersion,
      `${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}`,
    );
    assert.equal(sample.metadata.namespace, NAMESPACE);
    const spec = sample.spec as {
      version: string;
      nats: { url: string; stream: string };
      redis: { url: string };
      mongodb: { urlSecretRef: { name: string; key: string } };
      webapp: { ingress: { host: string } };
    };
    assert.deepEqual(spec.mongodb.urlSecretRef, {
      name: secret.metadata.name,
      key: 'url',
    });
    assert.deepEqual(spec.nats, {
      url: 'nats://crashstats-nats:4222',
      stream: 'CRASHES',
    });
    assert.equal(spec.redis.url, 'redis://crashstats-redis:6379');
    assert.equal(spec.version, version);
    assert.equal(spec.webapp.ingress.host, 'crashstats.example.com');
  });

  it('takes the sample’s servers from sample.spec, and says what is missing', async () => {
    const missing = await helmFails([
      'template',
      RELEASE,
      CHART,
      '--set',
      'sample.enabled=true',
    ]);
    assert.match(
      missing,
      /sample\.enabled needs a NATS server: set sample\.spec\.nats\.url, or evaluation\.nats\.enabled/,
    );
    const objects = await render([
      '--set',
      'sample.enabled=true',
      '--set',
      'sample.spec.nats.url=nats://nats.messaging:4222',
      '--set',
      'sample.spec.redis.url=redis://redis.cache:6379',
      '--set',
      'sample.spec.mongodb.urlSecretRef.name=mongodb',
      '--set',
      'sample.spec.mongodb.urlSecretRef.key=url',
    ]);
    assert.ok(!objects.some((o) => o.kind === 'StatefulSet'));
    const sample = find(objects, 'CrashStats', RELEASE);
    assert.deepEqual(sample.spec, {
      version,
      nats: { url: 'nats://nats.messaging:4222' },
      redis: { url: 'redis://redis.cache:6379' },
      mongodb: { urlSecretRef: { name: 'mongodb', key: 'url' } },
    });
  });

  it('refuses bad values through the values schema, naming the value', async () => {
    const cases: [string, RegExp][] = [
      ['replicas=-1', /at '\/replicas': minimum: got -1, want 0/],
      ['surprise=1', /at '': additional properties 'surprise' not allowed/],
      [
        'image.pullPolicy=Sometimes',
        /at '\/image\/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'/,
      ],
      ['logLevel=loud', /at '\/logLevel': value must be one of 'fatal'/],
      [
        'evaluation.nats.persistense.enabled=true',
        /at '\/evaluation\/nats': additional properties 'persistense' not allowed/,
      ],
      ['metrics.service.port=0', /at '\/metrics\/service\/port': minimum/],
      [
        'sample.name=Not_A_Name',
        /at '\/sample\/name': 'Not_A_Name' does not match pattern/,
      ],
    ];
    for (const [value, message] of cases) {
      const stderr = await helmFails([
        'template',
        RELEASE,
        CHART,
        '--set',
        value,
      ]);
      assert.match(
        stderr,
        /values don't meet the specifications of the schema/,
      );
      assert.match(stderr, message, value);
    }
  });
});

/** REST collection of each kind the chart renders. */
const PLURALS: Readonly<
  Record<string, { plural: string; namespaced: boolean }>
> = {
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  StatefulSet: { plural: 'statefulsets', namespaced: true },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  CrashStats: { plural: CRASHSTATS_PLURAL, namespaced: true },
};

function objectPath(object: KubeObject): string {
  const kind = PLURALS[object.kind];
  assert.ok(kind, `the test knows no REST path for ${object.kind}`);
  const base =
    object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  const namespace = kind.namespaced
    ? `/namespaces/${object.metadata.namespace ?? NAMESPACE}`
    : '';
  return `${base}${namespace}/${kind.plural}/${object.metadata.name}`;
}

describe('the Helm chart on a real apiserver', { timeout: 240_000 }, () => {
  let kube: KubeControlPlane;

  /** Applies one object server-side; dryRun leaves nothing behind. */
  async function apply(object: KubeObject, dryRun: boolean) {
    const query = `fieldManager=${FIELD_MANAGER}${dryRun ? '&dryRun=All' : ''}`;
    return kube.request(`${objectPath(object)}?${query}`, {
      method: 'PATCH',
      contentType: 'application/apply-patch+yaml',
      body: object,
    });
  }

  before(async () => {
    kube = await startKube();
    // The CRD as helm installs it from crds/, so the sample validates.
    const crd = parse(
      await readFile(join(ROOT, CRD_MANIFEST_PATH), 'utf8'),
    ) as KubeObject;
    const created = await kube.request(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      { method: 'POST', body: crd },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const collection = `/apis/${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}/${CRASHSTATS_PLURAL}`;
    for (let i = 0; (await kube.request(collection)).status !== 200; i++) {
      assert.ok(i < 200, 'the CrashStats endpoint did not appear');
      await sleep(100);
    }
    const namespace = await kube.request('/api/v1/namespaces', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NAMESPACE },
      },
    });
    assert.equal(namespace.status, 201, JSON.stringify(namespace.body));
  });
  after(async () => {
    await kube?.[Symbol.asyncDispose]();
  });

  it('accepts every object of both renders in a server-side apply dry run', async () => {
    for (const [extra, monitors] of [
      [[], 0],
      [['--values', FULL_VALUES], 1],
    ] as const) {
      const objects = await render([...extra]);
      let skipped = 0;
      for (const object of objects) {
        // The ServiceMonitor kind comes from the Prometheus Operator's CRDs,
        // which this apiserver does not have; a stand-in CRD would only test
        // the stand-in, so the kind is left to the render assertions.
        if (object.kind === 'ServiceMonitor') {
          skipped++;
          continue;
        }
        const res = await apply(object, true);
        assert.ok(
          res.status === 200 || res.status === 201,
          `${object.kind}/${object.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
      assert.equal(skipped, monitors);
    }
    // A dry run stores nothing.
    const stored = await kube.request(
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/crashstats`,
    );
    assert.equal(stored.status, 404);
  });

  it('has the sample checked against the CRD in the dry run', async () => {
    const objects = await render([
      '--values',
      FULL_VALUES,
      '--set',
      'sample.spec.processor.minReplicas=5',
    ]);
    const res = await apply(find(objects, 'CrashStats', 'demo'), true);
    assert.equal(res.status, 422);
    assert.match(
      (res.body as { message: string }).message,
      /processor\.minReplicas must not be greater than processor\.maxReplicas/,
    );
  });

  it('accepts the CrashStats resource the README shows', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const example = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => parse(m[1]!.replace(/^ {3}/gm, '')) as KubeObject)
      .find((doc) => doc.kind === 'CrashStats');
    assert.ok(example, 'README.md shows a CrashStats resource');
    const res = await apply(
      { ...example, metadata: { ...example.metadata, namespace: NAMESPACE } },
      true,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });

  it('lets the operator’s ServiceAccount do its work and nothing more', async () => {
    const rbacKinds = new Set([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);
    for (const object of (await render()).filter((o) =>
      rbacKinds.has(o.kind),
    )) {
      const res = await apply(object, false);
      assert.ok(
        res.status === 200 || res.status === 201,
        JSON.stringify(res.body),
      );
    }
    const user = `system:serviceaccount:${NAMESPACE}:crashstats`;
    const can = async (
      verb: string,
      group: string,
      resource: string,
      namespace?: string,
    ): Promise<boolean> => {
      const [plain, subresource] = resource.split('/');
      const res = await kube.request(
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        {
          method: 'POST',
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${NAMESPACE}`,
              ],
              resourceAttributes: {
                verb,
                group,
                resource: plain,
                subresource,
                namespace,
              },
            },
          },
        },
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return (res.body as { status: { allowed: boolean } }).status.allowed;
    };
    // The authorizer reads roles from a cache that follows the writes.
    for (
      let i = 0;
      !(await can('watch', CRASHSTATS_GROUP, CRASHSTATS_PLURAL));
      i++
    ) {
      assert.ok(i < 100, 'the ClusterRoleBinding never took effect');
      await sleep(100);
    }
    const allowed: [string, string, string, string?][] = [
      ['list', CRASHSTATS_GROUP, CRASHSTATS_PLURAL, 'team-a'],
      ['patch', CRASHSTATS_GROUP, `${CRASHSTATS_PLURAL}/status`, 'team-a'],
      ['update', CRASHSTATS_GROUP, `${CRASHSTATS_PLURAL}/finalizers`, 'team-a'],
      ['create', 'apps', 'deployments', 'team-a'],
      ['patch', '', 'configmaps', 'team-a'],
      ['get', '', 'secrets', 'team-a'],
      ['delete', 'networking.k8s.io', 'ingresses', 'team-a'],
      ['create', 'policy', 'poddisruptionbudgets', 'team-a'],
      ['create', 'events.k8s.io', 'events', 'team-a'],
      ['update', 'coordination.k8s.io', 'leases', NAMESPACE],
    ];
    for (const [verb, group, resource, namespace] of allowed) {
      assert.equal(
        await can(verb, group, resource, namespace),
        true,
        `${verb} ${group}/${resource} in ${namespace}`,
      );
    }
    const denied: [string, string, string, string?][] = [
      ['list', '', 'secrets', 'team-a'],
      ['watch', '', 'secrets', 'team-a'],
      ['delete', 'apps', 'deployments', 'team-a'],
      ['delete', CRASHSTATS_GROUP, CRASHSTATS_PLURAL, 'team-a'],
      ['create', '', 'pods', 'team-a'],
      ['update', 'coordination.k8s.io', 'leases', 'team-a'],
      ['delete', 'coordination.k8s.io', 'leases', NAMESPACE],
      ['create', 'rbac.authorization.k8s.io', 'clusterroles'],
    ];
    for (const [verb, group, resource, namespace] of denied) {
      assert.equal(
        await can(verb, group, resource, namespace),
        false,
        `${verb} ${group}/${resource} in ${namespace ?? 'the cluster'}`,
      );
    }
  });
});
