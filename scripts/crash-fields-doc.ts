/** Writes docs/crash-fields.md from the crash schema. */
import { writeFileSync } from 'node:fs';
import { renderCrashFieldsMarkdown } from '@crashstats/common';

writeFileSync(
  new URL('../docs/crash-fields.md', import.meta.url),
  renderCrashFieldsMarkdown(),
);
