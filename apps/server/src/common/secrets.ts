import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tokens and agent secrets are 32 random bytes, so a fast SHA-256 is enough to store them
 * safely (no dictionary to attack); only the hash ever reaches the database.
 */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
