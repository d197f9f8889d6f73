/**
 * The member directory refreshes incrementally (members written since the last refresh) and agrees with
 * a full rebuild; what an incremental refresh cannot see (a removed member) goes at the full reconcile,
 * which every instance picks up through the epoch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { applyFixes } from '../quality/service';
import { dayIndexOfDate } from './periods';
import { forgetMemberDirectory, memberDirectory, reconcileMemberDirectory, refreshMemberDirectory, signupsBetween } from './members';

let t: TestDb;
const DAY = 86_400_000;
const users = () => t.db.collection('users');
const base = Date.parse('2026-01-01T10:00:00Z');

beforeAll(async () => {
  t = await openTestDb('members');
  forgetMemberDirectory();
  await users().insertMany(
    Array.from({ length: 300 }, (_, i) => ({
      _id: new ObjectId(),
      name: `M${i}`,
      email: `m${i}@example.com`,
      status: 'active',
      createdAt: new Date(base + (i % 50) * DAY),
      updatedAt: new Date(base + (i % 50) * DAY),
    })),
  );
});
afterAll(async () => {
  forgetMemberDirectory();
  await t.drop();
});

describe('member directory', () => {
  it('an incremental refresh reads only what changed and equals a full rebuild', async () => {
    const dir = await memberDirectory(t.db);
    expect(dir.size).toBe(300);
    const now = Date.now();
    // a new sign-up, and a member whose signup date was corrected (updatedAt set by the writer)
    const fresh = new ObjectId();
    await users().insertOne({ _id: fresh, name: 'New', email: 'new@example.com', status: 'active', createdAt: new Date(now) });
    const moved = (await users().findOne({}, { sort: { _id: 1 } }))!;
    await users().updateOne({ _id: moved._id }, { $set: { createdAt: new Date(base - 30 * DAY), updatedAt: new Date(now) } });
    const r = await refreshMemberDirectory(t.db);
    expect(r).toMatchObject({ mode: 'incremental', scanned: 2, size: 301 });
    const inc = await memberDirectory(t.db);
    expect(inc.get(fresh.toHexString())).toBe(dayIndexOfDate(new Date(now)));
    expect(inc.get(moved._id.toHexString())).toBe(dayIndexOfDate(new Date(base - 30 * DAY)));
    const cohort = await signupsBetween(t.db, dayIndexOfDate(new Date(base - 30 * DAY)), dayIndexOfDate(new Date(base - 30 * DAY)));
    expect([...cohort.keys()]).toEqual([moved._id.toHexString()]);
    const incremental = new Map(inc);
    forgetMemberDirectory(t.db);
    expect(new Map(await memberDirectory(t.db))).toEqual(incremental);
  });

  it('a quality fix is a write the incremental refresh sees (it sets updatedAt)', async () => {
    await memberDirectory(t.db);
    const id = new ObjectId();
    // written without createdAt and without updatedAt (an old import): invisible to an incremental refresh…
    await users().insertOne({ _id: id, name: 'No date', email: 'nodate@example.com', status: 'active' });
    await refreshMemberDirectory(t.db);
    expect((await memberDirectory(t.db)).has(id.toHexString())).toBe(false);
    // … until the quality fix fills createdAt from the id and stamps updatedAt
    const fixed = await applyFixes(t.db, 'users');
    expect(fixed.applied.find((a) => a.kind === 'fill_createdAt')?.modified).toBe(1);
    const r = await refreshMemberDirectory(t.db);
    expect(r.mode).toBe('incremental');
    expect((await memberDirectory(t.db)).get(id.toHexString())).toBe(dayIndexOfDate(id.getTimestamp()));
    const incremental = new Map(await memberDirectory(t.db));
    forgetMemberDirectory(t.db);
    expect(new Map(await memberDirectory(t.db))).toEqual(incremental);
  });

  it('the full reconcile removes what an incremental refresh cannot see, and moves the epoch for other instances', async () => {
    await memberDirectory(t.db);
    const gone = (await users().findOne({}, { sort: { _id: -1 } }))!;
    await users().deleteOne({ _id: gone._id });
    await refreshMemberDirectory(t.db);
    expect((await memberDirectory(t.db)).has(gone._id.toHexString())).toBe(true);
    const r = await reconcileMemberDirectory(t.db);
    expect(r).toMatchObject({ drift: { added: 0, removed: 1, changed: 0 } });
    expect((await memberDirectory(t.db)).has(gone._id.toHexString())).toBe(false);
    // another instance's directory (built under the old epoch) rebuilds in full at its next refresh
    await t.db.collection('maintenance_state').updateOne({ _id: 'member-directory' as never }, { $inc: { epoch: 1 } });
    expect((await refreshMemberDirectory(t.db)).mode).toBe('full');
    expect((await refreshMemberDirectory(t.db)).mode).toBe('incremental');
  });
});
