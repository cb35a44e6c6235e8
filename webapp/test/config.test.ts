import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, maskConfig } from '@crashstats/common';
import { loadWebappConfig, webappConfigSchema } from '../src/config.js';

function readmeRows(): Map<string, string> {
  const readme = readFileSync(
    new URL('../../README.md', import.meta.url),
    'utf8',
  );
  const section =
    /<!-- config:webapp:start -->([\s\S]*?)<!-- config:webapp:end -->/.exec(
      readme,
    );
  assert.ok(section, 'README.md has the web app configuration section');
  const rows = new Map<string, string>();
  for (const line of section[1]!.split('\n')) {
    const m = /^\| `([A-Z0-9_]+)` \| (.*?) \|/.exec(line);
    if (m) {
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

describe('web app configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    const rows = readmeRows();
    const settings = describeSettings(webappConfigSchema);
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

  it('defaults to port 8080 and masks the administrator token', () => {
    const config = loadWebappConfig({
      WEBAPP_ADMIN_TOKEN_SECRET: 'ab'.repeat(16),
    });
    assert.equal(config.WEBAPP_PORT, 8080);
    assert.equal(maskConfig(config).WEBAPP_ADMIN_TOKEN_SECRET, '*****');
    assert.equal(maskConfig(config).WEBAPP_RATE_LIMIT_AUTHENTICATED, 1000);
  });

  it('fails fast, naming every bad key', () => {
    assert.throws(
      () =>
        loadWebappConfig({
          WEBAPP_PORT: '99999',
          WEBAPP_ADMIN_TOKEN_SECRET: 'short',
          WEBAPP_ADMIN_USER: 'has space',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /WEBAPP_PORT/);
        assert.match(err.message, /WEBAPP_ADMIN_TOKEN_SECRET/);
        assert.match(err.message, /WEBAPP_ADMIN_USER/);
        return true;
      },
    );
  });
});
