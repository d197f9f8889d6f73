import type { Db } from 'mongodb';
import { can, type ResolvedRole } from '../permissions';
import { COLLECTION_KEYS, REGISTRY } from '../registry';

/** Record counts of the platform collections this role may read. */
export async function platformCounts(db: Db, role: ResolvedRole) {
  const readable = COLLECTION_KEYS.filter((k) => can(role, REGISTRY[k].read));
  const counts = await Promise.all(
    readable.map(async (k) => ({ key: k, label: REGISTRY[k].label, count: await db.collection(k).estimatedDocumentCount() })),
  );
  return counts;
}
