/**
 * The CRD as the YAML manifest the Helm chart installs
 * (`charts/crashstats/crds/crashstats.yaml`), rendered from {@link crashStatsCrd}.
 */
import { stringify } from 'yaml';
import { crashStatsCrd } from './crd.js';

/** Where the chart keeps the CRD, relative to the repository root. */
export const CRD_MANIFEST_PATH = 'charts/crashstats/crds/crashstats.yaml';

/** The manifest text, with a header saying where it comes from. */
export function renderCrdManifest(): string {
  return (
    '# Generated from operator/src/crd.ts by `npm run docs:crd`; edit that file, not this one.\n' +
    stringify(crashStatsCrd(), { lineWidth: 0 })
  );
}
