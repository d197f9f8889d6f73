/**
 * Drill-down: every number of the dashboard names the search behind it, and that search finds exactly
 * that many records (the number and the records agree); a role that cannot search the collection gets no link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { allWidgets, callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { collections } from '../db/collections';
import type { DrillDown } from './service';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('drill');
  const now = Date.now();
  const at = (d: number) => new Date(now + d * 86_400_000);
  const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  await t.db
    .collection('contacts')
    .insertMany(many(7, (i) => ({ subject: `s${i}`, email: `c${i}@x.in`, status: ['new', 'in_progress', 'resolved'][i % 3], createdAt: at(-i) })));
  await t.db.collection('session_bookings').insertMany(
    many(9, (i) => ({
      userId: new ObjectId(),
      psychologistId: new ObjectId(),
      status: ['pending', 'confirmed', 'completed'][i % 3],
      scheduledAt: at(i),
      createdAt: at(-i),
    })),
  );
  await t.db.collection('volunteers').insertMany(many(5, (i) => ({ name: `v${i}`, status: i < 2 ? 'applied' : 'active', createdAt: at(-i) })));
  await t.db.collection('blogs').insertMany(many(6, (i) => ({ title: `b${i}`, status: i < 4 ? 'draft' : 'published', createdAt: at(-i) })));
  await t.db.collection('careers').insertMany(many(3, (i) => ({ title: `c${i}`, status: i ? 'open' : 'closed', createdAt: at(-i) })));
  await t.db
    .collection('events')
    .insertMany(many(6, (i) => ({ title: `e${i}`, status: ['draft', 'published', 'cancelled'][i % 3], startsAt: at(i - 2), createdAt: at(-30) })));
});
afterAll(() => t.drop());

describe('dashboard drill-down', () => {
  it('each tile and queue of the admin dashboard opens a search that finds exactly its number', async () => {
    const caller = callerFor(t.db, await makeAdmin(t.db, 'admin'));
    const widgets = await allWidgets(caller);
    const pairs: { label: string; count: number; drill: DrillDown | null }[] = [];
    for (const w of widgets) {
      if (!w.ok) continue;
      if (w.key === 'pendingActions') pairs.push(...w.data.map((p) => ({ label: p.label, count: p.count, drill: p.drill })));
      if (w.key === 'moderationQueues')
        pairs.push(
          { label: 'contacts queue', count: w.data.contacts.count, drill: w.data.contacts.drill },
          { label: 'volunteers queue', count: w.data.volunteers.count, drill: w.data.volunteers.drill },
        );
      if (w.key === 'content') {
        const d = w.data;
        pairs.push(
          { label: 'draft blogs', count: d.blogs.draft, drill: d.drill.blogsDraft },
          { label: 'published blogs', count: d.blogs.published, drill: d.drill.blogsPublished },
          { label: 'open careers', count: d.careersOpen, drill: d.drill.careersOpen },
          { label: 'upcoming events', count: d.upcomingCount, drill: d.drill.upcoming },
        );
      }
      if (w.key === 'counts') pairs.push(...w.data.map((c) => ({ label: c.label, count: c.count, drill: c.drill })));
    }
    expect(pairs.length).toBeGreaterThanOrEqual(19);
    for (const p of pairs) {
      expect(p.drill, p.label).not.toBeNull();
      const r = await caller.search.query({ ...p.drill!, count: 'exact', pageSize: 1 });
      expect(r.total, p.label).toBe(p.count);
    }
    // the numbers are not trivially zero
    expect(pairs.find((p) => p.label === 'Unconfirmed bookings')!.count).toBe(3);
    expect(pairs.find((p) => p.label === 'upcoming events')!.count).toBe(2);
  });

  it('queue items name their record; a role that cannot search a collection gets no link', async () => {
    const caller = callerFor(t.db, await makeAdmin(t.db, 'moderator'));
    const q = (await allWidgets(caller)).find((w) => w.key === 'moderationQueues');
    if (!q || q.key !== 'moderationQueues' || !q.ok) throw new Error('no queue widget');
    expect(q.data.contacts.collection).toBe('contacts');
    expect(q.data.contacts.items[0]!.id).toMatch(/^[0-9a-f]{24}$/);
    const now = new Date();
    await collections.roles(t.db).insertOne({
      key: 'queue_only',
      label: 'Queue only',
      description: '',
      permissions: ['dashboard.view', 'moderation.manage'],
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    } as never);
    const only = callerFor(t.db, await makeAdmin(t.db, 'queue_only'));
    const p = (await allWidgets(only)).find((w) => w.key === 'pendingActions');
    if (!p || p.key !== 'pendingActions' || !p.ok) throw new Error('no pending widget');
    expect(p.data.every((x) => x.drill === null)).toBe(true);
    expect(p.data.find((x) => x.key === 'bookings')!.count).toBe(3);
  });
});
