import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions } from '../src/version.js';

describe('compareVersions', () => {
  const ascending = [
    '3.6',
    '52.0a1',
    '52.0b1',
    '52.0b10',
    '52.0',
    '52.0.1',
    '115.12.0esr',
    '128.0',
  ];

  it('orders versions numerically with pre-releases first', () => {
    for (let i = 0; i + 1 < ascending.length; i++) {
      const [a, b] = [ascending[i]!, ascending[i + 1]!];
      assert.ok(compareVersions(a, b) < 0, `${a} < ${b}`);
      assert.ok(compareVersions(b, a) > 0, `${b} > ${a}`);
    }
  });

  it('treats missing parts as zero', () => {
    assert.equal(compareVersions('52', '52.0.0'), 0);
  });
});
