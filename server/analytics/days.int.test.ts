import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { clearResultCache } from './cache';
import { ingestEvents } from './ingest';
import { DAY_PACKED, DAY_VERSION, packIds, readDayMembers, unpackIds } from './packed';
import { DAY_ACTIVE, rebuildRollup } from './rollup';
import { loadUserDays } from './service';
import { dayIndexOfKey } from './periods';

let t: TestDb;
const a = new ObjectId();
const b = new ObjectId();
const c = new ObjectId();
const DAY = '2026-03-10';
const ev = (eventId: string, user: ObjectId) => ({ eventId, userId: user.toHexString(), name: 'blog.read', ts: `${DAY}T09:00:00Z` });
const membersOf = async () => (await loadUserDays(t.db, dayIndexOfKey(DAY), dayIndexOfKey(DAY))).map((x) => x.u).sort();

beforeAll(async () => {
  t = await openTestDb('anpacked');
  await t.db.collection('users').insertMany([a, b, c].map((_id) => ({ _id, name: 'M', createdAt: new Date('2026-01-01') })));
});
afterAll(() => t.drop());

describe('packed day documents', () => {
  it('packs and unpacks member ids losslessly', () => {
    const ids = Array.from({ length: 1000 }, () => new ObjectId().toHexString());
    expect(unpackIds(packIds(ids))).toEqual(ids);
    expect(unpackIds(packIds([]))).toEqual([]);
  });

  it('reads a past day through a packed copy and never hides a late event for it', async () => {
    await ingestEvents(t.db, [ev('p1', a)], { now: new Date('2026-03-11T00:00:00Z') });
    expect(await membersOf()).toEqual([a.toHexString()]);
    const packed = await t.db.collection(DAY_PACKED).findOne({ _id: DAY as never });
    expect(packed).toMatchObject({ n: 1 });
    // The second read is served from the packed copy (same answer).
    expect(await membersOf()).toEqual([a.toHexString()]);

    // A late event for the same past day: the version moves, the packed copy is ignored and rewritten.
    await ingestEvents(t.db, [ev('p2', b)], { now: new Date('2026-03-12T00:00:00Z') });
    clearResultCache();
    expect(await membersOf()).toEqual([a.toHexString(), b.toHexString()].sort());
    const version = await t.db.collection(DAY_VERSION).findOne({ _id: DAY as never });
    expect(await t.db.collection(DAY_PACKED).findOne({ _id: DAY as never })).toMatchObject({ n: 2, v: version!.v });
  });

  it('a packed copy written from an older version is not used', async () => {
    // Simulate a reader that packed before an ingestion finished: stale content under an old version.
    await t.db.collection(DAY_PACKED).replaceOne({ _id: DAY as never }, { v: -1, b: packIds([c.toHexString()]), n: 1 }, { upsert: true });
    expect((await readDayMembers(t.db, DAY_ACTIVE, DAY, true))!.sort()).toEqual([a.toHexString(), b.toHexString()].sort());
  });

  it('a rebuild invalidates every packed copy', async () => {
    await t.db.collection('activity_events').insertOne({
      eventId: 'raw-c', userId: c, name: 'blog.read', ts: new Date(`${DAY}T10:00:00Z`), day: DAY, week: '2026-W11', month: '2026-03', source: 'web',
    });
    await rebuildRollup(t.db);
    expect(await membersOf()).toEqual([a, b, c].map((x) => x.toHexString()).sort());
  });
});
