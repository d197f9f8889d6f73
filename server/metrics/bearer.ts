import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `authorization` is `Bearer <token>` with exactly `token`. Both sides are hashed to equal
 * lengths first, so the comparison takes the same time whatever is sent (no length or prefix leak).
 * An empty expected token never matches.
 */
export function bearerMatches(authorization: string | null | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const given = createHash('sha256')
    .update(m?.[1] ?? '')
    .digest();
  const want = createHash('sha256').update(token).digest();
  const same = timingSafeEqual(given, want);
  return same && m !== null && token.length > 0;
}
