/**
 * Moderation against the real database: every transition per queue (legal/illegal, required reasons), claims
 * seen by others, notes, replies recorded as pending notices, masking, audit before/after, and a bulk change
 * of 10,000 items with a few changed concurrently reported as skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { TRPCError } from '@trpc/server';
import { adminsForAllRoles, callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { createContextInner } from '../trpc/init';
import type { AdminDoc } from '../db/collections';
import type { BuiltinRole } from '../permissions';
import { loadOperator } from '../auth/session';
import { WORKFLOWS } from '../workflows';
import { bulkSetStatus } from './bulk';
import { KIND_COLLECTION, KINDS, type Kind } from './schema';

let t: TestDb;
let admins: Record<BuiltinRole, AdminDoc>;
let mod2: AdminDoc;
const mod = () => callerFor(t.db, admins.moderator);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
}

function docFor(kind: Kind, status: string, i = 0, createdAt = new Date(Date.now() - (i + 1) * 3_600_000)) {
  const _id = new ObjectId();
  if (kind === 'contacts')
    return { _id, name: `Asha ${i}`, email: `asha${i}@example.com`, subject: `Help needed ${i}`, message: 'Please call me', status, createdAt };
  if (kind === 'volunteers') return { _id, name: `Vol ${i}`, email: `vol${i}@example.com`, city: 'Pune', areas: ['events'], status, createdAt };
  if (kind === 'bookings')
    return { _id, userId: new ObjectId(), psychologistId: new ObjectId(), scheduledAt: new Date(Date.now() - 86_400_000), mode: 'online', status, createdAt };
  return { _id, eventId: new ObjectId(), userId: new ObjectId(), status, createdAt };
}

async function insert(kind: Kind, status: string, i = 0) {
  const d = docFor(kind, status, i);
  await t.db.collection(KIND_COLLECTION[kind]).insertOne(d);
  return String(d._id);
}

beforeAll(async () => {
  t = await openTestDb('moderation');
  admins = await adminsForAllRoles(t.db);
  mod2 = await makeAdmin(t.db, 'moderator', 'second-moderator@test.local');
});
afterAll(() => t.drop());

describe('moderation', () => {
  describe('every transition of every queue, legal and illegal', () => {
    for (const kind of KINDS) {
      const c = KIND_COLLECTION[kind];
      const wf = WORKFLOWS[c];
      const statuses = Object.keys(wf.transitions);
      for (const from of statuses) {
        for (const to of statuses) {
          if (from === to) continue;
          const legal = (wf.transitions as Record<string, readonly string[]>)[from]!.includes(to);
          it(`${kind}: ${from} → ${to} is ${legal ? 'allowed' : 'BAD_REQUEST'}`, async () => {
            const id = await insert(kind, from);
            const r = await code(mod().moderation.setStatus({ kind, id, version: 0, to, reason: 'checked' }));
            expect(r).toBe(legal ? 'OK' : 'BAD_REQUEST');
            const doc = await t.db.collection(c).findOne({ _id: new ObjectId(id) });
            expect(doc?.status).toBe(legal ? to : from);
            if (legal) expect(doc?.version).toBe(1);
          });
        }
      }
    }
  });

  it('requires a reason for spam, reject and cancel, and records it', async () => {
    const id = await insert('contacts', 'new');
    expect(await code(mod().moderation.setStatus({ kind: 'contacts', id, version: 0, to: 'spam' }))).toBe('BAD_REQUEST');
    expect(await code(mod().moderation.setStatus({ kind: 'contacts', id, version: 0, to: 'spam', reason: '   ' }))).toBe('BAD_REQUEST');
    await mod().moderation.setStatus({ kind: 'contacts', id, version: 0, to: 'spam', reason: 'Crypto advert' });
    const doc = await t.db.collection('contacts').findOne({ _id: new ObjectId(id) });
    expect(doc?.statusReason).toBe('Crypto advert');
    const audit = await t.db.collection('audit_logs').findOne({ action: 'moderation.setStatus', 'target.id': id, result: 'success' });
    expect(audit?.details).toMatchObject({ before: { status: 'new' }, after: { status: 'spam', statusReason: 'Crypto advert' } });
    const vol = await insert('volunteers', 'applied');
    expect(await code(mod().moderation.setStatus({ kind: 'volunteers', id: vol, version: 0, to: 'rejected' }))).toBe('BAD_REQUEST');
    const bk = await insert('bookings', 'pending');
    expect(await code(mod().moderation.setStatus({ kind: 'bookings', id: bk, version: 0, to: 'cancelled' }))).toBe('BAD_REQUEST');
  });

  it('claims: assigned to me, others see the holder and cannot change it; notes and replies are recorded', async () => {
    const id = await insert('contacts', 'new', 500);
    const c1 = await mod().moderation.claim({ kind: 'contacts', id });
    expect(c1.claimedBy?.email).toBe(admins.moderator.email);
    const other = callerFor(t.db, mod2);
    const seen = await other.moderation.item({ kind: 'contacts', id });
    expect(seen.claimedBy?.email).toBe(admins.moderator.email);
    const q = await other.moderation.queue({ kind: 'contacts', view: 'new', claimed: 'others' });
    expect(q.items.map((i) => i.id)).toContain(id);
    expect(await code(other.moderation.claim({ kind: 'contacts', id }))).toBe('CONFLICT');
    expect(await code(other.moderation.setStatus({ kind: 'contacts', id, version: c1.version, to: 'resolved' }))).toBe('CONFLICT');
    // stale version for the holder too
    expect(await code(mod().moderation.setStatus({ kind: 'contacts', id, version: 0, to: 'resolved' }))).toBe('CONFLICT');
    const note = await mod().moderation.note({ kind: 'contacts', id, text: 'Called back, waiting for documents' });
    expect(note.byEmail).toBe(admins.moderator.email);
    await mod().moderation.reply({ kind: 'contacts', id, subject: 'Re: Help needed', body: 'We will call you tomorrow.' });
    const notice = await t.db.collection('notices').findOne({ about: `contacts:${id}` });
    expect(notice).toMatchObject({ kind: 'reply', status: 'pending_messaging', subject: 'Re: Help needed', to: { collection: 'contacts', id } });
    await mod().moderation.setStatus({ kind: 'contacts', id, version: c1.version, to: 'resolved' });
    const after = await other.moderation.item({ kind: 'contacts', id });
    expect(after.status).toBe('resolved');
    expect(after.notes.map((n) => n.text)).toEqual(['Called back, waiting for documents']);
    expect(after.replies.total).toBe(1);
    // take over (force) is allowed and audited
    const taken = await other.moderation.claim({ kind: 'contacts', id, force: true });
    expect(taken.claimedBy?.email).toBe(mod2.email);
    const audit = await t.db.collection('audit_logs').findOne({ action: 'moderation.claim', 'target.id': id, 'details.takeover': true });
    expect(audit?.details).toMatchObject({ before: { claimedBy: admins.moderator.email }, after: { claimedBy: mod2.email } });
  });

  it('masks personal fields for roles without data.personal.read', async () => {
    const id = await insert('contacts', 'new', 600);
    const role = {
      key: 'mod_no_personal',
      label: 'Mod (no personal)',
      description: '',
      permissions: ['moderation.manage'],
      createdAt: new Date(),
      updatedAt: new Date(),
      createdBy: null,
    };
    await t.db.collection('roles').insertOne(role);
    const limited = callerFor(t.db, await makeAdmin(t.db, 'mod_no_personal'));
    const it1 = await limited.moderation.item({ kind: 'contacts', id });
    expect(it1.fields.find((f) => f.name === 'email')?.value).toBe('••••');
    expect(it1.fields.find((f) => f.name === 'message')?.value).toBe('••••');
    expect(it1.sub).not.toContain('asha600@example.com');
    const full = await mod().moderation.item({ kind: 'contacts', id });
    expect(full.fields.find((f) => f.name === 'email')?.value).toBe('asha600@example.com');
    // a booking's member name (personal in the registry) is masked in the queue too
    const userId = new ObjectId();
    await t.db.collection('users').insertOne({ _id: userId, name: 'Ravi Secret', email: 'ravi@example.com', status: 'active', createdAt: new Date() });
    const bk = { ...docFor('bookings', 'pending', 601), userId };
    await t.db.collection('session_bookings').insertOne(bk);
    const limitedQueue = await limited.moderation.queue({ kind: 'bookings', view: 'pending', pageSize: 100 });
    expect(limitedQueue.items.find((i) => i.id === String(bk._id))?.title).toBe('••••');
    const fullQueue = await mod().moderation.queue({ kind: 'bookings', view: 'pending', pageSize: 100 });
    expect(fullQueue.items.find((i) => i.id === String(bk._id))?.title).toBe('Ravi Secret');
  });

  it('queue: oldest first, age and SLA, counts per view; URL-like bad views are refused', async () => {
    const old = docFor('volunteers', 'applied', 1, new Date(Date.now() - 10 * 86_400_000));
    const young = docFor('volunteers', 'applied', 2, new Date(Date.now() - 3_600_000));
    await t.db.collection('volunteers').insertMany([young, old]);
    const q = await mod().moderation.queue({ kind: 'volunteers', view: 'applied' });
    const ids = q.items.map((i) => i.id);
    expect(ids.indexOf(String(old._id))).toBeLessThan(ids.indexOf(String(young._id)));
    const o = q.items.find((i) => i.id === String(old._id))!;
    expect(o.overdue).toBe(true);
    expect(o.ageMs).toBeGreaterThan(9 * 86_400_000);
    expect(q.items.find((i) => i.id === String(young._id))!.overdue).toBe(false);
    expect(q.views.find((v) => v.key === 'applied')!.count).toBeGreaterThanOrEqual(2);
    expect(await code(mod().moderation.queue({ kind: 'volunteers', view: 'nope' }))).toBe('BAD_REQUEST');
  });

  it('bulk: an illegal transition is a BAD_REQUEST and nothing is applied', async () => {
    const a = await insert('contacts', 'resolved', 700);
    const b = await insert('contacts', 'new', 701);
    expect(
      await code(
        mod().moderation.bulk({
          kind: 'contacts',
          to: 'spam',
          reason: 'x',
          scope: {
            mode: 'ids',
            items: [
              { id: a, version: 0 },
              { id: b, version: 0 },
            ],
          },
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect((await t.db.collection('contacts').findOne({ _id: new ObjectId(b) }))?.status).toBe('new');
    expect(await code(mod().moderation.bulk({ kind: 'contacts', to: 'new', scope: { mode: 'all', view: 'new', expected: 1 } }))).toBe('BAD_REQUEST');
    expect(await code(mod().moderation.bulk({ kind: 'contacts', to: 'spam', scope: { mode: 'all', view: 'new', expected: 1 } }))).toBe('BAD_REQUEST');
  });

  it('bulk: selected items with a stale version are skipped, held ones refused, the rest changed', async () => {
    const ids = await Promise.all([0, 1, 2, 3].map((i) => insert('bookings', 'pending', 800 + i)));
    await callerFor(t.db, mod2).moderation.claim({ kind: 'bookings', id: ids[3]! }); // version 1, held by mod2
    await t.db.collection('session_bookings').updateOne({ _id: new ObjectId(ids[2]!) }, { $set: { status: 'confirmed', version: 1 } });
    const r = await mod().moderation.bulk({
      kind: 'bookings',
      to: 'confirmed',
      scope: {
        mode: 'ids',
        items: [
          { id: ids[0]!, version: 0 },
          { id: ids[1]!, version: 0 },
          { id: ids[2]!, version: 0 },
          { id: ids[3]!, version: 1 },
          { id: new ObjectId().toHexString(), version: 0 },
        ],
      },
    });
    expect({ changed: r.changed, skipped: r.skipped, refused: r.refused }).toEqual({ changed: 2, skipped: 1, refused: 2 });
    expect(r.items.find((i) => i.id === ids[2])!.reason).toMatch(/someone else/);
    expect(r.items.find((i) => i.id === ids[3])!.reason).toMatch(/held by/);
  });

  it('bulk: "all N matching" over 10,000 items, a few changed concurrently are reported as skipped', async () => {
    const N = 10_000;
    const coll = t.db.collection('contacts');
    const base = Date.now() - 30 * 86_400_000;
    const docs = Array.from({ length: N }, (_, i) => ({
      _id: new ObjectId(),
      name: `Bulk ${i}`,
      email: `bulk${i}@example.com`,
      subject: `Bulk ${i}`,
      status: 'in_progress',
      createdAt: new Date(base + i * 1000),
      bulkTest: true,
    }));
    for (let i = 0; i < N; i += 1000) await coll.insertMany(docs.slice(i, i + 1000), { ordered: false });
    const op = (await loadOperator(t.db, { adminId: admins.moderator._id.toHexString(), sessionVersion: admins.moderator.sessionVersion }))!;
    const meddled = [docs[5]!, docs[4321]!, docs[9998]!].map((d) => d._id);
    const audit = createContextInner({ db: t.db, session: null }).audit;
    const started = Date.now();
    const r = await bulkSetStatus(t.db, op, { kind: 'contacts', to: 'resolved', scope: { mode: 'all', view: 'in_progress', expected: N } }, audit, {
      // another moderator resolves / marks spam a few of them after the set was read
      afterSnapshot: async () => {
        await callerFor(t.db, mod2).moderation.setStatus({ kind: 'contacts', id: String(meddled[0]), version: 0, to: 'resolved' });
        await callerFor(t.db, mod2).moderation.setStatus({ kind: 'contacts', id: String(meddled[1]), version: 0, to: 'spam', reason: 'spam' });
        await callerFor(t.db, mod2).moderation.claim({ kind: 'contacts', id: String(meddled[2]) });
      },
    });
    const ms = Date.now() - started;
    console.log(`[bulk] ${N} items in ${ms} ms`);
    expect(r.matched).toBeGreaterThanOrEqual(N);
    expect(r.skipped).toBe(3);
    expect(
      r.items
        .filter((i) => i.outcome === 'skipped')
        .map((i) => i.id)
        .sort(),
    ).toEqual(meddled.map(String).sort());
    expect(r.changed).toBe(r.matched - 3 - r.refused);
    expect(r.items).toHaveLength(r.matched);
    expect(await coll.countDocuments({ bulkTest: true, status: 'resolved', lastOp: r.opId })).toBe(N - 3);
    expect((await coll.findOne({ _id: meddled[1] }))?.status).toBe('spam');
    expect(audit.details).toMatchObject({ after: { status: 'resolved' } });
  }, 600_000);
});
