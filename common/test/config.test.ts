import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  ConfigError,
  describeSettings,
  loadConfig,
  maskConfig,
  sharedSettings,
} from '@crashstats/common';

const schema = z.object({
  ...sharedSettings,
  PORT: z.coerce.number().int().default(8000).describe('The port.'),
  API_TOKEN: z.string().optional().describe('A secret.'),
});

describe('loadConfig', () => {
  it('applies defaults and coerces values', () => {
    const config = loadConfig(schema, { PORT: '9000', LOG_PRETTY: 'true' });
    assert.equal(config.PORT, 9000);
    assert.equal(config.LOG_PRETTY, true);
    assert.equal(config.LOG_LEVEL, 'info');
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig(schema, { PORT: '' }).PORT, 8000);
  });

  it('lists every bad key at once', () => {
    assert.throws(
      () => loadConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 2);
        assert.match(err.message, /PORT/);
        assert.match(err.message, /LOG_LEVEL/);
        return true;
      },
    );
  });

  it('ignores variables outside the schema', () => {
    const config = loadConfig(schema, { UNRELATED: 'x' });
    assert.equal('UNRELATED' in config, false);
  });
});

describe('maskConfig', () => {
  it('masks secret keys and passwords in URLs', () => {
    const masked = maskConfig({
      API_TOKEN: 'abc',
      DB_PASSWORD: 'p',
      MONGODB_URL: 'mongodb://user:hunter2@db:27017/x',
      PLAIN: 'visible',
    });
    assert.equal(masked.API_TOKEN, '*****');
    assert.equal(masked.DB_PASSWORD, '*****');
    assert.equal(masked.MONGODB_URL, 'mongodb://user:*****@db:27017/x');
    assert.equal(masked.PLAIN, 'visible');
  });
});

describe('describeSettings', () => {
  it('reports key, default, description and secrecy', () => {
    const rows = describeSettings(schema);
    const port = rows.find((r) => r.key === 'PORT');
    assert.deepEqual(port, {
      key: 'PORT',
      defaultValue: '8000',
      description: 'The port.',
      secret: false,
    });
    assert.equal(rows.find((r) => r.key === 'API_TOKEN')?.secret, true);
    assert.equal(
      rows.find((r) => r.key === 'API_TOKEN')?.defaultValue,
      undefined,
    );
  });
});
