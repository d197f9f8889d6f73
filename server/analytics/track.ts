/**
 * The admin app's own usage events (e.g. which analytics view an operator opened). Kept in
 * `admin_activity_events`, apart from members' activity, so operators never count as members.
 * Same shape and UTC buckets as activity_events.
 */
import { ObjectId, type Db } from 'mongodb';
import { buckets } from '../lib/buckets';

export const ADMIN_EVENTS = 'admin_activity_events';

export async function trackAdminEvents(db: Db, adminId: ObjectId, events: Array<{ name: string; props: Record<string, unknown> }>) {
  const now = new Date();
  const b = buckets(now);
  const docs = events.map((e) => ({
    _id: new ObjectId(),
    eventId: new ObjectId().toHexString(),
    adminId,
    name: e.name,
    ts: now,
    ...b,
    props: e.props,
    source: 'admin',
    receivedAt: now,
  }));
  await db.collection(ADMIN_EVENTS).insertMany(docs);
  return { accepted: docs.length };
}
