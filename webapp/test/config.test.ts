import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings, maskConfig } from '@crashstats/common';
import { assertReadmeConfig } from '@crashstats/testkit';
import { loadWebappConfig, webappConfigSchema } from '../src/config.js';

describe('web app configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    assertReadmeConfig('webapp', describeSettings(webappConfigSchema));
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
