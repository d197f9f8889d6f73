import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { clearResultCache } from './cache';
import { ingestEvents } from './ingest';
import { DAY_ACTIVE, DAY_EVENT_ACTIVE, packIds, readDayMembers, rebuildRollup, unpackIds } from './rollup';
import { loadUserDays } from './service';
import { dayIndexOfKey } from './periods';

let t: TestDb;
const a = new ObjectId();
const b = new ObjectId();
const c = new ObjectId();
const d = new ObjectId();
const DAY = '2026-03-10';
const hex = (...xs: ObjectId[]) => xs.map((x) => x.toHexString()).sort();
const ev = (eventId: string, user: ObjectId, name = 'blog.read') => ({ eventId, userId: user.toHexString(), name, ts: `${DAY}T09:00:00Z` });
const membersOf = async () => (await loadUserDays(t.db, dayIndexOfKey(DAY), dayIndexOfKey(DAY))).map((x) => x.u).sort();

beforeAll(async () => {
  t = await openTestDb('andays');
  await t.db.collection('users').insertMany([a, b, c, d].map((_id) => ({ _id, name: 'M', createdAt: new Date('2026-01-01') })));
});
afterAll(() => t.drop());

describe('day → members documents', () => {
  it('packs and unpacks member ids losslessly', () => {
    const ids = Array.from({ length: 1000 }, () => new ObjectId().toHexString());
    expect(unpackIds(packIds(ids))).toEqual(ids);
    expect(unpackIds(packIds([]))).toEqual([]);
  });

  it('keeps the members as 12 bytes each and adds later ones, also to a past day', async () => {
    await ingestEvents(t.db, [ev('p1', a)], { now: new Date('2026-03-10T12:00:00Z') });
    const doc = await t.db.collection(DAY_ACTIVE).findOne({ _id: DAY as never });
    expect(doc!.b).toBeInstanceOf(Binary);
    expect(doc).toMatchObject({ d: DAY, n: 1 });
    expect((doc!.b as Binary).length()).toBe(12);
    expect(await membersOf()).toEqual(hex(a));
    // A late event for the same day (two days later), and one from a member already counted.
    await ingestEvents(t.db, [ev('p2', b), ev('p3', a, 'app.opened')], { now: new Date('2026-03-12T00:00:00Z') });
    clearResultCache();
    expect(await membersOf()).toEqual(hex(a, b));
    expect(await t.db.collection(DAY_ACTIVE).findOne({ _id: DAY as never })).toMatchObject({ n: 2 });
    expect(await readDayMembers(t.db, DAY_EVENT_ACTIVE, `${DAY}|app:opened`)).toEqual(hex(a));
    expect((await readDayMembers(t.db, DAY_EVENT_ACTIVE, `${DAY}|blog:read`))!.sort()).toEqual(hex(a, b));
  });

  it('reads a day document of an earlier version (members as an array) and rewrites it on the next event', async () => {
    await t.db.collection(DAY_ACTIVE).replaceOne({ _id: DAY as never }, { d: DAY, m: hex(a, b) });
    expect((await readDayMembers(t.db, DAY_ACTIVE, DAY))!.sort()).toEqual(hex(a, b));
    await ingestEvents(t.db, [ev('p4', c)], { now: new Date('2026-03-12T00:00:00Z') });
    const doc = await t.db.collection(DAY_ACTIVE).findOne({ _id: DAY as never });
    expect(doc!.m).toBeUndefined();
    expect(unpackIds(doc!.b as Binary).sort()).toEqual(hex(a, b, c));
  });

  it('a rebuild writes the same members from the raw events', async () => {
    await t.db.collection('activity_events').insertOne({
      eventId: 'raw-d',
      userId: d,
      name: 'blog.read',
      ts: new Date(`${DAY}T10:00:00Z`),
      day: DAY,
      week: '2026-W11',
      month: '2026-03',
      source: 'web',
    });
    await rebuildRollup(t.db);
    clearResultCache();
    expect(await membersOf()).toEqual(hex(a, b, c, d));
    expect(await t.db.collection(DAY_ACTIVE).findOne({ _id: DAY as never })).toMatchObject({ n: 4 });
  });
});
