/**
 * The configuration schemas documented in README.md, and how a table row is
 * written. Shared by the generator and the test that checks the README.
 */
import type { SettingDescription } from '@crashstats/common';
import { collectorConfigSchema } from '../collector/src/config.js';
import { processorConfigSchema } from '../processor/src/config.js';
import { operatorConfigSchema } from '../operator/src/config.js';
import { webappConfigSchema } from '../webapp/src/config.js';

export const configTables = {
  collector: collectorConfigSchema,
  processor: processorConfigSchema,
  webapp: webappConfigSchema,
  operator: operatorConfigSchema,
};

/** Renders settings as a Markdown table. */
export function renderConfigTable(settings: SettingDescription[]): string {
  const rows = settings.map((s) => {
    const value =
      s.defaultValue === undefined ? '(unset)' : `\`${s.defaultValue}\``;
    const description = s.secret
      ? `${s.description} Secret: masked in logs.`
      : s.description;
    return `| \`${s.key}\` | ${value} | ${description.replace(/\|/g, '\\|')} |`;
  });
  return ['| key | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
