/**
 * API token secrets: how they are made, recognised and hashed. A secret is
 * what a client sends in `Auth-Token`; the database only ever sees its
 * SHA-256, so a copy of the database grants no access.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Socorro's token shape: 32 lowercase hexadecimal characters. */
const SECRET_PATTERN = /^[0-9a-f]{32}$/;

/** A new secret: 16 random bytes as 32 lowercase hex characters. */
export function generateSecret(): string {
  return randomBytes(16).toString('hex');
}

/** True when `value` has the shape of a token secret. */
export function isWellFormedSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

/** The stored form of a secret: its SHA-256 as lowercase hex. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * A token id: random and public, distinct in shape from a secret
 * (16 hex characters), so it can be logged, listed and revoked by.
 */
export function generateTokenId(): string {
  return randomBytes(8).toString('hex');
}
