/**
 * Writes the chart's CRD manifest from the operator's CRD definition
 * (with --write), or prints it. A test checks that the file is current.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CRD_MANIFEST_PATH,
  renderCrdManifest,
} from '../operator/src/crd-manifest.js';

const path = fileURLToPath(new URL(`../${CRD_MANIFEST_PATH}`, import.meta.url));
if (process.argv.includes('--write')) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderCrdManifest());
  console.log(`wrote ${CRD_MANIFEST_PATH}`);
} else {
  process.stdout.write(renderCrdManifest());
}
