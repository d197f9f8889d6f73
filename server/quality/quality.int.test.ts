import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import { adminsForAllRoles, callerFor, openTestDb, type TestDb } from '../../test/db';
import type { AdminDoc } from '../db/collections';
import type { BuiltinRole } from '../permissions';
import { withKeywords } from '../search/keywords';
import { clearCaches } from '../db/cache';
import { runMaintenanceJob } from '../maintenance/runner';
import { checkCollection, dataQualitySummary, storedQualitySummary } from './service';
import { backgroundWaitedMs, beginInteractive } from '../ops/pacing';

let t: TestDb;
let admins: Record<BuiltinRole, AdminDoc>;
const u1 = new ObjectId('6600000a0000000000000001');
const u2 = new ObjectId();
const missingCreated = new ObjectId('650000000000000000000009');

beforeAll(async () => {
  t = await openTestDb('quality');
  admins = await adminsForAllRoles(t.db);
  await t.db
    .collection('users')
    .insertMany([
      withKeywords('users', { _id: u1, name: 'Good One', email: 'a@x.io', status: 'active', createdAt: new Date() }),
      withKeywords('users', { _id: missingCreated, name: 'No Date', email: 'b@x.io', status: 'Active' }),
      withKeywords('users', { _id: u2, name: 'Odd Status', email: 'c@x.io', status: 'suspended??', createdAt: new Date() }),
    ]);
  await t.db.collection('session_bookings').insertMany([
    { userId: u1, psychologistId: new ObjectId(), scheduledAt: new Date(), status: 'CONFIRMED', createdAt: new Date() },
    { userId: new ObjectId(), psychologistId: new ObjectId(), scheduledAt: new Date(), status: 'pending', createdAt: new Date() },
  ]);
});
afterAll(() => t.drop());

const as = (r: BuiltinRole) => callerFor(t.db, admins[r]);

describe('data quality', () => {
  it('lists missing required fields, unknown enum spellings and bad references with counts', async () => {
    const r = await as('admin').quality.check({ collection: 'users' });
    const byRule = Object.fromEntries(r.issues.map((i) => [`${i.rule}:${i.field}`, i]));
    expect(byRule['missing_required:createdAt']).toMatchObject({ count: 1, fixable: 1, examples: [missingCreated.toHexString()] });
    expect(byRule['unknown_enum:status']).toMatchObject({ count: 2, fixable: 1 });
    const b = await as('admin').quality.check({ collection: 'session_bookings' });
    const refs = b.issues.filter((i) => i.rule === 'bad_reference');
    expect(refs.find((i) => i.field === 'userId')).toMatchObject({ count: 1, fixable: 0 });
  });
  it('previews then applies only the safe fixes, keeping _kw, and audits', async () => {
    const plan = await as('super_admin').quality.preview({ collection: 'users' });
    expect(plan.fixes.map((f) => [f.kind, f.from ?? null, f.to ?? null, f.count])).toEqual([
      ['fill_createdAt', null, null, 1],
      ['normalise_enum', 'Active', 'active', 1],
    ]);
    expect(plan.fixes[0]!.examples[0]!.after).toEqual(missingCreated.getTimestamp());
    expect(await t.db.collection('users').findOne({ _id: missingCreated })).toMatchObject({ status: 'Active' }); // preview writes nothing
    await as('super_admin').quality.applyFixes({ collection: 'users' });
    const fixed = await t.db.collection('users').findOne({ _id: missingCreated });
    expect(fixed).toMatchObject({ status: 'active', createdAt: missingCreated.getTimestamp(), _kw: expect.arrayContaining(['p:no', 'p:date']) }); // a member's name is personal
    expect(await t.db.collection('users').findOne({ _id: u2 })).toMatchObject({ status: 'suspended??' }); // not safe: untouched
    const after = await as('admin').quality.check({ collection: 'users' });
    expect(after.issues.map((i) => [i.rule, i.count, i.fixable])).toEqual([['unknown_enum', 1, 0]]);
    const audit = await t.db.collection('audit_logs').findOne({ action: 'quality.applyFixes' });
    expect(audit).toMatchObject({ result: 'success', target: { type: 'collection', id: 'users' } });
  });
  it('is permission-guarded and refuses system collections', async () => {
    const e = await as('analyst')
      .quality.check({ collection: 'users' })
      .catch((x: TRPCError) => x.code);
    expect(e).toBe('FORBIDDEN');
    const e2 = await as('admin')
      .quality.check({ collection: 'audit_logs' })
      .catch((x: TRPCError) => x.code);
    expect(e2).toBe('BAD_REQUEST');
  });
  it('summarises problems per collection', async () => {
    const s = await dataQualitySummary(t.db);
    expect(s.find((x) => x.collection === 'session_bookings')).toMatchObject({ problems: 4, fixable: 1 }); // CONFIRMED, 1 bad userId, 2 psychologistIds (none exist);
    expect(s.find((x) => x.collection === 'blogs')).toMatchObject({ problems: 0 });
  });
  it('the data-quality job stores the same summary as the direct computation, and the tile serves it with its time', async () => {
    clearCaches();
    // never run: the tile says so (no time, no rows) instead of computing
    const before = await as('admin').dashboard.widget({ key: 'dataQuality' });
    expect(before).toMatchObject({ ok: true, computedAt: null, data: { computedAt: null, rows: [] } });

    const direct = await dataQualitySummary(t.db);
    const t0 = Date.now();
    const run = await runMaintenanceJob(t.db, 'data-quality', { trigger: 'manual', by: { id: 'x', email: 'ops@test.local' } });
    expect(run.record).toMatchObject({ result: 'success', details: { collections: direct.length } });
    const stored = await storedQualitySummary(t.db);
    expect(stored.rows).toEqual(direct);
    expect(stored.rows.find((x) => x.collection === 'session_bookings')!.problems).toBeGreaterThan(0);
    expect(stored.computedAt!.getTime()).toBeGreaterThanOrEqual(t0 - 1000);

    // the job's write refreshed the tile's cache (tag quality_summary): no clearCaches() needed
    const tile = await as('admin').dashboard.widget({ key: 'dataQuality' });
    expect(tile.ok && tile.key === 'dataQuality' && tile.data.rows).toEqual(direct);
    expect(tile.ok && tile.computedAt).toEqual(stored.computedAt);

    // a later change is not computed by the tile: it shows the stored summary until the job runs again
    await t.db
      .collection('session_bookings')
      .insertOne({ userId: new ObjectId(), psychologistId: new ObjectId(), scheduledAt: new Date(), status: 'WRONG', createdAt: new Date() });
    clearCaches();
    const stale = await as('admin').dashboard.widget({ key: 'dataQuality' });
    expect(stale.ok && stale.key === 'dataQuality' && stale.data.rows).toEqual(direct);
    await runMaintenanceJob(t.db, 'data-quality', { trigger: 'manual' });
    const fresh = await as('admin').dashboard.widget({ key: 'dataQuality' });
    expect(fresh.ok && fresh.key === 'dataQuality' && fresh.data.rows).toEqual(await dataQualitySummary(t.db));
    expect(fresh.ok && fresh.key === 'dataQuality' && fresh.data.rows.find((x) => x.collection === 'session_bookings')!.problems).toBe(
      direct.find((x) => x.collection === 'session_bookings')!.problems + 3, // WRONG status, unknown userId, unknown psychologistId
    );
    // the tile keeps its permission: an analyst cannot read it
    await expect(as('analyst').dashboard.widget({ key: 'dataQuality' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('data-quality checks run by a job', () => {
  it("yield to requests in flight while a person's own check does not, with the same answer", async () => {
    const d = await openTestDb('quality-pace');
    try {
      const member = new ObjectId();
      await d.db.collection('users').insertOne(withKeywords('users', { _id: member, name: 'M', email: 'm@x.io', status: 'active', createdAt: new Date() }));
      await d.db
        .collection('activity_events')
        .insertMany(
          Array.from({ length: 2_100 }, (_, i) => ({ userId: i % 7 ? member : new ObjectId(), name: 'page.view', ts: new Date(), createdAt: new Date() })),
        );
      const end = beginInteractive(); // someone's request is running throughout
      try {
        const w0 = backgroundWaitedMs();
        const own = await checkCollection(d.db, 'activity_events');
        expect(backgroundWaitedMs()).toBe(w0);
        const job = await checkCollection(d.db, 'activity_events', { background: true });
        expect(backgroundWaitedMs()).toBeGreaterThan(w0);
        expect({ ...job, checkedAt: null }).toEqual({ ...own, checkedAt: null });
        expect(job.issues.find((i) => i.rule === 'bad_reference')?.count).toBe(300);
      } finally {
        end();
      }
    } finally {
      await d.drop();
    }
  });
});
