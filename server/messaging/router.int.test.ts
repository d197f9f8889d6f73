/**
 * messaging.* procedures through tRPC (no delivery here: nothing drains the outbox in this file, so it never
 * touches the shared test Mailpit): template versions, save-time validation, restore and audit; preview
 * masked by role; outbox retry of a dead message; suppressions and preferences masked for roles without
 * personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { adminsForAllRoles, callerFor, openTestDb, type TestDb } from '../../test/db';
import type { AdminDoc } from '../db/collections';
import type { BuiltinRole } from '../permissions';
import { ms } from './model';
import { enqueueMessage } from './outbox';

let t: TestDb;
let admins: Record<BuiltinRole, AdminDoc>;
const memberId = new ObjectId();

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET ||= 'test-secret-not-for-production-0123456789';
  t = await openTestDb('msgrouter');
  admins = await adminsForAllRoles(t.db);
  await t.db.collection('users').insertOne({ _id: memberId, name: 'Priya Sharma', email: 'priya@router.test', status: 'active', createdAt: new Date() });
});
afterAll(() => t.drop());

describe('templates', () => {
  it('saves versions, refuses unknown variables at save time, restores, and audits before/after', async () => {
    const cm = callerFor(t.db, admins.content_manager);
    const list = await cm.messaging.templates.list();
    expect(list.map((x) => x.key)).toEqual(
      expect.arrayContaining(['booking.confirmed', 'contact.reply', 'reengagement', 'event.cancelled', 'volunteer.decided']),
    );
    const tpl = await cm.messaging.templates.get({ key: 'contact.reply' });
    expect(tpl.current).toBe(1);
    await expect(
      cm.messaging.templates.save({ key: 'contact.reply', subject: 'Re: {{ subjet }}', body: tpl.versions[0]!.body, baseVersion: 1 }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('unknown variable subjet'),
    });
    const saved = await cm.messaging.templates.save({
      key: 'contact.reply',
      subject: 'Your question: {{ subject }}',
      body: tpl.versions[0]!.body,
      note: 'clearer subject',
      baseVersion: 1,
    });
    expect(saved.version).toBe(2);
    // a stale editor is told, not overwritten
    await expect(cm.messaging.templates.save({ key: 'contact.reply', subject: 'x', body: tpl.versions[0]!.body, baseVersion: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const restored = await cm.messaging.templates.restore({ key: 'contact.reply', version: 1 });
    expect(restored.version).toBe(3);
    const after = await cm.messaging.templates.get({ key: 'contact.reply' });
    expect(after.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(after.versions[0]).toMatchObject({ subject: tpl.versions[0]!.subject, note: 'Restored version 1' });
    const audit = await t.db.collection('audit_logs').find({ action: 'messaging.templates.save', result: 'success' }).toArray();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ before: { version: 1 }, after: { version: 2 } });
  });

  it('previews with a chosen member, masked for a role without personal data', async () => {
    const admin = await callerFor(t.db, admins.admin).messaging.templates.preview({ key: 'booking.confirmed', memberId: memberId.toHexString() });
    expect(admin.html).toContain('Priya');
    expect(admin.to).toBe('priya@router.test');
    await t.db.collection('roles').insertOne({
      key: 'tpl_only',
      label: 'Templates only',
      description: '',
      permissions: ['messaging.templates.edit'],
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: null,
    });
    const { makeAdmin } = await import('../../test/db');
    const editor = await makeAdmin(t.db, 'tpl_only');
    const masked = await callerFor(t.db, editor).messaging.templates.preview({ key: 'booking.confirmed', memberId: memberId.toHexString() });
    expect(masked.html).not.toContain('Priya');
    expect(masked.to).toBe('••••');
  });

  it('sends a test to the operator through the outbox', async () => {
    const r = await callerFor(t.db, admins.content_manager).messaging.templates.sendTest({ key: 'event.cancelled' });
    expect(r.to).toBe(admins.content_manager.email);
    const m = await ms.messages(t.db).findOne({ _id: new ObjectId(r.messageId) });
    expect(m).toMatchObject({ status: 'queued', to: admins.content_manager.email, templateKey: 'event.cancelled' });
  });
});

describe('outbox and suppressions', () => {
  it('retries a dead message; lists mask addresses for analysts', async () => {
    const e = await enqueueMessage(t.db, { templateKey: 'contact.reply', memberId, vars: { subject: 'S', reply: 'R' }, idempotencyKey: 'router-dead' });
    await ms.messages(t.db).updateOne({ _id: new ObjectId(e.id) }, { $set: { status: 'dead', attempts: 6, lastError: '421 try later' } });
    const admin = callerFor(t.db, admins.admin);
    await expect(callerFor(t.db, admins.analyst).messaging.outbox.retry({ id: e.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await admin.messaging.outbox.retry({ id: e.id });
    expect(await ms.messages(t.db).findOne({ _id: new ObjectId(e.id) })).toMatchObject({ status: 'queued', attempts: 0 });
    await expect(admin.messaging.outbox.retry({ id: e.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    const analystList = await callerFor(t.db, admins.analyst).messaging.outbox.list({ memberId: memberId.toHexString() });
    expect(analystList.rows[0]!.to).toBe('••••');
    await expect(callerFor(t.db, admins.analyst).messaging.outbox.list({ to: 'priya@router.test' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const full = await admin.messaging.outbox.get({ id: e.id });
    expect(full.body?.html).toContain('Priya');
    expect((await callerFor(t.db, admins.analyst).messaging.outbox.get({ id: e.id })).body).toBeNull();

    await admin.messaging.suppressions.add({ address: 'Bad@Router.test', detail: 'asked by phone' });
    expect((await admin.messaging.suppressions.list({})).map((s) => s.address)).toContain('bad@router.test');
    expect((await callerFor(t.db, admins.analyst).messaging.suppressions.list({})).every((s) => s.address === '••••')).toBe(true);
    const skipped = await enqueueMessage(t.db, {
      templateKey: 'contact.reply',
      to: 'bad@router.test',
      vars: { member: { name: 'B', first_name: 'B' }, subject: 'S', reply: 'R' },
      idempotencyKey: 'router-suppressed',
    });
    expect(skipped.status).toBe('skipped');
    await admin.messaging.suppressions.remove({ address: 'bad@router.test' });
    expect(await ms.suppressions(t.db).countDocuments({})).toBe(0);
  });

  it('member preferences: an admin change is recorded as consent', async () => {
    const admin = callerFor(t.db, admins.admin);
    const p = await admin.messaging.preferences.set({ memberId: memberId.toHexString(), categories: { news: false } });
    expect(p.categories).toEqual({ notifications: true, news: false, reengagement: true });
    expect(p.consent.at(-1)).toMatchObject({ category: 'news', value: false, how: 'admin' });
    const seen = await callerFor(t.db, admins.analyst).messaging.preferences.get({ memberId: memberId.toHexString() });
    expect(seen.address).toBe('••••');
  });
});
