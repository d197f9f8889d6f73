import type { Db, IndexDescription } from 'mongodb';
import { defaultIndexPolicy, indexesFor, type IndexPolicy } from './index-policy';
import { SEARCH_INDEXES } from '../search/indexes';
import { ANALYTICS_INDEXES } from '../analytics/collections';
import { BACKUP_INDEXES } from '../backup/model';
import { CONTENT_INDEXES, backfillSlugs } from '../content/model';
import { MODERATION_INDEXES } from '../moderation/model';
import { NOTICE_INDEXES } from '../notices/service';
import { MESSAGING_INDEXES, MESSAGING_RETIRED_INDEXES } from '../messaging/model';
import { backfillQueue } from '../messaging/queue';
import { LIVE_INDEXES } from '../live/bus';
import { NOTIFICATION_INDEXES } from '../notifications/service';
import { SERIES_INDEXES } from '../system/series';

/**
 * Index definitions, created idempotently at start. Each domain adds its own
 * list to INDEXES. Only options FerretDB v1 supports (no TTL, no partial).
 */
/** Merges per-collection lists (a collection may get indexes from several domains: activity_events from search and analytics). */
function merge(...lists: Record<string, IndexDescription[]>[]): Record<string, IndexDescription[]> {
  const out: Record<string, IndexDescription[]> = {};
  for (const l of lists) for (const [c, specs] of Object.entries(l)) out[c] = [...(out[c] ?? []), ...specs];
  return out;
}

export const INDEXES: Record<string, IndexDescription[]> = merge(
  SEARCH_INDEXES,
  ANALYTICS_INDEXES,
  BACKUP_INDEXES,
  CONTENT_INDEXES,
  MODERATION_INDEXES,
  NOTICE_INDEXES,
  MESSAGING_INDEXES,
  LIVE_INDEXES,
  NOTIFICATION_INDEXES,
  SERIES_INDEXES,
  {
    admins: [{ key: { email: 1 }, name: 'email_unique', unique: true }],
    audit_logs: [
      { key: { at: -1 }, name: 'at_desc' },
      // audit.list sorts on (at, _id) for its keyset cursor (issue 5); on MongoDB this index serves it without a blocking sort
      { key: { at: -1, _id: -1 }, name: 'at_id_desc' },
      { key: { 'actor.id': 1, at: -1 }, name: 'actor_at' },
      // the audit filters, each with the (at, _id) order of the list, so a filtered page is an index range
      { key: { actorEmail: 1, at: -1, _id: -1 }, name: 'actorEmail_at' },
      { key: { action: 1, at: -1, _id: -1 }, name: 'action_at_id' },
      { key: { result: 1, at: -1, _id: -1 }, name: 'result_at' },
    ],
    roles: [{ key: { key: 1 }, name: 'key_unique', unique: true }],
    rate_limits: [{ key: { key: 1 }, name: 'key_unique', unique: true }],
    saved_searches: [{ key: { adminId: 1, name: 1 }, name: 'admin_name_unique', unique: true }],
  },
);

/** Indexes of ours that no version asks for any more (replaced by another): dropped when present. */
const RETIRED_INDEXES: Record<string, string[]> = { ...MESSAGING_RETIRED_INDEXES };

/**
 * Creates the indexes that are missing, by name. FerretDB v1.24 panics (and drops the
 * connection) on a createIndexes naming several indexes that all exist already, so we
 * list first and send only what is missing. Under 'embedded' it also drops the indexes of ours
 * that the policy leaves out and an earlier version created.
 */
export async function ensureIndexes(db: Db, which: Record<string, IndexDescription[]> = INDEXES, policy: IndexPolicy = defaultIndexPolicy()): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const [name, all] of Object.entries(which)) {
    const specs = indexesFor(all, policy, name);
    const have = existing.has(name) ? new Set((await db.collection(name).listIndexes().toArray()).map((i) => i.name as string)) : new Set<string>();
    const missing = specs.filter((s) => !s.name || !have.has(s.name));
    // records written before slugs were required get one first, or the unique slug index cannot be built
    if (missing.some((s) => s.name === 'slug_unique') && existing.has(name)) await backfillSlugs(db, name);
    // messages queued by a version without the due queue get their entries (once: before this index exists)
    if (missing.some((s) => s.name === 'queue_due') && name === 'messaging_queue_later' && existing.has('messages')) await backfillQueue(db);
    if (missing.length) await db.collection(name).createIndexes(missing);
    // Indexes of ours that this policy leaves out, or that the registry no longer asks for (search_<field> of a
    // field that stopped being sortable), were made by an earlier version and only cost writes.
    const keep = new Set(specs.map((s) => s.name));
    for (const n of have) {
      const ours = all.some((s) => s.name === n) || n.startsWith('search_') || RETIRED_INDEXES[name]?.includes(n);
      if (ours && !keep.has(n)) await db.collection(name).dropIndex(n);
    }
  }
}
