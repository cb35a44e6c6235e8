import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  createLogger,
  MongoCrashStorage,
  ProcessedCrashStorage,
} from '@crashstats/common';
import type { Redis } from 'ioredis';
import { loadWebappConfig } from '../../src/config.js';
import { createEndpoints } from '../../src/endpoints.js';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: { name: string }[] }>
  >;
}

describe('OpenAPI document', { timeout: 60_000 }, () => {
  let h: WebappHarness;
  let doc: Doc;

  before(async () => {
    h = await startWebappHarness();
    const res = await h.call('/api/openapi.json');
    assert.equal(res.status, 200);
    doc = res.json as Doc;
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      doc as unknown as Record<string, unknown>,
    );
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
    assert.equal(doc.openapi, '3.1.0');
  });

  it('lists every endpoint the server has, with its methods and parameters', () => {
    // The endpoints as the server builds them (their handlers are not called).
    const endpoints = createEndpoints({
      db: h.db,
      rawCrashes: new MongoCrashStorage(undefined as never, h.db),
      processedCrashes: new ProcessedCrashStorage(h.db),
      access: h.access,
      queues: { publish: () => Promise.reject(new Error('not used')) },
      redis: undefined as unknown as Redis,
      config: loadWebappConfig(h.env),
      log: createLogger({ service: 'test', version: '0', level: 'silent' }),
      now: () => new Date(),
      sleep: () => Promise.resolve(),
    });
    assert.ok(endpoints.length >= 9);
    for (const endpoint of endpoints) {
      const path = doc.paths[`/api/${endpoint.name}/`];
      assert.ok(path, `${endpoint.name} missing from the document`);
      assert.deepEqual(
        Object.keys(path).sort(),
        endpoint.methods.map((m) => m.toLowerCase()).sort(),
        endpoint.name,
      );
      if (endpoint.methods.includes('GET')) {
        assert.deepEqual(
          (path.get?.parameters ?? []).map((p) => p.name),
          endpoint.parameters.map((p) => p.name),
          endpoint.name,
        );
      }
    }
    const apiPaths = Object.keys(doc.paths).filter((p) =>
      /^\/api\/[A-Za-z]+\/$/.test(p),
    );
    assert.equal(
      apiPaths.length,
      endpoints.length,
      'no path the server does not serve',
    );
  });

  it('writes example dates the way the API answers them (isoformat, no zero fraction)', () => {
    const text = JSON.stringify(doc);
    const dates = text.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[^"]*/g) ?? [];
    assert.ok(dates.length > 0);
    for (const date of dates) {
      assert.match(
        date,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?\+00:00$/,
        date,
      );
    }
  });

  it('names paths the server answers, none of them unknown', async () => {
    for (const path of Object.keys(doc.paths)) {
      const res = await h.call(path);
      assert.notEqual(res.status, 500, path);
      assert.doesNotMatch(res.text, /No service called/, path);
      if (!path.startsWith('/api/')) {
        assert.ok(
          res.status === 200 || res.status === 503,
          `${path}: ${res.status}`,
        );
      }
    }
  });
});
