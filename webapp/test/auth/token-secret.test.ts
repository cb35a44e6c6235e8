import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateSecret,
  generateTokenId,
  hashSecret,
  isWellFormedSecret,
} from '../../src/auth/token-secret.js';

describe('token secrets', () => {
  it('are 32 lowercase hex characters, never repeated', () => {
    const secrets = new Set(Array.from({ length: 500 }, generateSecret));
    assert.equal(secrets.size, 500);
    for (const secret of secrets) {
      assert.match(secret, /^[0-9a-f]{32}$/);
      assert.equal(isWellFormedSecret(secret), true);
    }
  });

  it('are recognised by shape only', () => {
    for (const value of [
      '',
      'A'.repeat(32),
      'a'.repeat(31),
      'a'.repeat(33),
      `${'a'.repeat(31)}g`,
      `${'a'.repeat(32)}\n`,
    ]) {
      assert.equal(isWellFormedSecret(value), false, JSON.stringify(value));
    }
  });

  it('hash to SHA-256 hex', () => {
    assert.equal(
      hashSecret('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('have ids of another shape', () => {
    const id = generateTokenId();
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(isWellFormedSecret(id), false);
    assert.notEqual(generateTokenId(), id);
  });
});
