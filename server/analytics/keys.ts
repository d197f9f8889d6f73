/**
 * Event-ingestion API keys. A key is 32 random bytes (256 bits), shown once at creation;
 * only its SHA-256 is stored. A slow password hash (argon2) protects low-entropy secrets
 * against guessing; a 256-bit random key cannot be guessed, so a fast hash is enough and
 * lets every request be checked by an indexed lookup.
 *
 * Each key has scopes (what it may do: `events:write` today), an optional expiry, and can be rotated:
 * rotation issues a new key with the same name and scopes and lets the old one work for an overlap
 * window (default 24 h) so the platform can switch without losing events. Use is counted per key and
 * UTC day (buffered in memory, written every few seconds) with the last time and address of use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors';

import { API_KEYS, API_KEY_USAGE } from './collections';
export { API_KEYS, API_KEY_USAGE, API_KEY_INDEXES } from './collections';
const PREFIX = 'acube_ek_';

export const API_SCOPES = ['events:write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface ApiKeyDoc {
  _id: ObjectId;
  name: string;
  /** First characters of the key, to recognise it in lists. */
  prefix: string;
  hash: string;
  /** Absent on keys made before scopes existed: those had `events:write`. */
  scopes?: ApiScope[];
  /** The key stops working at this time (null: no expiry). Set by rotation for the old key. */
  expiresAt?: Date | null;
  /** Rotation chain: the key this one replaced / the key that replaced this one. */
  rotatedFrom?: ObjectId | null;
  rotatedTo?: ObjectId | null;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  lastUsedIp?: string | null;
}

interface UsageDoc {
  _id: string; // `${keyId}:${day}`
  keyId: string;
  day: string; // YYYY-MM-DD (UTC)
  requests: number;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  /** 'active', 'expiring' (rotated or with an expiry in the next 7 days), 'expired' or 'revoked'. */
  status: 'active' | 'expiring' | 'expired' | 'revoked';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const scopesOf = (d: ApiKeyDoc): ApiScope[] => d.scopes ?? ['events:write'];

function statusOf(d: ApiKeyDoc, now = Date.now()): ApiKeyDto['status'] {
  if (d.revokedAt) return 'revoked';
  if (d.expiresAt && d.expiresAt.getTime() <= now) return 'expired';
  if (d.rotatedTo || (d.expiresAt && d.expiresAt.getTime() - now < 7 * 86_400_000)) return 'expiring';
  return 'active';
}

const toDto = (d: ApiKeyDoc): ApiKeyDto => ({
  id: d._id.toHexString(),
  name: d.name,
  prefix: d.prefix,
  scopes: scopesOf(d),
  createdAt: d.createdAt,
  createdBy: d.createdBy,
  revokedAt: d.revokedAt,
  expiresAt: d.expiresAt ?? null,
  rotatedFrom: d.rotatedFrom?.toHexString() ?? null,
  rotatedTo: d.rotatedTo?.toHexString() ?? null,
  lastUsedAt: d.lastUsedAt,
  lastUsedIp: d.lastUsedIp ?? null,
  status: statusOf(d),
});

export interface CreateKeyOptions {
  scopes?: ApiScope[];
  /** Days until the key expires; null or absent: no expiry. */
  expiresInDays?: number | null;
}

function newKeyDoc(name: string, actor: string | null, opts: CreateKeyOptions, rotatedFrom: ObjectId | null): { key: string; doc: ApiKeyDoc } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  const now = new Date();
  const doc: ApiKeyDoc = {
    _id: new ObjectId(),
    name,
    prefix: key.slice(0, PREFIX.length + 6),
    hash: sha256(key),
    scopes: [...new Set<ApiScope>(opts.scopes ?? ['events:write'])],
    expiresAt: opts.expiresInDays ? new Date(now.getTime() + opts.expiresInDays * 86_400_000) : null,
    rotatedFrom,
    rotatedTo: null,
    createdAt: now,
    createdBy: actor,
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
    lastUsedIp: null,
  };
  return { key, doc };
}

export async function createApiKey(db: Db, name: string, actor: string | null, opts: CreateKeyOptions = {}): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const { key, doc } = newKeyDoc(name, actor, opts, null);
  await db.collection<ApiKeyDoc>(API_KEYS).insertOne(doc);
  return { key, apiKey: toDto(doc) };
}

/**
 * A new key replacing `id`: same name and scopes, the old key keeps working for `overlapHours` (then it
 * expires), so the platform can switch over without a gap. Refused for revoked, expired or already
 * rotated keys (rotate the newest one).
 */
export async function rotateApiKey(
  db: Db,
  id: string,
  overlapHours: number,
  actor: string | null,
  expiresInDays?: number | null,
): Promise<{ key: string; apiKey: ApiKeyDto; old: ApiKeyDto }> {
  const coll = db.collection<ApiKeyDoc>(API_KEYS);
  const old = await coll.findOne({ _id: new ObjectId(id) });
  if (!old) throw new AppError('NOT_FOUND', 'No such API key.');
  const st = statusOf(old);
  if (st === 'revoked' || st === 'expired') throw new AppError('PRECONDITION_FAILED', `This key is ${st}; create a new one instead.`);
  if (old.rotatedTo) throw new AppError('CONFLICT', 'This key was already rotated; rotate its replacement instead.');
  const { key, doc } = newKeyDoc(old.name, actor, { scopes: scopesOf(old), expiresInDays: expiresInDays ?? null }, old._id);
  const overlapEnd = new Date(Date.now() + overlapHours * 3_600_000);
  const oldExpiry = old.expiresAt && old.expiresAt < overlapEnd ? old.expiresAt : overlapEnd;
  // The old key is marked first (conditionally: two rotations at once cannot both win), then the new one is stored.
  const marked = await coll.findOneAndUpdate(
    { _id: old._id, rotatedTo: { $in: [null] }, revokedAt: null },
    { $set: { rotatedTo: doc._id, expiresAt: oldExpiry } },
    { returnDocument: 'after' },
  );
  if (!marked) throw new AppError('CONFLICT', 'This key was changed meanwhile; reload and try again.');
  await coll.insertOne(doc);
  verified.clear();
  return { key, apiKey: toDto(doc), old: toDto(marked) };
}

export async function listApiKeys(db: Db): Promise<ApiKeyDto[]> {
  await flushUsage(db).catch(() => undefined);
  const docs = await db.collection<ApiKeyDoc>(API_KEYS).find({}).sort({ createdAt: -1 }).limit(500).toArray();
  return docs.map(toDto);
}

/** Requests per UTC day for one key over the last `days` days (oldest first, zeros included). */
export async function apiKeyUsage(db: Db, id: string, days = 30): Promise<{ day: string; requests: number }[]> {
  await flushUsage(db).catch(() => undefined);
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const wanted = Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
  const docs = await db
    .collection<UsageDoc>(API_KEY_USAGE)
    .find({ _id: { $in: wanted.map((d) => `${id}:${d}`) } })
    .toArray();
  const by = new Map(docs.map((d) => [d.day, d.requests]));
  return wanted.map((day) => ({ day, requests: by.get(day) ?? 0 }));
}

export async function revokeApiKey(db: Db, id: string, actor: string | null): Promise<ApiKeyDto> {
  const coll = db.collection<ApiKeyDoc>(API_KEYS);
  const doc = await coll.findOne({ _id: new ObjectId(id) });
  if (!doc) throw new AppError('NOT_FOUND', 'No such API key.');
  if (!doc.revokedAt) {
    doc.revokedAt = new Date();
    doc.revokedBy = actor;
    await coll.updateOne({ _id: doc._id }, { $set: { revokedAt: doc.revokedAt, revokedBy: actor } });
  }
  verified.clear();
  return toDto(doc);
}

// A few seconds of caching keeps the key lookup off the hot path of a 5,000 events/s stream;
// revocation and rotation in this process clear it at once, elsewhere within the TTL.
type Verified = { id: string; name: string; scopes: ApiScope[]; expiresAt: number | null };
const verified = new LRUCache<string, Verified>({ max: 100, ttl: 5_000 });
let lastUsedWrites = new Map<string, number>();

// Use counts, buffered: `${db}\0${keyId}\0${day}` → requests; written at most every USAGE_FLUSH_MS.
const USAGE_FLUSH_MS = 5_000;
const pendingUsage = new Map<string, { db: Db; keyId: string; day: string; n: number }>();
let flushTimer: NodeJS.Timeout | null = null;

export async function flushUsage(db?: Db): Promise<void> {
  const entries = [...pendingUsage.entries()].filter(([, v]) => !db || v.db.databaseName === db.databaseName);
  for (const [k] of entries) pendingUsage.delete(k);
  await Promise.all(
    entries.map(([, v]) =>
      v.db
        .collection<UsageDoc>(API_KEY_USAGE)
        .updateOne({ _id: `${v.keyId}:${v.day}` }, { $inc: { requests: v.n }, $setOnInsert: { keyId: v.keyId, day: v.day } }, { upsert: true }),
    ),
  );
}

function countUse(db: Db, keyId: string): void {
  const day = new Date().toISOString().slice(0, 10);
  const k = `${db.databaseName}\0${keyId}\0${day}`;
  const e = pendingUsage.get(k);
  if (e) e.n += 1;
  else pendingUsage.set(k, { db, keyId, day, n: 1 });
  if (!flushTimer) {
    flushTimer = setTimeout(() => {
      flushTimer = null;
      flushUsage().catch((err) => console.error('[api keys] usage not recorded:', err instanceof Error ? err.message : err));
    }, USAGE_FLUSH_MS);
    flushTimer.unref?.();
  }
}

/**
 * The key named by `Authorization: Bearer <key>`, or null when missing, unknown, revoked, expired or
 * lacking `scope`. Counts the use (per day) and records the last time and address of use.
 */
export async function verifyApiKey(
  db: Db,
  authorization: string | null,
  opts: { scope?: ApiScope; ip?: string } = {},
): Promise<{ id: string; name: string } | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m || !m[1]!.startsWith(PREFIX) || m[1]!.length > 200) return null;
  const hash = sha256(m[1]!);
  const ck = `${db.databaseName}:${hash}`;
  let who = verified.get(ck);
  if (!who) {
    const doc = await db.collection<ApiKeyDoc>(API_KEYS).findOne({ hash, revokedAt: null });
    if (!doc || !timingSafeEqual(Buffer.from(doc.hash), Buffer.from(hash))) return null;
    who = { id: doc._id.toHexString(), name: doc.name, scopes: scopesOf(doc), expiresAt: doc.expiresAt?.getTime() ?? null };
    verified.set(ck, who);
  }
  const now = Date.now();
  if (who.expiresAt !== null && who.expiresAt <= now) return null;
  if (opts.scope && !who.scopes.includes(opts.scope)) return null;
  countUse(db, who.id);
  // lastUsedAt (and the address) at most once a minute per key.
  if ((lastUsedWrites.get(who.id) ?? 0) < now - 60_000) {
    if (lastUsedWrites.size > 1000) lastUsedWrites = new Map();
    lastUsedWrites.set(who.id, now);
    await db.collection<ApiKeyDoc>(API_KEYS).updateOne({ _id: new ObjectId(who.id) }, { $set: { lastUsedAt: new Date(now), lastUsedIp: opts.ip ?? null } });
  }
  return { id: who.id, name: who.name };
}
