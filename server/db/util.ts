/**
 * Small helpers every module that talks to the database shares (issue 17, item 9): one regex escape
 * (user text inside $regex), one id shape, one duplicate-key test.
 */
import { z } from 'zod';

/** Escapes every character that has a meaning in a regular expression (also `/` and `-`). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** A MongoDB ObjectId as 24 hex characters (what URLs and tRPC inputs carry). */
export const objectIdString = (message = 'Not a valid id (24 hex characters)') => z.string().regex(/^[0-9a-f]{24}$/i, message);

/** E11000: a unique index refused the write (inserts, upserts, and each write error of a bulk write). */
export function isDuplicateKeyError(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 11000;
}
