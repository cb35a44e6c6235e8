import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@crashstats/common';
import { loadProcessorConfig, processorConfigSchema } from '../src/config.js';

function readmeRows(): Map<string, string> {
  const readme = readFileSync(
    new URL('../../README.md', import.meta.url),
    'utf8',
  );
  const section =
    /<!-- config:processor:start -->([\s\S]*?)<!-- config:processor:end -->/.exec(
      readme,
    );
  assert.ok(section, 'README.md has the processor configuration section');
  const rows = new Map<string, string>();
  for (const line of section[1]!.split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \| (.*?) \|/.exec(line);
    if (m) {
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

describe('processor configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    const rows = readmeRows();
    const settings = describeSettings(processorConfigSchema);
    assert.deepEqual(
      [...rows.keys()].sort(),
      settings.map((s) => s.key).sort(),
    );
    for (const s of settings) {
      const expected =
        s.defaultValue === undefined ? '(unset)' : `\`${s.defaultValue}\``;
      assert.equal(rows.get(s.key), expected, `default of ${s.key}`);
    }
  });

  it('fails fast, naming every bad key', () => {
    assert.throws(
      () =>
        loadProcessorConfig({
          PROCESSOR_CONCURRENCY: '0',
          PROCESSOR_MAX_DELIVER: 'many',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /PROCESSOR_CONCURRENCY/);
        assert.match(err.message, /PROCESSOR_MAX_DELIVER/);
        return true;
      },
    );
  });
});
