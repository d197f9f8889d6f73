/**
 * Live updates through the real subscription procedure (createCaller → live.events, the same generator the
 * SSE route runs) over the real bus (live_events in FerretDB, tailed by polling): job progress and a
 * notification reach the operator who started a backup; a second "instance" (its own MongoClient, so its
 * own hub and poller) sees events published by the first; a demoted operator stops receiving what the new
 * role may not see; a deactivated one is dropped; a reconnect with the last event id misses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, TEST_URI, type TestDb } from '../../test/db';
import { setBackupStorage } from '../backup/service';
import { DirectoryStorage } from '../backup/storage';
import { waitForJob } from '../backup/jobs';

import { writeAudit } from '../audit/service';
import { publish } from './bus';
import { revokeSession } from '../auth/session';
import { listen } from '../../test/live';
import type { AdminDoc } from '../db/collections';

let t: TestDb;
let dir: string;
beforeAll(async () => {
  t = await openTestDb('live');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acube-live-'));
  setBackupStorage(new DirectoryStorage(dir));
  await t.db.collection('blogs').insertMany(Array.from({ length: 50 }, (_, i) => ({ title: `b${i}` })));
});
afterAll(async () => {
  setBackupStorage(null);
  await t.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('live.events', () => {
  it('delivers backup progress and the "backup finished" notification to the operator who started it, not to a viewer', async () => {
    const admin = await makeAdmin(t.db, 'admin');
    const viewer = await makeAdmin(t.db, 'viewer');
    const a = await listen(t.db, admin);
    const v = await listen(t.db, viewer);
    await a.until((i) => i.type === 'hello');
    await v.until((i) => i.type === 'hello');
    const { jobId } = await callerFor(t.db, admin).backup.create({ collections: ['blogs'] });
    await waitForJob(t.db, jobId);
    const running = await a.until((i) => i.type === 'job' && i.data.id === jobId);
    expect(running.data.kind).toBe('backup');
    const done = await a.until((i) => i.type === 'job' && i.data.id === jobId && i.data.status === 'succeeded');
    expect((done.data.progress as { phase: string }).phase).toBe('done');
    const note = await a.until((i) => i.type === 'notification');
    expect(note.data).toMatchObject({ kind: 'backup.finished', title: 'Your backup finished' });
    // the bell's list has it, unread, and marking it read sticks
    const list = await callerFor(t.db, admin).notifications.list();
    expect(list.items[0]).toMatchObject({ kind: 'backup.finished', read: false });
    expect(list.unread).toBeGreaterThanOrEqual(1);
    await callerFor(t.db, admin).notifications.markRead({ ids: [list.items[0].id] });
    expect((await callerFor(t.db, admin).notifications.list()).items[0].read).toBe(true);
    // the viewer (no backup.read) got neither the job nor the admin's notification
    await new Promise((r) => setTimeout(r, 800));
    expect(v.items.filter((x) => x.item.type === 'job' || x.item.type === 'notification')).toEqual([]);
    expect((await callerFor(t.db, viewer).notifications.list()).items).toEqual([]);
    await a.close();
    await v.close();
  });

  it('an event published through one instance reaches a subscriber of another instance', async () => {
    const other = new MongoClient(TEST_URI);
    await other.connect();
    try {
      const db2 = other.db(t.db.databaseName);
      const sa = await makeAdmin(t.db, 'super_admin');
      const sub = await listen(db2, sa); // subscribed on "instance 2"
      await sub.until((i) => i.type === 'hello');
      const started = Date.now();
      await writeAudit(t.db, { actor: null, action: 'test.cross_instance', result: 'success' }); // on "instance 1"
      const got = await sub.until((i) => i.type === 'audit' && i.data.action === 'test.cross_instance', 2_000);
      expect(got.data.result).toBe('success');
      expect(Date.now() - started).toBeLessThan(2_000);
      await sub.close();
    } finally {
      await other.close();
    }
  });

  it('a demoted operator stops receiving what the new role may not see; a deactivated one is dropped', async () => {
    const sa = await makeAdmin(t.db, 'super_admin');
    await callerFor(t.db, sa).roles.create({ key: 'watcher', label: 'Watcher', description: '', permissions: ['dashboard.view', 'audit.read', 'backup.read'] });
    const w: AdminDoc = await makeAdmin(t.db, 'watcher');
    const s = await listen(t.db, w);
    await s.until((i) => i.type === 'hello');
    await writeAudit(t.db, { actor: null, action: 'test.before_demotion', result: 'success' });
    await s.until((i) => i.type === 'audit' && i.data.action === 'test.before_demotion');
    // demotion: the custom role loses audit.read (the session itself stays valid)
    await callerFor(t.db, sa).roles.update({ key: 'watcher', permissions: ['dashboard.view', 'backup.read'] });
    await writeAudit(t.db, { actor: null, action: 'test.after_demotion', result: 'success' });
    await publish(t.db, { type: 'job', permission: 'backup.read', data: { id: 'marker' } });
    await s.until((i) => i.type === 'job' && i.data.id === 'marker'); // still connected, still gets what it may see …
    expect(s.items.some((x) => x.item.data.action === 'test.after_demotion')).toBe(false); // … and not the audit entry
    // deactivation ends the stream with UNAUTHORIZED
    await callerFor(t.db, sa).admins.deactivate({ id: w._id.toHexString() });
    await publish(t.db, { type: 'job', permission: 'backup.read', data: { id: 'after-deactivation' } });
    const end = Date.now() + 8_000;
    while (!s.done && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(s.done).toBe(true);
    expect((s.error as { code?: string })?.code).toBe('UNAUTHORIZED');
    expect(s.items.some((x) => x.item.data.id === 'after-deactivation')).toBe(false);
  });

  it('an idle stream ends within seconds of its session being signed out, with no event to deliver', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const sid = `idle-${Date.now()}`;
    const s = await listen(t.db, a, undefined, sid);
    await s.until((i) => i.type === 'hello');
    await revokeSession(t.db, { adminId: a._id.toHexString(), sessionVersion: a.sessionVersion, sid, authTime: Math.floor(Date.now() / 1000) });
    // the idle check (every 5 s, no query) reads the revocation mirror (synced every 2 s)
    const end = Date.now() + 12_000;
    while (!s.done && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(s.done).toBe(true);
    expect((s.error as { code?: string })?.code).toBe('UNAUTHORIZED');
  });

  it('a reconnect with the last event id receives what was published while it was away', async () => {
    const sa = await makeAdmin(t.db, 'super_admin');
    const first = await listen(t.db, sa);
    await writeAudit(t.db, { actor: null, action: 'test.seen', result: 'success' });
    await first.until((i) => i.data.action === 'test.seen');
    const lastId = first.items[first.items.length - 1].id;
    await first.close();
    for (const n of [1, 2, 3]) await writeAudit(t.db, { actor: null, action: `test.missed_${n}`, result: 'success' });
    await new Promise((r) => setTimeout(r, 300));
    const again = await listen(t.db, sa, lastId);
    for (const n of [1, 2, 3]) await again.until((i) => i.data.action === `test.missed_${n}`);
    expect(again.items.some((x) => x.item.data.action === 'test.seen')).toBe(false);
    await again.close();
  });

  it('events whose sequence numbers land out of order are all delivered', async () => {
    const sa = await makeAdmin(t.db, 'super_admin');
    const s = await listen(t.db, sa);
    await s.until((i) => i.type === 'hello');
    // two writers take the next two numbers; the second one's insert lands first
    const top = (await t.db.collection('live_events').find().sort({ seq: -1 }).limit(1).next()) as { seq: number } | null;
    const n1 = (top?.seq ?? 0) + 1;
    const n2 = n1 + 1;
    const ev = (seq: number, id: string) => ({ _id: seq, seq, at: new Date(), type: 'job' as const, permission: null, adminId: null, data: { id } });
    await t.db.collection('live_events').insertOne(ev(n2, 'second') as never);
    await s.until((i) => i.data.id === 'second');
    await t.db.collection('live_events').insertOne(ev(n1, 'first') as never);
    await s.until((i) => i.data.id === 'first');
    await s.close();
  });
});
