/** Notices recorded by content and moderation become outbox messages, once each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { noticesColl, queueNotices } from '../notices/service';
import { deliverPendingNotices } from './notices';
import { ms } from './model';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('notices');
});
afterAll(() => t.drop());

describe('notices → outbox', () => {
  it('a contact reply and an event cancellation become one message each, and are marked queued', async () => {
    const contactId = new ObjectId();
    await t.db
      .collection('contacts')
      .insertOne({ _id: contactId, name: 'Ravi Rao', email: 'ravi@example.org', subject: 'Hello', status: 'new', createdAt: new Date() });
    const memberId = new ObjectId();
    await t.db.collection('users').insertOne({ _id: memberId, name: 'Mira Das', email: 'mira@example.org', createdAt: new Date() });
    const eventId = new ObjectId();
    await t.db.collection('events').insertOne({ _id: eventId, title: 'Sleep workshop', startsAt: new Date('2026-12-05T10:00:00Z'), status: 'cancelled' });
    await queueNotices(t.db, [
      {
        kind: 'reply',
        to: { collection: 'contacts', id: contactId.toHexString(), name: 'Ravi Rao' },
        about: `contacts:${contactId}`,
        subject: 'Re: Hello',
        body: 'Thanks, we will call you.',
        createdBy: null,
      },
      {
        kind: 'event_cancelled',
        to: { collection: 'users', id: memberId.toHexString(), name: 'Mira Das' },
        about: `events:${eventId}`,
        subject: 'Sleep workshop cancelled',
        body: 'The speaker is ill.',
        createdBy: null,
      },
      {
        kind: 'reply',
        to: { collection: 'contacts', id: new ObjectId().toHexString(), name: null },
        about: 'contacts:x',
        subject: 'Re: ?',
        body: 'gone',
        createdBy: null,
      },
    ]);
    expect(await deliverPendingNotices(t.db)).toEqual({ queued: 2, failed: 1 });
    expect(await deliverPendingNotices(t.db)).toEqual({ queued: 0, failed: 0 });
    const msgs = await ms
      .messages(t.db)
      .find({ idempotencyKey: /^notice:/ })
      .toArray();
    expect(msgs.map((m) => m.to).sort()).toEqual(['mira@example.org', 'ravi@example.org']);
    const notices = await noticesColl(t.db).find({}).toArray();
    expect(notices.map((n) => n.status).sort()).toEqual(['failed', 'queued', 'queued']);
  });
});
