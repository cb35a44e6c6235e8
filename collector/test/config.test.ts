import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@crashstats/common';
import { assertReadmeConfig } from '@crashstats/testkit';
import {
  collectorConfigSchema,
  loadCollectorConfig,
  loadThrottleRules,
} from '../src/config.js';

describe('collector configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    assertReadmeConfig('collector', describeSettings(collectorConfigSchema));
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
