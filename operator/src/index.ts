/**
 * The CrashStats operator's public pieces: the custom resource definition.
 */
export {
  CRASHSTATS_API_VERSION,
  CRASHSTATS_GROUP,
  CRASHSTATS_KIND,
  CRASHSTATS_PLURAL,
  CRASHSTATS_VERSION,
  crashStatsCrd,
} from './crd.js';
export { CRD_MANIFEST_PATH, renderCrdManifest } from './crd-manifest.js';
export {
  childName,
  COMPONENT_PORTS,
  CONFIG_HASH_ANNOTATION,
  configMap,
  deployment,
  desiredChildren,
  disruptionBudget,
  ingress,
  MONGODB_SECRET_VERSION_ANNOTATION,
  selectorLabels,
  service,
} from './children.js';
export type { SecretVersions } from './children.js';
export { COMPONENTS } from './resource.js';
export type {
  Component,
  CrashStatsResource,
  CrashStatsSpec,
} from './resource.js';
export {
  EMPTY_HISTORY,
  nextReplicas,
  recommendedReplicas,
} from './autoscale.js';
export type {
  ScaleDecision,
  ScaleHistory,
  ScaleSettings,
} from './autoscale.js';
