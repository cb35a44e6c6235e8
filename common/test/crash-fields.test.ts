import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CRASH_FIELDS,
  findCrashField,
  isPublicField,
  renderCrashFieldsMarkdown,
} from '@crashstats/common';

describe('crash schema', () => {
  it('names each field once per namespace, with a description', () => {
    const seen = new Set<string>();
    for (const f of CRASH_FIELDS) {
      const key = `${f.namespace}:${f.name}`;
      assert.equal(seen.has(key), false, `${key} is listed twice`);
      seen.add(key);
      assert.ok(f.description.length > 5, `${key} has a description`);
    }
  });

  it('covers every field the collector writes', () => {
    for (const name of [
      'uuid',
      'submitted_timestamp',
      'version',
      'metadata.payload',
      'metadata.payload_compressed',
      'metadata.payload_size',
      'metadata.collector_notes',
      'metadata.dump_checksums',
      'metadata.user_agent',
      'metadata.throttle_rule',
    ]) {
      assert.ok(findCrashField('raw', name), name);
    }
  });

  it('protects personal data and unknown annotations', () => {
    assert.equal(isPublicField('raw', 'URL'), false);
    assert.equal(isPublicField('raw', 'Comments'), false);
    assert.equal(isPublicField('processed', 'user_comments'), false);
    assert.equal(isPublicField('raw', 'SomethingNobodyDeclared'), false);
    assert.equal(isPublicField('raw', 'ProductName'), true);
    assert.equal(isPublicField('processed', 'signature'), true);
  });

  it('matches the data dictionary in docs/crash-fields.md', () => {
    const doc = readFileSync(
      new URL('../../docs/crash-fields.md', import.meta.url),
      'utf8',
    );
    assert.equal(doc, renderCrashFieldsMarkdown(), 'run npm run docs:fields');
  });
});
