/**
 * The bridge from the notices that content and moderation record (server/notices/service.ts) to the
 * outbox: every pending notice becomes one message (idempotency key `notice:<id>`, so a crash between the
 * enqueue and the mark cannot send it twice), then the notice is marked `queued` with the message id.
 * Replies go to the contact's or volunteer's address with the `contact.reply` template; event
 * cancellations to the member with `event.cancelled`.
 */
import { ObjectId, type Db } from 'mongodb';
import { markNotice, pendingNotices, type NoticeDoc } from '../notices/service';
import { enqueueMessage, type EnqueueInput } from './outbox';

async function inputFor(db: Db, n: NoticeDoc): Promise<EnqueueInput> {
  const idempotencyKey = `notice:${n._id.toHexString()}`;
  const name = n.to.name ?? '';
  if (n.kind === 'event_cancelled') {
    const [, eventId] = n.about.split(':');
    const ev =
      eventId && ObjectId.isValid(eventId)
        ? await db.collection('events').findOne({ _id: new ObjectId(eventId) }, { projection: { title: 1, startsAt: 1 } })
        : null;
    const when = ev?.startsAt instanceof Date ? `${ev.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return {
      templateKey: 'event.cancelled',
      memberId: n.to.id,
      vars: { event: { title: (ev?.title as string | undefined) ?? n.subject, time: when, reason: n.body } },
      idempotencyKey,
    };
  }
  const rec = ObjectId.isValid(n.to.id) ? await db.collection(n.to.collection).findOne({ _id: new ObjectId(n.to.id) }, { projection: { email: 1 } }) : null;
  const to = typeof rec?.email === 'string' ? rec.email : null;
  if (!to) throw new Error(`${n.to.collection} ${n.to.id} has no email address`);
  return {
    templateKey: 'contact.reply',
    to,
    vars: { member: { name, first_name: name.split(/\s+/)[0] ?? '' }, subject: n.subject, reply: n.body },
    idempotencyKey,
  };
}

/** Hands up to `limit` pending notices to the outbox; returns how many were queued and how many failed. */
export async function deliverPendingNotices(db: Db, limit = 200): Promise<{ queued: number; failed: number }> {
  let queued = 0;
  let failed = 0;
  for (const n of await pendingNotices(db, limit)) {
    try {
      const r = await enqueueMessage(db, await inputFor(db, n));
      await markNotice(db, n._id, { status: 'queued', messageId: r.id });
      queued++;
    } catch (e) {
      await markNotice(db, n._id, { status: 'failed', error: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
      failed++;
    }
  }
  return { queued, failed };
}
