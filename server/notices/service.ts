/**
 * Outgoing notices (issue 14): replies to contacts and volunteers, event-cancellation notices to registered
 * members. They are recorded here with `status: 'pending_messaging'`; the messaging worker
 * (server/messaging/notices.ts) turns each into one outbox message and marks it `queued` (or `failed`). One owner:
 * every write to `notices` goes through this file.
 */
import type { IndexDescription } from 'mongodb';
import { ObjectId, type Db } from 'mongodb';
import { countMatching } from '../db/count';

export const NOTICE_STATUS_PENDING = 'pending_messaging' as const;

export interface NoticeDoc {
  _id: ObjectId;
  kind: 'reply' | 'event_cancelled';
  channel: 'email';
  /** Who it goes to: a record of a platform collection; the address is resolved by messaging at send time. */
  to: { collection: 'contacts' | 'volunteers' | 'users'; id: string; name: string | null };
  /** What it is about, as "<collection>:<id>" (indexed: a record's notices are one range). */
  about: string;
  subject: string;
  body: string;
  status: typeof NOTICE_STATUS_PENDING | string;
  createdAt: Date;
  createdBy: { id: string; email: string } | null;
}

export const noticesColl = (db: Db) => db.collection<NoticeDoc>('notices');

export const NOTICE_INDEXES: Record<string, IndexDescription[]> = {
  notices: [
    { key: { about: 1, createdAt: -1 }, name: 'about_created' },
    { key: { status: 1, createdAt: 1 }, name: 'status_created' },
  ],
};

/** Messaging took the notice: it is a message in the outbox now (or could not be, with the reason). */
export async function markNotice(db: Db, id: ObjectId, update: { status: 'queued'; messageId: string } | { status: 'failed'; error: string }): Promise<void> {
  await noticesColl(db).updateOne({ _id: id, status: NOTICE_STATUS_PENDING }, { $set: { ...update, handedOverAt: new Date() } });
}

/** The oldest notices still waiting for messaging. */
export async function pendingNotices(db: Db, limit: number): Promise<NoticeDoc[]> {
  return noticesColl(db).find({ status: NOTICE_STATUS_PENDING }).sort({ status: 1, createdAt: 1 }).limit(limit).toArray();
}

export type NewNotice = Omit<NoticeDoc, '_id' | 'status' | 'createdAt' | 'channel'>;

export async function queueNotices(db: Db, notices: NewNotice[], at = new Date()): Promise<number> {
  if (!notices.length) return 0;
  const docs = notices.map((n) => ({ ...n, _id: new ObjectId(), channel: 'email' as const, status: NOTICE_STATUS_PENDING, createdAt: at }));
  for (let i = 0; i < docs.length; i += 500) await noticesColl(db).insertMany(docs.slice(i, i + 500), { ordered: false });
  return docs.length;
}

export interface NoticeDto {
  id: string;
  kind: NoticeDoc['kind'];
  toName: string | null;
  toCollection: string;
  subject: string;
  body: string;
  status: string;
  createdAt: Date;
  createdBy: string | null;
}

export async function noticesAbout(db: Db, about: string, limit = 50): Promise<{ total: number; items: NoticeDto[] }> {
  const filter = { about };
  const [total, docs] = await Promise.all([
    countMatching(db, noticesColl(db), filter),
    noticesColl(db).find(filter).sort({ createdAt: -1 }).limit(limit).toArray(),
  ]);
  return {
    total,
    items: docs.map((d) => ({
      id: d._id.toHexString(),
      kind: d.kind,
      toName: d.to.name,
      toCollection: d.to.collection,
      subject: d.subject,
      body: d.body,
      status: d.status,
      createdAt: d.createdAt,
      createdBy: d.createdBy?.email ?? null,
    })),
  };
}
