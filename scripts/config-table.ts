/**
 * Prints the configuration table of each component from its zod schema, or
 * with --write replaces the tables between the markers in README.md. A test
 * checks that the README matches the schemas.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describeSettings } from '@crashstats/common';
import { configTables, renderConfigTable } from './config-tables.js';

const readmePath = new URL('../README.md', import.meta.url);

function replaceSection(text: string, name: string, table: string): string {
  const start = `<!-- config:${name}:start -->`;
  const end = `<!-- config:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`README.md has no ${start} ... ${end} section`);
  }
  return `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`;
}

if (process.argv.includes('--write')) {
  let text = readFileSync(readmePath, 'utf8');
  for (const [name, schema] of Object.entries(configTables)) {
    text = replaceSection(
      text,
      name,
      renderConfigTable(describeSettings(schema)),
    );
  }
  writeFileSync(readmePath, text);
} else {
  for (const [name, schema] of Object.entries(configTables)) {
    console.log(
      `## ${name}\n\n${renderConfigTable(describeSettings(schema))}\n`,
    );
  }
}
