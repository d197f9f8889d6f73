/**
 * Event-ingestion API keys. A key is 32 random bytes (256 bits), shown once at creation;
 * only its SHA-256 is stored. A slow password hash (argon2) protects low-entropy secrets
 * against guessing; a 256-bit random key cannot be guessed, so a fast hash is enough and
 * lets every request be checked by an indexed lookup.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ObjectId, type Db, type IndexDescription } from 'mongodb';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors';

export const API_KEYS = 'analytics_api_keys';
export const API_KEY_INDEXES: IndexDescription[] = [{ key: { hash: 1 }, name: 'hash_unique', unique: true }];
const PREFIX = 'acube_ek_';

export interface ApiKeyDoc {
  _id: ObjectId;
  name: string;
  /** First characters of the key, to recognise it in lists. */
  prefix: string;
  hash: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const toDto = (d: ApiKeyDoc): ApiKeyDto => ({
  id: d._id.toHexString(),
  name: d.name,
  prefix: d.prefix,
  createdAt: d.createdAt,
  createdBy: d.createdBy,
  revokedAt: d.revokedAt,
  lastUsedAt: d.lastUsedAt,
});

export async function createApiKey(db: Db, name: string, actor: string | null): Promise<{ key: string; apiKey: ApiKeyDto }> {
  const key = PREFIX + randomBytes(32).toString('base64url');
  const doc: ApiKeyDoc = {
    _id: new ObjectId(),
    name,
    prefix: key.slice(0, PREFIX.length + 6),
    hash: sha256(key),
    createdAt: new Date(),
    createdBy: actor,
    revokedAt: null,
    revokedBy: null,
    lastUsedAt: null,
  };
  await db.collection<ApiKeyDoc>(API_KEYS).insertOne(doc);
  return { key, apiKey: toDto(doc) };
}

export async function listApiKeys(db: Db): Promise<ApiKeyDto[]> {
  const docs = await db.collection<ApiKeyDoc>(API_KEYS).find({}).sort({ createdAt: -1 }).limit(500).toArray();
  return docs.map(toDto);
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
// revocation in this process clears it at once, elsewhere within the TTL.
const verified = new LRUCache<string, { id: string; name: string }>({ max: 100, ttl: 5_000 });
let lastUsedWrites = new Map<string, number>();

/** The key named by `Authorization: Bearer <key>`, or null when missing, unknown or revoked. */
export async function verifyApiKey(db: Db, authorization: string | null): Promise<{ id: string; name: string } | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!m || !m[1]!.startsWith(PREFIX) || m[1]!.length > 200) return null;
  const hash = sha256(m[1]!);
  const ck = `${db.databaseName}:${hash}`;
  const hit = verified.get(ck);
  if (hit) return hit;
  const doc = await db.collection<ApiKeyDoc>(API_KEYS).findOne({ hash, revokedAt: null });
  if (!doc || !timingSafeEqual(Buffer.from(doc.hash), Buffer.from(hash))) return null;
  const who = { id: doc._id.toHexString(), name: doc.name };
  verified.set(ck, who);
  // lastUsedAt at most once a minute per key.
  const now = Date.now();
  if ((lastUsedWrites.get(who.id) ?? 0) < now - 60_000) {
    if (lastUsedWrites.size > 1000) lastUsedWrites = new Map();
    lastUsedWrites.set(who.id, now);
    await db.collection<ApiKeyDoc>(API_KEYS).updateOne({ _id: doc._id }, { $set: { lastUsedAt: new Date(now) } });
  }
  return who;
}
