/**
 * The `CrashStats` custom resource definition, `crashstats.dev/v1alpha1`:
 * the one source of the resource's schema. The chart's CRD manifest is
 * generated from it (`npm run docs:crd`) and a test checks that the two
 * agree; the operator's types below describe the same shape.
 */

/** API group, version and names of the resource. */
export const CRASHSTATS_GROUP = 'crashstats.dev';
export const CRASHSTATS_VERSION = 'v1alpha1';
export const CRASHSTATS_KIND = 'CrashStats';
export const CRASHSTATS_PLURAL = 'crashstatses';
export const CRASHSTATS_API_VERSION = `${CRASHSTATS_GROUP}/${CRASHSTATS_VERSION}`;

type Schema = Record<string, unknown>;

const str = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});
const int = (description: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  format: 'int32',
  description,
  ...extra,
});
const obj = (
  description: string,
  properties: Record<string, Schema>,
  extra: Schema = {},
): Schema => ({ type: 'object', description, properties, ...extra });

/** CPU and memory requests and limits of a container. */
const resources = obj(
  'Requests and limits of the component’s container, as in a Pod spec.',
  {
    requests: {
      type: 'object',
      description: 'Minimum resources, e.g. {cpu: 250m, memory: 256Mi}.',
      additionalProperties: {
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
      },
      maxProperties: 8,
    },
    limits: {
      type: 'object',
      description: 'Maximum resources, e.g. {memory: 1Gi}.',
      additionalProperties: {
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
      },
      maxProperties: 8,
    },
  },
);

const replicas = (fallback: number) =>
  int('Number of pods.', { minimum: 0, maximum: 100, default: fallback });

const secretKeyRef = obj(
  'A key of a Secret in the resource’s namespace; the operator references it, never copies it.',
  {
    name: str('Secret name.', { minLength: 1, maxLength: 253 }),
    key: str('Key within the Secret.', { minLength: 1, maxLength: 253 }),
  },
  { required: ['name', 'key'] },
);

const cronSchedule = str(
  'Cron schedule, five fields (minute hour day month weekday).',
  {
    maxLength: 100,
    pattern: '^(\\S+\\s+){4}\\S+$',
  },
);

/** The spec's schema. */
const specSchema = obj(
  'The desired CrashStats platform.',
  {
    version: str('Image tag of every component, e.g. 0.1.0.', {
      minLength: 1,
      maxLength: 128,
      default: 'latest',
    }),
    imageRepository: str(
      'Image repository prefix; component images are <repository>/<component>:<version>.',
      {
        maxLength: 255,
        default: 'ghcr.io/crashstats',
      },
    ),
    nats: obj(
      'The NATS server with JetStream.',
      {
        url: str('NATS server URL(s), comma-separated.', {
          minLength: 1,
          maxLength: 1024,
        }),
        stream: str('JetStream stream of crash ids.', {
          maxLength: 64,
          default: 'CRASHES',
        }),
        subjectPrefix: str('Prefix of the crash subjects.', {
          maxLength: 64,
          default: 'crashes',
        }),
      },
      { required: ['url'] },
    ),
    mongodb: obj(
      'The MongoDB server; its connection string comes from a Secret.',
      {
        urlSecretRef: secretKeyRef,
        database: str('Database of every CrashStats collection.', {
          maxLength: 64,
          default: 'crashstats',
        }),
      },
      { required: ['urlSecretRef'] },
    ),
    redis: obj(
      'The Redis server (rate limits, background jobs).',
      { url: str('Redis URL.', { minLength: 1, maxLength: 1024 }) },
      { required: ['url'] },
    ),
    products: {
      type: 'array',
      description: 'Products this deployment collects crashes of.',
      maxItems: 100,
      items: str('Product name as crash reporters send it (ProductName).', {
        minLength: 1,
        maxLength: 100,
      }),
    },
    collector: obj(
      'The crash collector (POST /submit).',
      {
        replicas: replicas(2),
        resources,
        maxBodyBytes: int('Largest accepted crash report, in bytes.', {
          minimum: 1024,
          default: 26214400,
        }),
        throttleRules: str(
          'Throttle rules as JSON (see docs/throttling.md); empty accepts every crash.',
          {
            maxLength: 65536,
          },
        ),
      },
      { default: {} },
    ),
    processor: obj(
      'The crash processors, scaled by queue depth between the bounds.',
      {
        minReplicas: int('Fewest processors.', {
          minimum: 0,
          maximum: 1000,
          default: 1,
        }),
        maxReplicas: int('Most processors.', {
          minimum: 1,
          maximum: 1000,
          default: 10,
        }),
        lagPerReplica: int(
          'Queued crashes one processor is expected to handle; replicas = ceil(lag / this).',
          {
            minimum: 1,
            default: 100,
          },
        ),
        scaleDownStabilizationSeconds: int(
          'How long the lag must stay low before processors are removed.',
          {
            minimum: 0,
            maximum: 3600,
            default: 300,
          },
        ),
        resources,
        symbolUrls: {
          type: 'array',
          description:
            'HTTP symbol servers in symbol-server layout, tried after the platform’s own store.',
          maxItems: 20,
          items: str('Symbol server URL.', {
            maxLength: 1024,
            pattern: '^https?://',
          }),
        },
      },
      {
        default: {},
        'x-kubernetes-validations': [
          {
            // The guard lets the apiserver check the rule against the `{}`
            // default before the field defaults are filled in.
            rule: '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
            message:
              'processor.minReplicas must not be greater than processor.maxReplicas',
            reason: 'FieldValueInvalid',
          },
        ],
      },
    ),
    crontasks: obj(
      'Scheduled background jobs. No crontasks image is published yet, so this defaults to 0 pods.',
      {
        replicas: replicas(0),
        resources,
        schedules: {
          type: 'object',
          description: 'Cron schedule per job name, overriding the defaults.',
          additionalProperties: cronSchedule,
          maxProperties: 50,
        },
      },
      { default: {} },
    ),
    webapp: obj(
      'The web app and API.',
      {
        replicas: replicas(2),
        resources,
        ingress: obj(
          'An Ingress for the web app.',
          {
            enabled: {
              type: 'boolean',
              description: 'Create an Ingress.',
              default: false,
            },
            host: str('Host name the Ingress serves.', { maxLength: 253 }),
            className: str('IngressClass to use.', { maxLength: 253 }),
            tlsSecretName: str('Secret with the TLS certificate for host.', {
              maxLength: 253,
            }),
          },
          {
            'x-kubernetes-validations': [
              {
                rule: '!self.enabled || has(self.host)',
                message:
                  'webapp.ingress.host is required when the ingress is enabled',
                reason: 'FieldValueRequired',
              },
            ],
          },
        ),
      },
      { default: {} },
    ),
  },
  { required: ['nats', 'mongodb', 'redis'] },
);

const condition = obj(
  'A condition of the resource, in Kubernetes’ usual shape.',
  {
    type: str('Ready, Progressing or Degraded.'),
    status: str('True, False or Unknown.', {
      enum: ['True', 'False', 'Unknown'],
    }),
    reason: str('A CamelCase reason.'),
    message: str('What is wrong or going on, in plain words.'),
    observedGeneration: {
      type: 'integer',
      format: 'int64',
      description: 'Generation the condition is about.',
    },
    lastTransitionTime: str('When the status last changed.', {
      format: 'date-time',
    }),
  },
  { required: ['type', 'status'] },
);

const componentStatus = obj('Pods of one component.', {
  replicas: int('Pods wanted.'),
  readyReplicas: int('Pods ready.'),
});

/** The status's schema (written by the operator only). */
const statusSchema = obj('What the operator observed.', {
  observedGeneration: {
    type: 'integer',
    format: 'int64',
    description: 'The spec generation last reconciled.',
  },
  conditions: {
    type: 'array',
    description: 'Ready, Progressing and Degraded.',
    items: condition,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  },
  components: obj('Ready counts per component.', {
    collector: componentStatus,
    processor: componentStatus,
    crontasks: componentStatus,
    webapp: componentStatus,
  }),
  queue: obj('The processing queue.', {
    lag: int('Crash ids pending or unacknowledged.'),
  }),
  processor: obj('Processor scaling.', {
    replicas: int('Processor replicas the operator set.'),
  }),
  mongodb: obj('The MongoDB Secret the pods were given.', {
    secretVersion: str(
      'resourceVersion of the Secret last put on the pod templates; a new one rolls the pods.',
    ),
  }),
});

/** The CustomResourceDefinition object, ready to apply. */
export function crashStatsCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${CRASHSTATS_PLURAL}.${CRASHSTATS_GROUP}` },
    spec: {
      group: CRASHSTATS_GROUP,
      scope: 'Namespaced',
      names: {
        kind: CRASHSTATS_KIND,
        listKind: `${CRASHSTATS_KIND}List`,
        plural: CRASHSTATS_PLURAL,
        singular: 'crashstats',
        shortNames: ['cs'],
      },
      versions: [
        {
          name: CRASHSTATS_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Ready',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].status',
            },
            {
              name: 'Processors',
              type: 'integer',
              jsonPath: '.status.processor.replicas',
            },
            { name: 'Queue', type: 'integer', jsonPath: '.status.queue.lag' },
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: obj(
              'A CrashStats platform: collector, processors, scheduled jobs and web app.',
              {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: specSchema,
                status: statusSchema,
              },
              { required: ['spec'] },
            ),
          },
        },
      ],
    },
  };
}
