import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@crashstats/common';
import { assertReadmeConfig } from '@crashstats/testkit';
import { loadOperatorConfig, operatorConfigSchema } from '../src/config.js';

describe('operator configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    assertReadmeConfig('operator', describeSettings(operatorConfigSchema));
  });

  it('defaults to leader election and the probe port 8081', () => {
    const config = loadOperatorConfig({});
    assert.equal(config.OPERATOR_PORT, 8081);
    assert.equal(config.OPERATOR_LEADER_ELECTION, true);
    assert.equal(config.OPERATOR_LEASE_NAME, 'crashstats-operator');
    assert.equal(config.OPERATOR_IDENTITY, undefined);
  });

  it('fails fast, naming every bad key', () => {
    assert.throws(
      () =>
        loadOperatorConfig({
          OPERATOR_WORKERS: '0',
          OPERATOR_SCALE_INTERVAL_MS: '10',
          OPERATOR_LEADER_ELECTION: 'maybe',
        }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /OPERATOR_WORKERS/);
        assert.match(err.message, /OPERATOR_SCALE_INTERVAL_MS/);
        assert.match(err.message, /OPERATOR_LEADER_ELECTION/);
        return true;
      },
    );
  });
});
