import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeSettings } from '@crashstats/common';
import { assertReadmeConfig } from '@crashstats/testkit';
import { loadProcessorConfig, processorConfigSchema } from '../src/config.js';

describe('processor configuration', () => {
  it('is documented in the README, key by key with its default', () => {
    assertReadmeConfig('processor', describeSettings(processorConfigSchema));
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
