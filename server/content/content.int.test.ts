/**
 * Content editing against the real database: versions and CONFLICT, revisions and restore, the state machines
 * (legal and illegal), slugs, quality rules, event cancellation with notices, registrations masking, audit
 * before/after, and scheduled publishing firing once with two app instances (two clients).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { TRPCError } from '@trpc/server';
import { adminsForAllRoles, callerFor, openTestDb, TEST_URI, type TestDb } from '../../test/db';
import type { AdminDoc } from '../db/collections';
import type { BuiltinRole } from '../permissions';
import { WORKFLOWS } from '../workflows';
import { publishDue } from './scheduler';
import { CONTENT_TYPES, type ContentType } from './schema';

let t: TestDb;
let admins: Record<BuiltinRole, AdminDoc>;
const cm = () => callerFor(t.db, admins.content_manager);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one helper builds the fields of all three types
function fieldsFor(type: ContentType, title: string): any {
  const common = { title, slug: '', body: '# Hello\n\nBody', excerpt: 'An excerpt', tags: ['wellbeing'], coverImageUrl: '' };
  if (type === 'blogs') return { ...common, author: 'Dr. Test' };
  if (type === 'events')
    return {
      ...common,
      category: 'workshop' as const,
      startsAt: new Date('2027-01-10T10:00:00Z'),
      endsAt: new Date('2027-01-10T12:00:00Z'),
      location: 'Pune',
      online: false,
      onlineUrl: '',
      capacity: 2,
      price: 0,
    };
  return { ...common, department: 'Clinical', location: 'Remote', employmentType: 'full_time' as const, closesAt: null };
}

async function create(type: ContentType, title: string) {
  return cm().content.save({ type, fields: fieldsFor(type, title) } as never);
}

beforeAll(async () => {
  t = await openTestDb('content');
  admins = await adminsForAllRoles(t.db);
});
afterAll(() => t.drop());

describe('content editing', () => {
  it('creates a draft with a generated unique slug, version 1 and a revision; audit has before/after', async () => {
    const a = await create('blogs', 'Sleep & Anxiety: A Guide');
    expect(a.status).toBe('draft');
    expect(a.version).toBe(1);
    expect(a.slug).toBe('sleep-anxiety-a-guide');
    const b = await create('blogs', 'Sleep & Anxiety: A Guide');
    expect(b.slug).toBe('sleep-anxiety-a-guide-2');
    // an explicit slug already in use is refused on the field
    const taken = await code(
      cm().content.save({ type: 'blogs', id: b.id, version: b.version, fields: { ...fieldsFor('blogs', 'x'), slug: 'sleep-anxiety-a-guide' } }),
    );
    expect(taken).toBe('BAD_REQUEST');
    const revs = await cm().content.revisions({ type: 'blogs', id: a.id });
    expect(revs.map((r) => r.action)).toEqual(['create']);
    const audit = await t.db.collection('audit_logs').findOne({ action: 'content.save', 'target.id': a.id });
    expect(audit?.result).toBe('success');
    expect((audit?.details as { after: { title: string } }).after.title).toBe('Sleep & Anxiety: A Guide');
  });

  it('a stale save is a CONFLICT carrying the current version; nothing is overwritten', async () => {
    const a = await create('blogs', 'Concurrent post');
    const first = await cm().content.save({
      type: 'blogs',
      id: a.id,
      version: 1,
      fields: { ...fieldsFor('blogs', 'Concurrent post'), body: 'Alice was here' },
    });
    expect(first.version).toBe(2);
    let details: { kind?: string; currentVersion?: number; current?: { fields: { body: string } } } | undefined;
    try {
      await callerFor(t.db, admins.admin).content.save({
        type: 'blogs',
        id: a.id,
        version: 1,
        fields: { ...fieldsFor('blogs', 'Concurrent post'), body: 'Bob was here' },
      });
    } catch (e) {
      expect((e as TRPCError).code).toBe('CONFLICT');
      details = ((e as TRPCError).cause as { details?: typeof details }).details;
    }
    expect(details?.kind).toBe('version');
    expect(details?.currentVersion).toBe(2);
    expect(details?.current?.fields.body).toBe('Alice was here');
    const now = await cm().content.get({ type: 'blogs', id: a.id });
    expect(now.fields.body).toBe('Alice was here');
    // Bob merges and saves on top of version 2
    const merged = await callerFor(t.db, admins.admin).content.save({
      type: 'blogs',
      id: a.id,
      version: 2,
      fields: { ...fieldsFor('blogs', 'Concurrent post'), body: 'Alice was here\n\nBob was here' },
    });
    expect(merged.version).toBe(3);
  });

  it('keeps revisions with what changed, and restores one as a new revision', async () => {
    const a = await create('careers', 'Counsellor');
    const v2 = await cm().content.save({
      type: 'careers',
      id: a.id,
      version: 1,
      fields: { ...fieldsFor('careers', 'Senior counsellor'), body: 'Second text' },
    });
    const v3 = await cm().content.save({
      type: 'careers',
      id: a.id,
      version: v2.version,
      fields: { ...fieldsFor('careers', 'Lead counsellor'), body: 'Third text' },
    });
    const revs = await cm().content.revisions({ type: 'careers', id: a.id });
    expect(revs.map((r) => r.version)).toEqual([3, 2, 1]);
    expect(revs[0]!.changes.map((c) => c.field).sort()).toEqual(['body', 'title']);
    expect(revs[0]!.by).toBe(admins.content_manager.email);
    const v1 = revs.find((r) => r.version === 1)!;
    // restoring with a stale version is a CONFLICT too
    expect(await code(cm().content.restoreRevision({ type: 'careers', id: a.id, revisionId: v1.id, version: 2 }))).toBe('CONFLICT');
    const restored = await cm().content.restoreRevision({ type: 'careers', id: a.id, revisionId: v1.id, version: v3.version });
    expect(restored.version).toBe(4);
    expect(restored.title).toBe('Counsellor');
    expect(restored.fields.body).toBe('# Hello\n\nBody');
    const after = await cm().content.revisions({ type: 'careers', id: a.id });
    expect(after[0]!.action).toBe('restore');
    expect(after[0]!.restoredFromVersion).toBe(1);
    expect(after).toHaveLength(4);
  });

  it('a seeded record without version or revisions keeps its previous state as a baseline revision', async () => {
    const _id = new ObjectId();
    await t.db.collection('blogs').insertOne({
      _id,
      title: 'Old post',
      slug: 'old-post',
      author: 'X',
      excerpt: '',
      body: 'old body',
      tags: [],
      status: 'published',
      publishedAt: new Date(),
      views: 3,
      createdAt: new Date('2026-01-01'),
      updatedAt: new Date('2026-01-02'),
    });
    const saved = await cm().content.save({
      type: 'blogs',
      id: String(_id),
      version: 0,
      fields: { ...fieldsFor('blogs', 'Old post'), slug: 'old-post', body: 'new body' },
    });
    expect(saved.version).toBe(1);
    const revs = await cm().content.revisions({ type: 'blogs', id: String(_id) });
    expect(revs.map((r) => r.action)).toEqual(['save', 'baseline']);
    expect(revs[1]!.snapshot.body).toBe('old body');
  });

  it('refuses values the data-quality rules reject (through zod and the registry rules)', async () => {
    const a = await create('events', 'Quality event');
    expect(
      await code(cm().content.save({ type: 'events', id: a.id, version: 1, fields: { ...fieldsFor('events', 'Quality event'), category: 'party' as never } })),
    ).toBe('BAD_REQUEST');
    expect(await code(cm().content.save({ type: 'events', id: a.id, version: 1, fields: { ...fieldsFor('events', ''), title: '   ' } }))).toBe('BAD_REQUEST');
    expect(
      await code(
        cm().content.save({ type: 'events', id: a.id, version: 1, fields: { ...fieldsFor('events', 'Q'), endsAt: new Date('2027-01-09T00:00:00Z') } }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await code(cm().content.save({ type: 'events', id: a.id, version: 1, fields: { ...fieldsFor('events', 'Q'), coverImageUrl: 'javascript:alert(1)' } })),
    ).toBe('BAD_REQUEST');
  });

  describe('every transition of every content type, legal and illegal', () => {
    for (const type of CONTENT_TYPES) {
      const wf = WORKFLOWS[type];
      const statuses = Object.keys(wf.transitions);
      for (const from of statuses) {
        for (const to of statuses) {
          if (from === to) continue;
          const legal = (wf.transitions as Record<string, readonly string[]>)[from]!.includes(to);
          it(`${type}: ${from} → ${to} is ${legal ? 'allowed' : 'BAD_REQUEST'}`, async () => {
            const a = await create(type, `${type} ${from} ${to}`);
            await t.db.collection(type).updateOne({ _id: new ObjectId(a.id) }, { $set: { status: from } });
            const r = await code(cm().content.setStatus({ type, id: a.id, version: 1, to, reason: 'because' }));
            expect(r).toBe(legal ? 'OK' : 'BAD_REQUEST');
            const doc = await t.db.collection(type).findOne({ _id: new ObjectId(a.id) });
            expect(doc?.status).toBe(legal ? to : from);
          });
        }
      }
    }
  });

  it('cancelling an event needs a reason, marks its registrations and queues a notice per member', async () => {
    const ev = await create('events', 'Cancelled workshop');
    const pub = await cm().content.setStatus({ type: 'events', id: ev.id, version: 1, to: 'published' });
    const users = [0, 1, 2].map((i) => ({ _id: new ObjectId(), name: `Member ${i}`, email: `m${i}@example.com`, status: 'active', createdAt: new Date() }));
    await t.db.collection('users').insertMany(users);
    const eventId = new ObjectId(ev.id);
    await t.db.collection('event_registrations').insertMany([
      { _id: new ObjectId(), eventId, userId: users[0]!._id, status: 'registered', createdAt: new Date('2026-11-01') },
      { _id: new ObjectId(), eventId, userId: users[1]!._id, status: 'registered', createdAt: new Date('2026-11-02') },
      { _id: new ObjectId(), eventId, userId: users[2]!._id, status: 'waitlisted', createdAt: new Date('2026-11-03') },
    ]);
    // capacity 2 → 0 left, one on the waitlist; the content manager (no data.personal.read) sees member names and
    // emails masked (a member's name is personal data in the registry), the super admin sees them
    const regs = await cm().content.registrations({ eventId: ev.id });
    expect(regs.capacityLeft).toBe(0);
    expect(regs.counts.waitlisted).toBe(1);
    expect(regs.items.map((i) => [i.member.name, i.member.email])).toEqual([
      ['••••', '••••'],
      ['••••', '••••'],
      ['••••', '••••'],
    ]);
    expect(regs.items[2]!.waitlistPosition).toBe(1);
    const superRegs = await callerFor(t.db, admins.super_admin).content.registrations({ eventId: ev.id });
    expect(superRegs.items.map((i) => i.member.name)).toEqual(['Member 0', 'Member 1', 'Member 2']);
    expect(superRegs.items[0]!.member.email).toBe('m0@example.com');

    expect(await code(cm().content.setStatus({ type: 'events', id: ev.id, version: pub.item.version, to: 'cancelled' }))).toBe('BAD_REQUEST');
    const res = await cm().content.setStatus({ type: 'events', id: ev.id, version: pub.item.version, to: 'cancelled', reason: 'Venue unavailable' });
    expect(res.registrationsCancelled).toBe(3);
    expect(res.noticesQueued).toBe(3);
    expect(await t.db.collection('event_registrations').countDocuments({ eventId, status: 'cancelled', statusReason: 'event_cancelled' })).toBe(3);
    const notices = await t.db
      .collection('notices')
      .find({ about: `events:${ev.id}` })
      .toArray();
    expect(notices).toHaveLength(3);
    expect(notices.every((n) => n.status === 'pending_messaging' && n.kind === 'event_cancelled' && /Venue unavailable/.test(n.body))).toBe(true);
    const after = await cm().content.registrations({ eventId: ev.id });
    expect(after.notices.total).toBe(3);
  });

  it('only content.edit changes content; reading needs data.content.read', async () => {
    expect(await code(callerFor(t.db, admins.viewer).content.save({ type: 'blogs', fields: fieldsFor('blogs', 'nope') } as never))).toBe('FORBIDDEN');
    expect(await code(callerFor(t.db, admins.viewer).content.list({ type: 'blogs' }))).toBe('OK');
    expect(await code(callerFor(t.db, admins.moderator).content.list({ type: 'blogs' }))).toBe('FORBIDDEN');
  });
});

describe('scheduled publishing', () => {
  let other: MongoClient;
  let otherDb: Db;
  beforeAll(async () => {
    other = new MongoClient(TEST_URI);
    await other.connect();
    otherDb = other.db(t.db.databaseName);
  });
  afterAll(() => other.close());

  it('refuses a time in the past and non-drafts', async () => {
    const a = await create('blogs', 'Past schedule');
    expect(await code(cm().content.schedule({ type: 'blogs', id: a.id, version: 1, publishAt: new Date(Date.now() - 3_600_000) }))).toBe('BAD_REQUEST');
  });

  it('publishes a due draft once, with two app instances running the same minute', async () => {
    const a = await create('blogs', 'Scheduled post');
    const b = await create('careers', 'Scheduled job');
    const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const sa = await cm().content.schedule({ type: 'blogs', id: a.id, version: 1, publishAt: at });
    await cm().content.schedule({ type: 'careers', id: b.id, version: 1, publishAt: at });
    expect(sa.publishAt?.getTime()).toBe(at.getTime());
    // a minute before: nothing due
    expect((await publishDue(t.db, new Date(at.getTime() - 60_000), 'instance-a')).published.filter((p) => [a.id, b.id].includes(p.id))).toHaveLength(0);
    // at the minute: both instances fire at once
    const [r1, r2] = await Promise.all([publishDue(t.db, at, 'instance-a'), publishDue(otherDb, at, 'instance-b')]);
    expect([r1.ran, r2.ran].filter(Boolean)).toHaveLength(1);
    const published = [...r1.published, ...r2.published].map((p) => p.id).sort();
    expect(published).toEqual([a.id, b.id].sort());
    // a late instance (lock marker expired or a different minute) finds nothing left to publish
    const late = await publishDue(otherDb, new Date(at.getTime() + 60_000), 'instance-b');
    expect(late.published.filter((p) => [a.id, b.id].includes(p.id))).toHaveLength(0);
    const blog = await cm().content.get({ type: 'blogs', id: a.id });
    expect(blog.status).toBe('published');
    expect(blog.publishAt).toBeNull();
    expect(blog.publishedAt?.getTime()).toBe(at.getTime());
    expect((await cm().content.get({ type: 'careers', id: b.id })).status).toBe('open');
    const revs = await cm().content.revisions({ type: 'blogs', id: a.id });
    expect(revs.filter((r) => r.action === 'scheduled_publish')).toHaveLength(1);
    expect(await t.db.collection('audit_logs').countDocuments({ action: 'content.scheduledPublish', 'target.id': a.id })).toBe(1);
  });

  it('the compare-and-set alone publishes once even when both instances run (no lock)', async () => {
    const a = await create('events', 'Race event');
    const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 5 * 60_000);
    await cm().content.schedule({ type: 'events', id: a.id, version: 1, publishAt: at });
    // two different minutes' markers: both instances run
    const [r1, r2] = await Promise.all([publishDue(t.db, at, 'x'), publishDue(otherDb, new Date(at.getTime() + 60_000), 'y')]);
    expect(r1.ran && r2.ran).toBe(true);
    const count = [...r1.published, ...r2.published].filter((p) => p.id === a.id).length;
    expect(count).toBe(1);
    expect(await t.db.collection('content_revisions').countDocuments({ docId: new ObjectId(a.id), action: 'scheduled_publish' })).toBe(1);
  });
});
