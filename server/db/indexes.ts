import type { Db, IndexDescription } from 'mongodb';

/**
 * Index definitions, created idempotently at start. Each domain adds its own
 * list to INDEXES. Only options FerretDB v1 supports (no TTL, no partial).
 */
export const INDEXES: Record<string, IndexDescription[]> = {
  admins: [{ key: { email: 1 }, name: 'email_unique', unique: true }],
  audit_logs: [
    { key: { at: -1 }, name: 'at_desc' },
    { key: { 'actor.id': 1, at: -1 }, name: 'actor_at' },
    { key: { action: 1, at: -1 }, name: 'action_at' },
  ],
  roles: [{ key: { key: 1 }, name: 'key_unique', unique: true }],
  rate_limits: [{ key: { key: 1 }, name: 'key_unique', unique: true }],
};

export async function ensureIndexes(db: Db, which: Record<string, IndexDescription[]> = INDEXES): Promise<void> {
  for (const [name, specs] of Object.entries(which)) {
    if (specs.length) await db.collection(name).createIndexes(specs);
  }
}
