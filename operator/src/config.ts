/**
 * The operator's configuration: every key, its default and its meaning.
 * `loadOperatorConfig` is called once, by main.ts. Which cluster it talks
 * to is not here: the client reads `KUBECONFIG` (or `~/.kube/config`)
 * outside a cluster and the pod's service account inside one.
 */
import { z } from 'zod';
import { loadConfig, sharedSettings } from '@crashstats/common';

export const operatorConfigSchema = z.object({
  ...sharedSettings,
  OPERATOR_HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Address of the health and metrics endpoints.'),
  OPERATOR_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8081)
    .describe('Port of /healthz, /readyz and /metrics.'),
  OPERATOR_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(32)
    .default(2)
    .describe('CrashStats resources reconciled at the same time.'),
  OPERATOR_RESYNC_SECONDS: z.coerce
    .number()
    .int()
    .min(5)
    .default(60)
    .describe(
      'How often every resource is reconciled even when nothing changed.',
    ),
  OPERATOR_SCALE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(250)
    .default(2000)
    .describe(
      'How often the processing queue lag is read and the processor count decided.',
    ),
  OPERATOR_LEADER_ELECTION: z
    .stringbool()
    .default(true)
    .describe(
      'Take a Lease before reconciling, so that of several replicas one works (off: this replica works alone).',
    ),
  OPERATOR_LEASE_NAMESPACE: z
    .string()
    .default('default')
    .describe(
      'Namespace of the leader Lease; the chart sets it to the operator’s own namespace.',
    ),
  OPERATOR_LEASE_NAME: z
    .string()
    .default('crashstats-operator')
    .describe('Name of the leader Lease.'),
  OPERATOR_IDENTITY: z
    .string()
    .optional()
    .describe(
      'This replica’s name in the Lease and in Events (the chart passes the pod name; unset: the host name); ' +
        'a random suffix is added.',
    ),
  OPERATOR_LEASE_DURATION_SECONDS: z.coerce
    .number()
    .int()
    .min(2)
    .default(15)
    .describe(
      'How long another replica waits after the leader’s last renewal before taking the Lease.',
    ),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;

export function loadOperatorConfig(
  env: Record<string, string | undefined>,
): OperatorConfig {
  return loadConfig(operatorConfigSchema, env);
}
