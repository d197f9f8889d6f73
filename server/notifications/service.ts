/**
 * Operator notifications (the bell): "your backup finished", "export ready", "restore failed", "new contact
 * message". One document per notification, addressed either to one operator (`adminId`) or to every
 * holder of a permission (`permission`); read state per operator in `readBy`. Each new notification is
 * also published on the live bus so open bells update at once, on every instance.
 */
import type { Db, IndexDescription, ObjectId } from 'mongodb';
import { ObjectId as OID } from 'mongodb';
import { can, type Permission, type ResolvedRole } from '../permissions';
import { publish } from '../live/bus';

export type NotificationKind =
  | 'backup.finished'
  | 'backup.failed'
  | 'restore.finished'
  | 'restore.failed'
  | 'verify.finished'
  | 'verify.failed'
  | 'export.ready'
  | 'export.failed'
  | 'contact.new'
  | 'maintenance.failed';

export interface NotificationDoc {
  _id: ObjectId;
  at: Date;
  kind: NotificationKind;
  title: string;
  body: string | null;
  href: string | null;
  adminId: string | null;
  permission: Permission | null;
  readBy: string[];
}

export interface NotificationView {
  id: string;
  at: Date;
  kind: NotificationKind;
  title: string;
  body: string | null;
  href: string | null;
  read: boolean;
}

export const NOTIFICATION_INDEXES: Record<string, IndexDescription[]> = {
  notifications: [
    { key: { adminId: 1, at: -1 }, name: 'admin_at' },
    { key: { permission: 1, at: -1 }, name: 'permission_at' },
  ],
};

export const notifications = (db: Db) => db.collection<NotificationDoc>('notifications');

const LIST_LIMIT = 30;

export interface NotifyInput {
  kind: NotificationKind;
  title: string;
  body?: string | null;
  href?: string | null;
  /** One operator … */
  adminId?: string | null;
  /** … or every holder of this permission. */
  permission?: Permission | null;
}

/** Stores a notification and announces it on the live bus. */
export async function notify(db: Db, n: NotifyInput): Promise<string> {
  if (!n.adminId && !n.permission) throw new Error('notify: an adminId or a permission is required');
  const doc: NotificationDoc = {
    _id: new OID(),
    at: new Date(),
    kind: n.kind,
    title: n.title.slice(0, 200),
    body: n.body?.slice(0, 500) ?? null,
    href: n.href ?? null,
    adminId: n.adminId ?? null,
    permission: n.permission ?? null,
    readBy: [],
  };
  await notifications(db).insertOne(doc);
  await publish(db, {
    type: 'notification',
    adminId: doc.adminId,
    permission: doc.permission,
    data: { id: doc._id.toHexString(), kind: doc.kind, title: doc.title, body: doc.body, href: doc.href, at: doc.at },
  });
  return doc._id.toHexString();
}

/** notify() for callers that must not fail because of a notification (jobs finishing, exports). */
export function notifyQuietly(db: Db, n: NotifyInput): void {
  notify(db, n).catch((e) => console.error('[notifications]', e instanceof Error ? e.message : e));
}

function audienceFilter(adminId: string, role: ResolvedRole) {
  const perms = role.permissions.filter((p) => can(role, p));
  return { $or: [{ adminId }, { adminId: null, permission: { $in: perms } }] };
}

/** The operator's latest notifications and how many of them are unread. */
export async function listNotifications(db: Db, adminId: string, role: ResolvedRole): Promise<{ items: NotificationView[]; unread: number }> {
  const docs = await notifications(db).find(audienceFilter(adminId, role)).sort({ at: -1 }).limit(LIST_LIMIT).toArray();
  const items = docs
    .filter((d) => (d.adminId ? d.adminId === adminId : d.permission ? can(role, d.permission) : false))
    .map((d) => ({ id: d._id.toHexString(), at: d.at, kind: d.kind, title: d.title, body: d.body, href: d.href, read: (d.readBy ?? []).includes(adminId) }));
  return { items, unread: items.filter((i) => !i.read).length };
}

/** Marks the given notifications (or all the operator can see) as read by this operator. */
export async function markRead(db: Db, adminId: string, role: ResolvedRole, ids: string[] | 'all'): Promise<{ updated: number }> {
  // 'all' means what the bell shows (the latest LIST_LIMIT), so the update stays bounded.
  const chosen = ids === 'all' ? (await listNotifications(db, adminId, role)).items.filter((i) => !i.read).map((i) => i.id) : ids;
  if (!chosen.length) return { updated: 0 };
  const scope = { $and: [audienceFilter(adminId, role), { _id: { $in: chosen.map((i) => new OID(i)) } }] };
  const r = await notifications(db).updateMany(scope, { $addToSet: { readBy: adminId } });
  return { updated: r.modifiedCount };
}

/** Removes notifications older than `days` (maintenance prune). */
export async function pruneNotifications(db: Db, days = 90, now = new Date()): Promise<number> {
  const r = await notifications(db).deleteMany({ at: { $lt: new Date(now.getTime() - days * 86_400_000) } });
  return r.deletedCount;
}
