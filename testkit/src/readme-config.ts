/**
 * The configuration tables of the repository's README, as the tests of
 * each component read them to check them against the zod schemas.
 */
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
