/**
 * A CrashStats resource as the apiserver returns it, defaults filled in.
 */
import type { CrashStatsResource } from '../src/index.js';

export function sampleResource(
  overrides: Partial<CrashStatsResource['spec']> = {},
): CrashStatsResource {
  return {
    apiVersion: 'crashstats.dev/v1alpha1',
    kind: 'CrashStats',
    metadata: {
      name: 'prod',
      namespace: 'crash',
      uid: '0b6e2b8e-4c1f-4d9e-9f57-1b2c3d4e5f60',
      generation: 3,
    },
    spec: {
      version: '0.1.0',
      imageRepository: 'registry.example/crashstats',
      nats: {
        url: 'nats://nats:4222',
        stream: 'CRASHES',
        subjectPrefix: 'crashes',
      },
      mongodb: {
        urlSecretRef: { name: 'mongodb', key: 'url' },
        database: 'crashstats',
      },
      redis: { url: 'redis://redis:6379' },
      collector: {
        replicas: 2,
        maxBodyBytes: 26214400,
        resources: { requests: { cpu: '250m', memory: '256Mi' } },
      },
      processor: {
        minReplicas: 1,
        maxReplicas: 10,
        lagPerReplica: 100,
        scaleDownStabilizationSeconds: 300,
        symbolUrls: ['https://symbols.example/'],
      },
      crontasks: { replicas: 1 },
      webapp: {
        replicas: 2,
        ingress: {
          enabled: true,
          host: 'crash.example',
          className: 'nginx',
          tlsSecretName: 'tls',
        },
      },
      ...overrides,
    },
  };
}

/** The value at a dotted path of a manifest (`spec.template.spec.containers.0.image`). */
export function at(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.')) {
    node =
      node === null || typeof node !== 'object'
        ? undefined
        : (node as Record<string, unknown>)[key];
  }
  return node;
}
