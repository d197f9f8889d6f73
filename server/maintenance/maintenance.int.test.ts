/**
 * Maintenance jobs against FerretDB: each scheduled job runs once when two instances (two MongoClients,
 * as two app processes would have) fire at the same scheduled time; audit retention archives before it
 * removes, and removes nothing when the archive fails; "run now" is permissioned and recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, TEST_URI, type TestDb } from '../../test/db';
import { setBackupStorage } from '../backup/service';
import { DirectoryStorage } from '../backup/storage';
import { bk } from '../backup/model';
import { collections } from '../db/collections';
import { notifications } from '../notifications/service';
import { MAINTENANCE_JOB_KEYS, runAuditRetention, runPrune } from './jobs';
import { maintenanceRuns, runMaintenanceJob, runNeededAtStart } from './runner';
import { storedQualitySummary } from '../quality/service';
import { hasUsableSnapshot } from '../analytics/members';

let t: TestDb;
let other: MongoClient;
let dir: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await openTestDb('maint');
  other = new MongoClient(TEST_URI);
  await other.connect();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-maint-'));
  setBackupStorage(new DirectoryStorage(dir));
});
afterAll(async () => {
  setBackupStorage(null);
  await other.close();
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function seedAudit(n: number, ageDays: number, action: string) {
  const at = new Date(Date.now() - ageDays * DAY);
  await collections.auditLogs(t.db).insertMany(
    Array.from({ length: n }, (_, i) => ({
      at: new Date(at.getTime() + i),
      actor: null,
      actorEmail: '',
      action,
      result: 'success' as const,
      day: at.toISOString().slice(0, 10),
    })),
  );
}

describe('maintenance', () => {
  it('each scheduled job runs once when two instances fire at the same time', async () => {
    const db2 = other.db(t.db.databaseName);
    const at = new Date('2026-11-30T03:30:00Z');
    for (const key of MAINTENANCE_JOB_KEYS) {
      const [a, b] = await Promise.all([
        runMaintenanceJob(t.db, key, { trigger: 'schedule', scheduledAt: at, owner: 'instance-1' }),
        runMaintenanceJob(db2, key, { trigger: 'schedule', scheduledAt: at, owner: 'instance-2' }),
      ]);
      expect([a.status, b.status].sort(), key).toEqual(['ran', 'skipped']);
      const ran = a.status === 'ran' ? a : b;
      expect(ran.record?.result, `${key}: ${ran.record?.error}`).toBe('success');
      const state = await maintenanceRuns(t.db).findOne({ _id: key });
      expect(state?.last?.trigger).toBe('schedule');
      expect(state?.running).toBeNull();
      // the same scheduled time again (a third instance, late): skipped
      expect((await runMaintenanceJob(db2, key, { trigger: 'schedule', scheduledAt: at, owner: 'instance-3' })).status).toBe('skipped');
    }
  });

  it('audit retention archives the old entries into a backup before it removes them', async () => {
    await collections.auditLogs(t.db).deleteMany({});
    await seedAudit(30, 400, 'test.old');
    await seedAudit(5, 10, 'test.recent');
    const r = await runAuditRetention(t.db, new Date(), 365);
    expect(r.removed).toBe(30);
    const archive = await bk.backups(t.db).findOne({ _id: r.archiveId! });
    expect(archive?.status).toBe('complete');
    expect(archive?.trigger).toBe('archive');
    expect(archive?.collections.find((c) => c.name === 'audit_logs')?.count).toBeGreaterThanOrEqual(35);
    expect(archive!.finishedAt!.getTime()).toBeLessThanOrEqual((r.removedAt as Date).getTime());
    expect(await collections.auditLogs(t.db).countDocuments({ action: 'test.old' })).toBe(0);
    expect(await collections.auditLogs(t.db).countDocuments({ action: 'test.recent' })).toBe(5);
    // the archive is not something backup retention may remove
    await bk.backups(t.db).updateOne({ _id: archive!._id }, { $set: { createdAt: new Date(Date.now() - 400 * DAY) } });
    const { applyRetention } = await import('../backup/service');
    await applyRetention(t.db);
    expect(await bk.backups(t.db).countDocuments({ _id: archive!._id })).toBe(1);
  });

  it('audit retention removes nothing when the archive cannot be written', async () => {
    await seedAudit(7, 500, 'test.old2');
    setBackupStorage(new DirectoryStorage(path.join(dir, 'missing', '\0bad')));
    try {
      const res = await runMaintenanceJob(t.db, 'audit-retention', { trigger: 'manual' });
      expect(res.record?.result).toBe('failure');
      expect(res.record?.error).toMatch(/nothing was removed/);
    } finally {
      setBackupStorage(new DirectoryStorage(dir));
    }
    expect(await collections.auditLogs(t.db).countDocuments({ action: 'test.old2' })).toBe(7);
    // the failure reached the bell of those who can look at the system
    expect(await notifications(t.db).countDocuments({ kind: 'maintenance.failed', permission: 'system.read' })).toBeGreaterThanOrEqual(1);
  });

  it('run now: super admin only, recorded with who ran it; CONFLICT while the same job runs', async () => {
    const sa = await makeAdmin(t.db, 'super_admin');
    const admin = await makeAdmin(t.db, 'admin');
    await expect(callerFor(t.db, admin).system.maintenance.run({ key: 'prune' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const rec = await callerFor(t.db, sa).system.maintenance.run({ key: 'prune' });
    expect(rec).toMatchObject({ result: 'success', trigger: 'manual', by: sa.email });
    const list = await callerFor(t.db, admin).system.maintenance.list();
    expect(list.find((j) => j.key === 'prune')?.last?.by).toBe(sa.email);
    expect(list.find((j) => j.key === 'prune')?.nextRun).toBeInstanceOf(Date);
    expect(await collections.auditLogs(t.db).countDocuments({ action: 'system.maintenance.run', 'actor.email': sa.email })).toBe(1);
    await t.db
      .collection('backup_locks')
      .insertOne({ _id: 'maint-run:prune', owner: 'elsewhere', at: new Date(), expiresAt: new Date(Date.now() + 60_000) } as never);
    await expect(callerFor(t.db, sa).system.maintenance.run({ key: 'prune' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await t.db.collection('backup_locks').deleteOne({ _id: 'maint-run:prune' } as never);
  });

  it('prune removes expired counters and locks, old jobs and old live events but keeps the newest event', async () => {
    // its own database: an earlier test's live events (published after their jobs returned) would land
    // between the seeding below and the prune, and be the "newest" kept in place of ours
    const p = await openTestDb('maintprune');
    try {
      const now = new Date();
      await p.db.collection('rate_limits').insertMany([
        { key: 'x1', points: 1, expire: new Date(now.getTime() - 1000) },
        { key: 'x2', points: 1, expire: new Date(now.getTime() + 60_000) },
      ]);
      await p.db.collection('live_events').insertMany([
        { _id: 1, seq: 1, at: new Date(now.getTime() - 3 * DAY), type: 'audit', permission: null, adminId: null, data: {} },
        { _id: 2, seq: 2, at: new Date(now.getTime() - 2 * DAY), type: 'audit', permission: null, adminId: null, data: {} },
      ] as never);
      const r = await runPrune(p.db, now); // directly: a recorded run would publish a live event of its own
      expect(r.liveEvents).toBe(1);
      expect(await p.db.collection('rate_limits').countDocuments({ key: { $in: ['x1', 'x2'] } })).toBe(1);
      expect((await p.db.collection('live_events').find().toArray()).map((d) => d.seq)).toEqual([2]);
    } finally {
      await p.drop();
    }
  });

  it('a job whose product is missing runs once at start, on one of two instances, and never again', async () => {
    const fresh = await openTestDb('maintstart');
    const other2 = new MongoClient(TEST_URI);
    await other2.connect();
    try {
      const db2 = other2.db(fresh.db.databaseName);
      expect((await storedQualitySummary(fresh.db)).computedAt).toBeNull();
      const [a, b] = await Promise.all([runNeededAtStart(fresh.db, 'instance-1'), runNeededAtStart(db2, 'instance-2')]);
      // the data-quality summary and the member directory snapshot are missing on a fresh database
      expect([...a, ...b].sort()).toEqual(['data-quality', 'member-snapshot']);
      expect(await hasUsableSnapshot(fresh.db)).toBe(true);
      const state = await maintenanceRuns(fresh.db).findOne({ _id: 'data-quality' });
      expect(state?.last?.trigger).toBe('startup');
      expect(state?.last?.result, state?.last?.error ?? '').toBe('success');
      expect((await storedQualitySummary(fresh.db)).computedAt).not.toBeNull();
      // no other job has a start-up run, and a successful one leaves no audit entry and no notification
      expect(await maintenanceRuns(fresh.db).countDocuments({ 'last.trigger': 'startup' })).toBe(2);
      expect(await collections.auditLogs(fresh.db).countDocuments({})).toBe(0);
      expect(await notifications(fresh.db).countDocuments({})).toBe(0);
      // a later start: it ran, nothing to do
      expect(await runNeededAtStart(fresh.db, 'instance-3')).toEqual([]);
      // it ran once but its product is gone (e.g. a failed run): not repeated at start, the schedule will do it
      await fresh.db.collection('quality_summary').deleteMany({});
      await fresh.db.collection<{ _id: string }>('backup_locks').deleteMany({ _id: 'maint-start:data-quality' });
      expect(await runNeededAtStart(fresh.db, 'instance-4')).toEqual([]);
      // never ran and missing, but another instance holds the start-up marker: not run here
      await maintenanceRuns(fresh.db).deleteMany({});
      await fresh.db
        .collection('backup_locks')
        .insertOne({ _id: 'maint-start:data-quality', owner: 'x', at: new Date(), expiresAt: new Date(Date.now() + 60_000) } as never);
      expect(await runNeededAtStart(fresh.db, 'instance-5')).toEqual([]);
      // the marker gone (expired, its instance died): this start runs it
      await fresh.db.collection<{ _id: string }>('backup_locks').deleteMany({ _id: 'maint-start:data-quality' });
      expect(await runNeededAtStart(fresh.db, 'instance-6')).toEqual(['data-quality']);
    } finally {
      await other2.close();
      await fresh.drop();
    }
  }, 60_000);
});
