import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTestDb, type TestDb } from '../../test/db';
import { DirectoryStorage } from './storage';
import { setBackupStorage, setSchedule, scheduleView, backupHealthSummary } from './service';
import { runScheduledBackup } from './scheduler';
import { bk } from './model';

let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await openTestDb('bsched');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-bsched-'));
  setBackupStorage(new DirectoryStorage(dir));
  await t.db.collection('blogs').insertMany([{ title: 'a' }, { title: 'b' }]);
});
afterAll(async () => {
  setBackupStorage(null);
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('scheduler', () => {
  it('runs a scheduled time once even when two instances fire, then applies retention', async () => {
    const at = new Date('2026-11-23T02:00:00Z');
    const [a, b] = await Promise.all([runScheduledBackup(t.db, at), runScheduledBackup(t.db, at)]);
    expect([a, b].sort()).toEqual(['ran', 'skipped']);
    const backups = await bk.backups(t.db).find({ trigger: 'schedule' }).toArray();
    expect(backups).toHaveLength(1);
    expect(backups[0].status).toBe('complete');
    expect(await t.db.collection('audit_logs').countDocuments({ action: 'backup.scheduled', result: 'success' })).toBe(1);
    const h = await backupHealthSummary(t.db);
    expect(h.count).toBe(1);
    expect(h.lastSuccess).toBeInstanceOf(Date);
  });

  it('validates and stores the schedule; computes the next run in UTC', async () => {
    await expect(setSchedule(t.db, { enabled: true, cron: 'every day at two', retentionDays: 30, retentionCount: 30 }, null)).rejects.toThrow(/valid schedule/);
    await setSchedule(t.db, { enabled: true, cron: '30 3 * * *', retentionDays: 7, retentionCount: 5 }, null);
    const v = await scheduleView(t.db);
    expect(v).toMatchObject({ enabled: true, cron: '30 3 * * *', retentionDays: 7, retentionCount: 5 });
    expect(v.nextRun?.toISOString()).toMatch(/T03:30:00\.000Z$/);
  });
});
