/**
 * The configuration tables of the repository's README, as the tests of
 * each component read them to check them against the zod schemas.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const README = new URL('../../README.md', import.meta.url);

/**
 * Rows of the README table between `<!-- config:<section>:start -->` and
 * its end marker: key → the default cell as written. Throws when the
 * section is missing.
 */
export function readmeConfigRows(section: string): Map<string, string> {
  const readme = readFileSync(README, 'utf8');
  const start = `<!-- config:${section}:start -->`;
  const end = `<!-- config:${section}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`README.md has no ${section} configuration section`);
  }
  const rows = new Map<string, string>();
  for (const line of readme.slice(from + start.length, to).split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \| (.*?) \|/.exec(line);
    if (m) {
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

/** A configuration key as a component's schema describes it. */
export interface DocumentedSetting {
  readonly key: string;
  readonly defaultValue: string | undefined;
  readonly description: string;
}

/**
 * Asserts that the README's `section` table lists exactly these settings,
 * each with its default as the schema gives it and a real description.
 */
export function assertReadmeConfig(
  section: string,
  settings: readonly DocumentedSetting[],
): void {
  const rows = readmeConfigRows(section);
  assert.deepEqual(
    [...rows.keys()].sort(),
    settings.map((s) => s.key).sort(),
    `the README's ${section} table lists every key and no other`,
  );
  for (const s of settings) {
    const expected =
      s.defaultValue === undefined ? '(unset)' : `\`${s.defaultValue}\``;
    assert.equal(rows.get(s.key), expected, `default of ${s.key}`);
    assert.ok(s.description.length > 10, `${s.key} has a description`);
  }
}
