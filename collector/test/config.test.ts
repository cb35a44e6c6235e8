import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@crashstats/common';
import {
  collectorConfigSchema,
  loadCollectorConfig,
  loadThrottleRules,
} from '../src/config.js';

/** Rows of the README's collector configuration table: key → default. */
function readmeRows(): Map<string, string> {
  const readme = readFileSync(
    new URL('../../README.md', import.meta.url),
    'utf8',
  );
  const section =
    /<!-- config:collector:start -->([\s\S]*?)<!-- config:collector:end -->/.exec(
      readme,
    );
  assert.ok(section, 'README.md has the collector configuration section');
  const rows = new Map<string, string>();
  for (const line of section[1]!.split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \| (.*?) \|/.exec(line);
    if (m) {
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

describe('collector configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    const rows = readmeRows();
    const settings = describeSettings(collectorConfigSchema);
    assert.deepEqual(
      [...rows.keys()].sort(),
      settings.map((s) => s.key).sort(),
    );
    for (const s of settings) {
      const expected =
        s.defaultValue === undefined ? '(unset)' : `\`${s.defaultValue}\``;
      assert.equal(rows.get(s.key), expected, `default of ${s.key}`);
      assert.ok(s.description.length > 10, `${s.key} has a description`);
    }
  });

  it('defaults to port 8000, a 25 MiB limit and accept-everything', () => {
    const config = loadCollectorConfig({});
    assert.equal(config.COLLECTOR_PORT, 8000);
    assert.equal(config.COLLECTOR_MAX_BODY_BYTES, 25 * 1024 * 1024);
    assert.deepEqual(loadThrottleRules(config), [
      { name: 'accept_everything', result: 'accept' },
    ]);
  });

  it('fails fast, naming every bad key', () => {
    assert.throws(
      () =>
        loadCollectorConfig({
          COLLECTOR_PORT: '70000',
          COLLECTOR_MAX_BODY_BYTES: '-1',
          LOG_LEVEL: 'chatty',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        for (const key of [
          'COLLECTOR_PORT',
          'COLLECTOR_MAX_BODY_BYTES',
          'LOG_LEVEL',
        ]) {
          assert.match(err.message, new RegExp(key));
        }
        return true;
      },
    );
  });

  it('refuses invalid throttle rules at start-up', () => {
    const config = loadCollectorConfig({
      COLLECTOR_THROTTLE_RULES: '[{"name":"x"}]',
    });
    assert.throws(() => loadThrottleRules(config), ConfigError);
  });
});
