/**
 * Preferences per address and category, with a consent record (when, how, from where), suppressions,
 * and the public actions behind signed links: the preferences page and RFC 8058 one-click unsubscribe.
 */
import { ObjectId, type Db } from 'mongodb';
import { AppError } from '../errors';
import { ms, OPTIONAL_CATEGORIES, type Category, type ConsentEntry, type PreferenceDoc, type SuppressionDoc } from './model';
import { bumpRollup } from './rollup';
import { normalizeAddress } from './outbox';

export type PreferenceView = {
  address: string;
  categories: Record<(typeof OPTIONAL_CATEGORIES)[number], boolean>;
  consent: ConsentEntry[];
  suppressed: SuppressionDoc | null;
};

export async function getPreferences(db: Db, address: string): Promise<PreferenceView> {
  const a = normalizeAddress(address);
  const [p, s] = await Promise.all([ms.preferences(db).findOne({ _id: a }), ms.suppressions(db).findOne({ _id: a })]);
  const categories = Object.fromEntries(OPTIONAL_CATEGORIES.map((c) => [c, p?.categories?.[c] !== false])) as PreferenceView['categories'];
  return { address: a, categories, consent: (p?.consent ?? []).slice(-50), suppressed: s };
}

async function memberIdOf(db: Db, address: string): Promise<ObjectId | null> {
  const u = await db.collection('users').findOne({ email: address }, { projection: { _id: 1 } });
  return (u?._id as ObjectId | undefined) ?? null;
}

/** Sets categories (only the optional ones; transactional cannot be turned off) and records the consent change. */
export async function setPreferences(
  db: Db,
  address: string,
  changes: Partial<Record<Category, boolean>>,
  how: ConsentEntry['how'],
  ip: string | null,
): Promise<PreferenceView> {
  const a = normalizeAddress(address);
  const now = new Date();
  const set: Record<string, unknown> = { updatedAt: now };
  const entries: ConsentEntry[] = [];
  for (const c of OPTIONAL_CATEGORIES) {
    const v = changes[c];
    if (typeof v !== 'boolean') continue;
    set[`categories.${c}`] = v;
    entries.push({ at: now, category: c, value: v, how, ip });
  }
  if (!entries.length) return getPreferences(db, a);
  const existing = await ms.preferences(db).findOne({ _id: a }, { projection: { _id: 1 } });
  if (!existing) {
    const doc: PreferenceDoc = { _id: a, memberId: await memberIdOf(db, a), categories: {}, consent: [], updatedAt: now };
    await ms
      .preferences(db)
      .insertOne(doc)
      .catch((e) => {
        if ((e as { code?: number }).code !== 11000) throw e;
      });
  }
  await ms.preferences(db).updateOne({ _id: a }, { $set: set, $push: { consent: { $each: entries } } });
  return getPreferences(db, a);
}

/**
 * RFC 8058 one-click unsubscribe: turns the message's category off for its recipient and marks the
 * message (and so its campaign's report). Idempotent. A transactional message has no unsubscribe link.
 */
export async function oneClickUnsubscribe(db: Db, p: { m?: string; a?: string; c?: string }, ip: string | null): Promise<void> {
  if (!p.a || !p.c || !(OPTIONAL_CATEGORIES as readonly string[]).includes(p.c)) throw new AppError('BAD_REQUEST', 'Invalid unsubscribe link.');
  await setPreferences(db, p.a, { [p.c]: false } as Partial<Record<Category, boolean>>, 'one_click_unsubscribe', ip);
  if (p.m && ObjectId.isValid(p.m)) {
    const now = new Date();
    const before = await ms.messages(db).findOneAndUpdate({ _id: new ObjectId(p.m), unsubscribedAt: null }, { $set: { unsubscribedAt: now } });
    if (before) await bumpRollup(db, before.campaignId, now, 'unsubscribed', 1);
  }
}

export async function addSuppression(db: Db, address: string, reason: SuppressionDoc['reason'], detail: string, by: string | null): Promise<SuppressionDoc> {
  const doc: SuppressionDoc = { _id: normalizeAddress(address), reason, detail: detail.slice(0, 500), at: new Date(), by };
  await ms.suppressions(db).replaceOne({ _id: doc._id }, doc, { upsert: true });
  return doc;
}

export async function removeSuppression(db: Db, address: string): Promise<SuppressionDoc> {
  const d = await ms.suppressions(db).findOneAndDelete({ _id: normalizeAddress(address) });
  if (!d) throw new AppError('NOT_FOUND', 'That address is not suppressed.');
  return d;
}
