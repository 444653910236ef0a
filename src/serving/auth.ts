/**
 * The API token check for mutating routes. Both sides are hashed first so that
 * `timingSafeEqual` compares equal-length buffers and the comparison time says nothing
 * about the token's length or prefix.
 */
import { hash, timingSafeEqual } from 'node:crypto';

// One-shot hashing: no Hash object per request.
const digest = (s: string): Buffer => hash('sha256', s, 'buffer');

/** The token a request carries: `Authorization: Bearer …` or `x-api-token: …`. */
export function presentedToken(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = headers['x-api-token'];
  return typeof header === 'string' ? header : null;
}

/** The configured token's digest: computed once when the app is built, not per request. */
export function tokenDigest(token: string): Buffer {
  return digest(token);
}

export function tokenMatches(expectedDigest: Buffer, presented: string | null): boolean {
  if (presented === null) return false;
  return timingSafeEqual(expectedDigest, digest(presented));
}
