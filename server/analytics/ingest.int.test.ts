import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, makeAdmin, callerFor, type TestDb } from '../../test/db';
import { ingestEvents } from './ingest';
import { keywordsFor } from '../search/keywords';
import { API_KEYS, verifyApiKey } from './keys';
import { DAY_ACTIVE, DAY_EVENT_ACTIVE, expandRollupDoc, readDayMembers, readMemberDay, ROLLUP } from './rollup';

let t: TestDb;
const member = new ObjectId();
const NOW = new Date('2026-03-10T12:00:00Z');
const ev = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  userId: member.toHexString(),
  name: 'blog.read',
  ts: '2026-03-10T11:00:00+05:30',
  ...extra,
});

beforeAll(async () => {
  t = await openTestDb('aningest');
  await t.db.collection('users').insertOne({ _id: member, name: 'M', createdAt: new Date('2026-01-01') });
});
afterAll(() => t.drop());

describe('ingestEvents', () => {
  it('stores good events, rejects bad ones one by one with reasons, and is idempotent', async () => {
    const r = await ingestEvents(
      t.db,
      [
        ev('a'),
        ev('b', { name: 'wallet.topped_up', props: { amount: 3 } }),
        ev('c', { ts: '2026-03-10T12:06:00Z' }), // > 5 min in the future
        ev('d', { userId: new ObjectId().toHexString() }), // unknown member
        ev('e', { name: 'DROP TABLE' }),
        ev('f', { ts: 'yesterday' }),
        ev('a'), // repeated in the batch
        { nothing: true },
      ],
      { now: NOW },
    );
    expect(r.accepted).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(r.rejected.map((x) => [x.index, x.eventId])).toEqual([
      [2, 'c'],
      [3, 'd'],
      [4, 'e'],
      [5, 'f'],
      [7, null],
    ]);
    expect(r.rejected[0]!.reasons[0]).toMatch(/future/);
    expect(r.rejected[1]!.reasons[0]).toMatch(/no member/);
    const again = await ingestEvents(t.db, [ev('a'), ev('g')], { now: NOW });
    expect(again).toMatchObject({ accepted: 1, duplicates: 1, rejected: [] });
    const stored = await t.db.collection('activity_events').findOne({ eventId: 'a' });
    expect(stored).toMatchObject({ day: '2026-03-10', week: '2026-W11', month: '2026-03', source: 'web' });
    expect(stored!.ts).toEqual(new Date('2026-03-10T05:30:00Z'));
    // Free-text search finds ingested events like seeded ones: the keyword array is written too.
    expect(stored!._kw.length).toBeGreaterThan(0);
    expect(stored!._kw).toEqual(keywordsFor('activity_events', { name: 'blog.read' }));
    // Two batches touched this member-day: each wrote a part for the day, read together.
    expect(await readMemberDay(t.db, member.toHexString(), '2026-03-10')).toMatchObject({ n: 3, e: { 'blog:read': 2, 'wallet:topped_up': 1 } });
    expect(await t.db.collection(ROLLUP).countDocuments({ d: '2026-03-10' })).toBe(2);
    expect(await readDayMembers(t.db, DAY_ACTIVE, '2026-03-10')).toEqual([member.toHexString()]);
    expect(await readDayMembers(t.db, DAY_EVENT_ACTIVE, '2026-03-10|wallet:topped_up')).toEqual([member.toHexString()]);
    expect(await t.db.collection(DAY_ACTIVE).findOne({ _id: '2026-03-10' as never })).toMatchObject({ d: '2026-03-10', n: 1 });
  });

  it('adds to member-days that exist and inserts the new ones, in one batch of 300', async () => {
    const old = Array.from({ length: 150 }, () => new ObjectId().toHexString());
    const fresh = Array.from({ length: 150 }, () => new ObjectId().toHexString());
    const at = (u: string, i: string, name = 'app.opened') => ({ eventId: `mix-${i}`, userId: u, name, ts: '2026-03-09T08:00:00Z' });
    const first = await ingestEvents(
      t.db,
      old.map((u, i) => at(u, `a${i}`)),
      { now: NOW, checkUsers: false },
    );
    expect(first.accepted).toBe(150);
    const second = await ingestEvents(t.db, [...old.map((u, i) => at(u, `b${i}`, 'blog.read')), ...fresh.map((u, i) => at(u, `c${i}`))], {
      now: NOW,
      checkUsers: false,
    });
    expect(second).toMatchObject({ accepted: 300, duplicates: 0, rejected: [] });
    const docs = await t.db.collection(ROLLUP).find({ d: '2026-03-09' }).toArray();
    expect(docs).toHaveLength(2); // one part per batch (150 member-days, then 300)
    const rows = docs.flatMap((doc) => expandRollupDoc(doc));
    expect(rows).toHaveLength(450);
    const sum = new Map<string, { n: number; e: Record<string, number> }>();
    for (const r of rows) {
      expect(r).toMatchObject({ d: '2026-03-09', w: '2026-W11', m: '2026-03' });
      const s = sum.get(r.u) ?? { n: 0, e: {} };
      s.n += r.n;
      for (const [k, c] of Object.entries(r.e)) s.e[k] = (s.e[k] ?? 0) + c;
      sum.set(r.u, s);
    }
    expect(sum.size).toBe(300);
    for (const u of old) expect(sum.get(u)).toEqual({ n: 2, e: { 'app:opened': 1, 'blog:read': 1 } });
    for (const u of fresh) expect(sum.get(u)).toEqual({ n: 1, e: { 'app:opened': 1 } });
    const day = await readDayMembers(t.db, DAY_ACTIVE, '2026-03-09');
    expect(day).toHaveLength(300);
    expect(new Set(day)).toEqual(new Set([...old, ...fresh]));
  }, 30_000);

  it('refuses a batch that is not an array, empty, or over 500', async () => {
    await expect(ingestEvents(t.db, { events: [] })).rejects.toThrow(/array/);
    await expect(ingestEvents(t.db, [])).rejects.toThrow(/empty/);
    await expect(
      ingestEvents(
        t.db,
        Array.from({ length: 501 }, (_, i) => ev(`x${i}`)),
      ),
    ).rejects.toThrow(/500/);
  });
});

describe('API keys', () => {
  it('super admin creates, lists and revokes; only a hash is stored; revoked keys stop working', async () => {
    const sa = await makeAdmin(t.db, 'super_admin');
    const caller = callerFor(t.db, sa);
    const { key, apiKey } = await caller.analytics.keys.create({ name: 'platform' });
    expect(key).toMatch(/^acube_ek_[\w-]{43}$/);
    const doc = await t.db.collection(API_KEYS).findOne({ _id: new ObjectId(apiKey.id) });
    expect(JSON.stringify(doc)).not.toContain(key);
    expect(doc!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyApiKey(t.db, `Bearer ${key}`)).toMatchObject({ name: 'platform' });
    expect(await verifyApiKey(t.db, `Bearer ${key}x`)).toBeNull();
    expect(await verifyApiKey(t.db, null)).toBeNull();
    expect((await caller.analytics.keys.list()).map((k) => k.name)).toContain('platform');
    await caller.analytics.keys.revoke({ id: apiKey.id });
    expect(await verifyApiKey(t.db, `Bearer ${key}`)).toBeNull();
    const audit = await t.db
      .collection('audit_logs')
      .find({ action: { $in: ['analytics.keys.create', 'analytics.keys.revoke'] } })
      .toArray();
    expect(audit.map((a) => a.result)).toEqual(['success', 'success']);
    expect(JSON.stringify(audit)).not.toContain(key);
  });
});
