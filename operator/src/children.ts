/**
 * The children a CrashStats resource owns, built by pure functions from
 * the resource (and the processor replica count the autoscaler chose):
 * a ConfigMap with the platform configuration, a Deployment per
 * component with Dockerflow probes, resources, a non-root read-only
 * security context and topology spread, Services for the HTTP
 * components, an optional Ingress, and PodDisruptionBudgets. Secrets are
 * referenced, never copied. The reconciler applies these with
 * server-side apply; nothing here talks to the apiserver.
 */
import { createHash } from 'node:crypto';
import type { Component, CrashStatsResource } from './resource.js';
import { CRASHSTATS_API_VERSION, CRASHSTATS_KIND } from './crd.js';

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
  } & Record<string, unknown>;
};

/** Port of each component's HTTP server (Dockerflow endpoints and /metrics). */
export const COMPONENT_PORTS: Readonly<Record<Component, number>> = {
  collector: 8000,
  processor: 8001,
  crontasks: 8002,
  webapp: 8080,
};

/** Components that serve traffic and so get a Service. */
const SERVED: readonly Component[] = ['collector', 'webapp'];

/** Name of a child: `<resource>-<component>`. */
export function childName(
  cs: CrashStatsResource,
  component: Component | 'config',
): string {
  return `${cs.metadata.name}-${component}`;
}

function labels(
  cs: CrashStatsResource,
  component?: Component,
): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'crashstats',
    'app.kubernetes.io/instance': cs.metadata.name,
    'app.kubernetes.io/managed-by': 'crashstats-operator',
    'app.kubernetes.io/version': cs.spec.version.slice(0, 63),
    ...(component === undefined
      ? {}
      : { 'app.kubernetes.io/component': component }),
  };
}

/** Labels that select one component's pods; they never change. */
export function selectorLabels(
  cs: CrashStatsResource,
  component: Component,
): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'crashstats',
    'app.kubernetes.io/instance': cs.metadata.name,
    'app.kubernetes.io/component': component,
  };
}

function meta(cs: CrashStatsResource, name: string, component?: Component) {
  return {
    name,
    namespace: cs.metadata.namespace,
    labels: labels(cs, component),
    ownerReferences: [
      {
        apiVersion: CRASHSTATS_API_VERSION,
        kind: CRASHSTATS_KIND,
        name: cs.metadata.name,
        uid: cs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** The platform configuration every component reads from its environment. */
export function configMap(cs: CrashStatsResource): Manifest {
  const { spec } = cs;
  const data: Record<string, string> = {
    LOG_LEVEL: 'info',
    MONGODB_DATABASE: spec.mongodb.database,
    NATS_URL: spec.nats.url,
    NATS_STREAM: spec.nats.stream,
    NATS_SUBJECT_PREFIX: spec.nats.subjectPrefix,
    REDIS_URL: spec.redis.url,
    COLLECTOR_MAX_BODY_BYTES: String(spec.collector.maxBodyBytes),
    PROCESSOR_SYMBOLS_URLS: (spec.processor.symbolUrls ?? []).join(','),
    WEBAPP_TRUST_PROXY:
      spec.webapp.ingress?.enabled === true ? 'true' : 'false',
  };
  if (
    spec.collector.throttleRules !== undefined &&
    spec.collector.throttleRules !== ''
  ) {
    data.COLLECTOR_THROTTLE_RULES = spec.collector.throttleRules;
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(cs, childName(cs, 'config')),
    data,
  };
}

/**
 * Pod-template annotation holding a digest of the platform configuration:
 * pods read the ConfigMap only when they start, so a changed configuration
 * changes the template and the Deployments roll their pods.
 */
export const CONFIG_HASH_ANNOTATION = 'crashstats.dev/config-hash';

/**
 * Pod-template annotation holding the resourceVersion of the MongoDB
 * Secret: pods read the URL from it only when they start, so a rotated
 * Secret changes the template and the Deployments roll their pods. Only
 * the version is written, never anything derived from the Secret's data.
 */
export const MONGODB_SECRET_VERSION_ANNOTATION =
  'crashstats.dev/mongodb-secret-version';

/**
 * The MongoDB Secret's version to stamp on each component's pod template;
 * a component without one gets no annotation.
 */
export type SecretVersions = Partial<Record<Component, string>>;

function configHash(cs: CrashStatsResource): string {
  const data = configMap(cs).data as Record<string, string>;
  const sorted = Object.keys(data)
    .sort()
    .map((key) => [key, data[key]]);
  return createHash('sha256')
    .update(JSON.stringify(sorted))
    .digest('hex')
    .slice(0, 16);
}

function container(
  cs: CrashStatsResource,
  component: Component,
): Record<string, unknown> {
  const port = COMPONENT_PORTS[component];
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: period,
    timeoutSeconds: 5,
    failureThreshold: 3,
  });
  return {
    name: component,
    image: `${cs.spec.imageRepository}/${component}:${cs.spec.version}`,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    envFrom: [{ configMapRef: { name: childName(cs, 'config') } }],
    env: [
      {
        name: 'MONGODB_URL',
        valueFrom: {
          secretKeyRef: {
            name: cs.spec.mongodb.urlSecretRef.name,
            key: cs.spec.mongodb.urlSecretRef.key,
          },
        },
      },
      { name: `${component.toUpperCase()}_PORT`, value: String(port) },
    ],
    resources: cs.spec[component].resources ?? {},
    livenessProbe: probe('/__lbheartbeat__', 10),
    readinessProbe: probe('/__heartbeat__', 10),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/**
 * One component's Deployment. The processor's replica count is the one
 * the autoscaler chose (`processorReplicas`); the operator is the only
 * writer of it. `secretVersion` is the MongoDB Secret's version for the
 * pod template (see MONGODB_SECRET_VERSION_ANNOTATION).
 */
export function deployment(
  cs: CrashStatsResource,
  component: Component,
  processorReplicas: number,
  secretVersion?: string,
): Manifest {
  const replicas =
    component === 'processor' ? processorReplicas : cs.spec[component].replicas;
  const selector = selectorLabels(cs, component);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(cs, childName(cs, component), component),
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...labels(cs, component), ...selector },
          annotations: {
            [CONFIG_HASH_ANNOTATION]: configHash(cs),
            ...(secretVersion === undefined
              ? {}
              : { [MONGODB_SECRET_VERSION_ANNOTATION]: secretVersion }),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, fsGroup: 10001 },
          // The crash service drains in-flight work within its shutdown timeout (25 s).
          terminationGracePeriodSeconds: 30,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
          containers: [container(cs, component)],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** The Service of a component that serves traffic. */
export function service(
  cs: CrashStatsResource,
  component: Component,
): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(cs, childName(cs, component), component),
    spec: {
      selector: selectorLabels(cs, component),
      ports: [
        {
          name: 'http',
          port: COMPONENT_PORTS[component],
          targetPort: 'http',
          protocol: 'TCP',
        },
      ],
    },
  };
}

/** The web app's Ingress, when the resource asks for one. */
export function ingress(cs: CrashStatsResource): Manifest | undefined {
  const spec = cs.spec.webapp.ingress;
  if (spec?.enabled !== true || spec.host === undefined) {
    return undefined;
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(cs, childName(cs, 'webapp'), 'webapp'),
    spec: {
      ...(spec.className === undefined
        ? {}
        : { ingressClassName: spec.className }),
      ...(spec.tlsSecretName === undefined
        ? {}
        : { tls: [{ hosts: [spec.host], secretName: spec.tlsSecretName }] }),
      rules: [
        {
          host: spec.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: {
                    name: childName(cs, 'webapp'),
                    port: { name: 'http' },
                  },
                },
              },
            ],
          },
        },
      ],
    },
  };
}

/** At most one pod of a component away at a time, for components with more than one. */
export function disruptionBudget(
  cs: CrashStatsResource,
  component: Component,
): Manifest {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(cs, childName(cs, component), component),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(cs, component) },
    },
  };
}

/** Every child of the resource, in the order they are applied. */
export function desiredChildren(
  cs: CrashStatsResource,
  processorReplicas: number,
  secretVersions: SecretVersions = {},
): Manifest[] {
  const components: Component[] = [
    'collector',
    'processor',
    'crontasks',
    'webapp',
  ];
  const out: Manifest[] = [configMap(cs)];
  for (const component of components) {
    out.push(
      deployment(cs, component, processorReplicas, secretVersions[component]),
    );
  }
  for (const component of SERVED) {
    out.push(service(cs, component));
  }
  const ing = ingress(cs);
  if (ing !== undefined) {
    out.push(ing);
  }
  for (const component of components) {
    out.push(disruptionBudget(cs, component));
  }
  return out;
}
