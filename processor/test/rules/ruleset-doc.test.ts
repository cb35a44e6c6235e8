import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Rule } from '../../src/rules/rule.js';
import { createRulesets } from '../../src/ruleset.js';

/** The rule names of the `default` table in docs/processing.md, in order. */
function documentedRules(): string[] {
  const doc = readFileSync(
    new URL('../../../docs/processing.md', import.meta.url),
    'utf8',
  );
  const section = /`default`, in order[^]*?\n\n((?:\|.*\n)+)/.exec(doc);
  assert.ok(section, 'docs/processing.md has the default ruleset table');
  return (section[1] as string)
    .split('\n')
    .map((row) => /^\| `([a-z_]+)` \|/.exec(row)?.[1])
    .filter((name): name is string => name !== undefined);
}

describe('the ruleset documentation', () => {
  it('lists every rule of the default ruleset, in the order they run', () => {
    const engine = (name: string): Rule => ({ name, run: () => undefined });
    const rules = createRulesets({
      minidump: engine('minidump'),
      signature: engine('signature'),
    });
    assert.deepEqual(
      documentedRules(),
      rules.default.map((rule) => rule.name),
    );
  });
});
