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

/**
 * Which documents of an unordered bulk insert a unique index refused: the indexes (into the documents
 * sent) of its write errors when every one is E11000 — the driver gives `writeErrors` as an array, or as
 * a single object when there is one; `'unknown'` for an E11000 that does not say which documents (the
 * caller assumes any may be); `null` when the error is anything else (the caller rethrows it).
 */
export function duplicateKeyIndexes(e: unknown): number[] | 'unknown' | null {
  const w = e as { code?: unknown; writeErrors?: unknown } | null;
  if (!w || typeof w !== 'object') return null;
  const list = (Array.isArray(w.writeErrors) ? w.writeErrors : w.writeErrors ? [w.writeErrors] : []) as { code?: unknown; index?: unknown }[];
  if (list.length) return list.every((x) => x?.code === 11000 && typeof x.index === 'number') ? list.map((x) => x.index as number) : null;
  return w.code === 11000 ? 'unknown' : null;
}
