/**
 * The `CrashStats` resource as the operator reads it: the spec's shape
 * (see crd.ts, the schema it must agree with) after the apiserver filled
 * in the defaults.
 */

/** Requests and limits of a container. */
export interface ResourceRequirements {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

export interface CrashStatsSpec {
  version: string;
  imageRepository: string;
  nats: { url: string; stream: string; subjectPrefix: string };
  mongodb: { urlSecretRef: { name: string; key: string }; database: string };
  redis: { url: string };
  products?: string[];
  collector: {
    replicas: number;
    resources?: ResourceRequirements;
    maxBodyBytes: number;
    throttleRules?: string;
  };
  processor: {
    minReplicas: number;
    maxReplicas: number;
    lagPerReplica: number;
    scaleDownStabilizationSeconds: number;
    resources?: ResourceRequirements;
    symbolUrls?: string[];
  };
  crontasks: {
    replicas: number;
    resources?: ResourceRequirements;
    schedules?: Record<string, string>;
  };
  webapp: {
    replicas: number;
    resources?: ResourceRequirements;
    ingress?: {
      enabled: boolean;
      host?: string;
      className?: string;
      tlsSecretName?: string;
    };
  };
}

/** The metadata the operator uses. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation?: number;
}

/** A CrashStats resource. */
export interface CrashStatsResource {
  apiVersion: string;
  kind: 'CrashStats';
  metadata: ObjectMeta;
  spec: CrashStatsSpec;
}

/** The platform's components, each a Deployment. */
export const COMPONENTS = [
  'collector',
  'processor',
  'crontasks',
  'webapp',
] as const;
export type Component = (typeof COMPONENTS)[number];
