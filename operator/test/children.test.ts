import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONFIG_HASH_ANNOTATION,
  configMap,
  deployment,
  desiredChildren,
  ingress,
  MONGODB_SECRET_VERSION_ANNOTATION,
} from '../src/index.js';
import { at, sampleResource } from './support.js';

describe('children of a CrashStats resource', () => {
  const cs = sampleResource();

  it('are owned by the resource, labelled, in apply order', () => {
    const children = desiredChildren(cs, 4);
    assert.deepEqual(
      children.map((c) => `${c.kind}/${c.metadata.name}`),
      [
        'ConfigMap/prod-config',
        'Deployment/prod-collector',
        'Deployment/prod-processor',
        'Deployment/prod-crontasks',
        'Deployment/prod-webapp',
        'Service/prod-collector',
        'Service/prod-webapp',
        'Ingress/prod-webapp',
        'PodDisruptionBudget/prod-collector',
        'PodDisruptionBudget/prod-processor',
        'PodDisruptionBudget/prod-crontasks',
        'PodDisruptionBudget/prod-webapp',
      ],
    );
    for (const child of children) {
      assert.equal(child.metadata.namespace, 'crash');
      assert.deepEqual(at(child, 'metadata.ownerReferences'), [
        {
          apiVersion: 'crashstats.dev/v1alpha1',
          kind: 'CrashStats',
          name: 'prod',
          uid: cs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      assert.equal(child.metadata.labels['app.kubernetes.io/instance'], 'prod');
    }
  });

  it('reference the MongoDB secret and never copy it', () => {
    const env = at(
      deployment(cs, 'webapp', 1),
      'spec.template.spec.containers.0.env',
    ) as { name: string }[];
    assert.deepEqual(
      at(
        env.find((e) => e.name === 'MONGODB_URL'),
        'valueFrom',
      ),
      {
        secretKeyRef: { name: 'mongodb', key: 'url' },
      },
    );
    const all = JSON.stringify(desiredChildren(cs, 1));
    assert.equal(all.includes('mongodb://'), false);
    assert.equal(all.includes('"kind":"Secret"'), false);
  });

  it('give every container probes, resources and a locked-down security context', () => {
    for (const component of [
      'collector',
      'processor',
      'crontasks',
      'webapp',
    ] as const) {
      const d = deployment(cs, component, 1);
      const c = (path: string) =>
        at(d, `spec.template.spec.containers.0.${path}`);
      assert.equal(
        c('image'),
        `registry.example/crashstats/${component}:0.1.0`,
      );
      assert.equal(c('livenessProbe.httpGet.path'), '/__lbheartbeat__');
      assert.equal(c('readinessProbe.httpGet.path'), '/__heartbeat__');
      assert.equal(c('securityContext.runAsNonRoot'), true);
      assert.equal(c('securityContext.readOnlyRootFilesystem'), true);
      assert.deepEqual(c('securityContext.capabilities'), { drop: ['ALL'] });
      assert.equal(
        at(d, 'spec.template.spec.topologySpreadConstraints.0.topologyKey'),
        'kubernetes.io/hostname',
      );
      assert.deepEqual(
        at(
          d,
          'spec.template.spec.topologySpreadConstraints.0.labelSelector.matchLabels',
        ),
        at(d, 'spec.selector.matchLabels'),
      );
    }
    assert.deepEqual(
      at(
        deployment(cs, 'collector', 1),
        'spec.template.spec.containers.0.resources',
      ),
      {
        requests: { cpu: '250m', memory: '256Mi' },
      },
    );
  });

  it('set the processor’s replicas from the autoscaler, the others from the spec', () => {
    assert.equal(at(deployment(cs, 'processor', 7), 'spec.replicas'), 7);
    assert.equal(at(deployment(cs, 'collector', 7), 'spec.replicas'), 2);
    assert.equal(at(deployment(cs, 'webapp', 7), 'spec.replicas'), 2);
  });

  it('carry the platform configuration in the ConfigMap', () => {
    const map = configMap(
      sampleResource({
        collector: { replicas: 1, maxBodyBytes: 1000, throttleRules: '[]' },
      }),
    );
    const data = (key: string) => at(map, `data.${key}`);
    assert.equal(data('NATS_URL'), 'nats://nats:4222');
    assert.equal(data('REDIS_URL'), 'redis://redis:6379');
    assert.equal(data('MONGODB_DATABASE'), 'crashstats');
    assert.equal(data('COLLECTOR_MAX_BODY_BYTES'), '1000');
    assert.equal(data('COLLECTOR_THROTTLE_RULES'), '[]');
    assert.equal(data('PROCESSOR_SYMBOLS_URLS'), 'https://symbols.example/');
    assert.equal(data('WEBAPP_TRUST_PROXY'), 'true');
  });

  it('roll the pods when the configuration changes, and only then', () => {
    const annotations = (
      resource: typeof cs,
      component: 'collector' | 'processor',
    ) =>
      at(
        deployment(resource, component, 1),
        'spec.template.metadata.annotations',
      ) as Record<string, string>;
    const before = annotations(cs, 'collector')[CONFIG_HASH_ANNOTATION];
    assert.match(before ?? '', /^[0-9a-f]{16}$/);
    assert.equal(
      annotations(sampleResource(), 'collector')[CONFIG_HASH_ANNOTATION],
      before,
      'stable',
    );
    assert.equal(
      annotations(cs, 'processor')[CONFIG_HASH_ANNOTATION],
      before,
      'one configuration for all',
    );
    const changed = sampleResource({
      processor: {
        ...cs.spec.processor,
        symbolUrls: ['https://other.example/'],
      },
    });
    assert.notEqual(
      annotations(changed, 'collector')[CONFIG_HASH_ANNOTATION],
      before,
    );
    // Replicas are not configuration: scaling does not roll the pods.
    const scaled = sampleResource({
      webapp: { ...cs.spec.webapp, replicas: 9 },
    });
    assert.equal(
      annotations(scaled, 'collector')[CONFIG_HASH_ANNOTATION],
      before,
    );
  });

  it('roll the pods when the MongoDB Secret changes, naming only its version', () => {
    const annotations = (version?: string) =>
      at(
        deployment(cs, 'processor', 1, version),
        'spec.template.metadata.annotations',
      ) as Record<string, string>;
    assert.equal(annotations()[MONGODB_SECRET_VERSION_ANNOTATION], undefined);
    assert.equal(annotations('41')[MONGODB_SECRET_VERSION_ANNOTATION], '41');
    assert.equal(
      annotations('41')[CONFIG_HASH_ANNOTATION],
      annotations('42')[CONFIG_HASH_ANNOTATION],
      'the configuration digest does not depend on the Secret',
    );
    const children = desiredChildren(cs, 1, { collector: '7', webapp: '9' });
    const versionOf = (name: string) =>
      (
        at(
          children.find((c) => c.metadata.name === name),
          'spec.template.metadata.annotations',
        ) as Record<string, string>
      )[MONGODB_SECRET_VERSION_ANNOTATION];
    assert.deepEqual(
      ['prod-collector', 'prod-processor', 'prod-webapp'].map(versionOf),
      ['7', undefined, '9'],
    );
  });

  it('make an Ingress only when asked', () => {
    const ing = ingress(cs);
    assert.equal(at(ing, 'spec.ingressClassName'), 'nginx');
    assert.deepEqual(at(ing, 'spec.tls'), [
      { hosts: ['crash.example'], secretName: 'tls' },
    ]);
    assert.equal(
      at(ing, 'spec.rules.0.http.paths.0.backend.service.name'),
      'prod-webapp',
    );
    const plain = sampleResource({ webapp: { replicas: 1 } });
    assert.equal(ingress(plain), undefined);
    assert.equal(
      desiredChildren(plain, 1).some((c) => c.kind === 'Ingress'),
      false,
    );
  });
});
