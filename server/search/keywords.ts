/**
 * Free-text search keywords. Each platform document carries `_kw`: the distinct lower-case
 * word tokens of its registry-searchable fields, kept up to date on write and indexed, so
 * free text is an index lookup on whole words (never an unanchored regex scan).
 *
 * Tokens from personal fields (email…) are stored with a `p:` prefix, so roles that may not
 * see personal data cannot find a record by its masked email either.
 */
import { SEARCH_REGISTRY, hasKeywords, type SearchKey } from '../registry';

export const KW_FIELD = '_kw';
export const PERSONAL_PREFIX = 'p:';
export const MIN_TOKEN = 2;
export const MAX_TOKEN = 40;
export const MAX_TOKENS_PER_DOC = 200;

const ASCII = /^[\x00-\x7f]*$/;

/** Lower-case, accent-free word tokens (letters and digits), each 2–40 characters. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  // ASCII (event names, ids, most emails) has nothing to decompose or strip: same tokens, a fraction of the cost
  const norm = ASCII.test(text)
    ? text.toLowerCase()
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase();
  for (const t of norm.split(/[^\p{L}\p{N}]+/u)) {
    if (t.length >= MIN_TOKEN) out.push(t.slice(0, MAX_TOKEN));
  }
  return out;
}

/** Reads a (possibly dotted) path of a document. */
export function getPath(doc: Record<string, unknown>, path: string): unknown {
  if (!path.includes('.')) return doc[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function textsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The `_kw` array for a document of `collection` (pure; empty for collections without keywords). */
export function keywordsFor(collection: SearchKey, doc: Record<string, unknown>): string[] {
  if (!hasKeywords(collection)) return [];
  const seen = new Set<string>();
  for (const [name, f] of Object.entries(SEARCH_REGISTRY[collection].fields)) {
    if (!f.searchable) continue;
    for (const text of textsOf(getPath(doc, name))) {
      for (const tok of tokenize(text)) {
        seen.add(f.personal ? PERSONAL_PREFIX + tok : tok);
        if (seen.size >= MAX_TOKENS_PER_DOC) return [...seen];
      }
    }
  }
  return [...seen];
}

/**
 * `keywordsFor(collection, doc)` remembered by the values of the collection's searchable fields, for write paths
 * that repeat them (ingestion: an event's keywords are its name's, and a platform has a few dozen names).
 * Documents whose searchable values are not all strings are computed each time. At most `max` entries.
 */
export function keywordsCache(collection: SearchKey, max = 1000): (doc: object) => string[] {
  const fields = Object.entries(SEARCH_REGISTRY[collection].fields)
    .filter(([, f]) => f.searchable)
    .map(([name]) => name);
  const memo = new Map<string, string[]>();
  return (d) => {
    const doc = d as Record<string, unknown>;
    const values = fields.map((f) => getPath(doc, f) ?? '');
    if (!values.every((v) => typeof v === 'string')) return keywordsFor(collection, doc);
    const key = values.join('\u0000');
    let kw = memo.get(key);
    if (!kw) {
      if (memo.size >= max) memo.clear();
      memo.set(key, (kw = keywordsFor(collection, doc)));
    }
    return [...kw];
  };
}

/** A copy of `doc` with `_kw` set: use on every write path that creates or edits a platform document. */
export function withKeywords<T extends Record<string, unknown>>(collection: SearchKey, doc: T): T & { _kw: string[] } {
  return { ...doc, [KW_FIELD]: keywordsFor(collection, doc) } as T & { _kw: string[] };
}

export interface TextTerm {
  token: string;
  prefix: boolean;
}

/**
 * Parses free text into terms: every word must match; a word ending in `*` matches as a prefix
 * (anchored, so still served by the index).
 */
export function parseText(text: string): TextTerm[] {
  const terms: TextTerm[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (!word) continue;
    const prefix = word.endsWith('*');
    const toks = tokenize(word);
    toks.forEach((token, i) => terms.push({ token, prefix: prefix && i === toks.length - 1 }));
  }
  const seen = new Set<string>();
  return terms.filter((t) => {
    const k = `${t.token}${t.prefix ? '*' : ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
