/**
 * The outbox against the real test Mailpit (scripts/test.mjs: SMTP_URL, MAILPIT_API, chaos on): what is
 * asserted is what Mailpit received (headers, HTML, text part), read through its API. Every file that
 * sends mail is this one, so the chaos switch (global to that Mailpit) never disturbs another file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import { openTestDb, TEST_URI, type TestDb } from '../../test/db';
import { getHeaders, getMail, searchMail, setChaos, waitForMail } from '../../test/mailpit';
import { ms } from './model';
import { drainOutbox, enqueueMessage } from './outbox';
import { dueQueue, laterQueue } from './queue';
import { setPreferences } from './preferences';
import { signToken } from './tokens';
import { closeTransports } from './transport';
import { recordClick, recordOpen } from './tracking';

let t: TestDb;
let db: Db;
const domain = `m${randomBytes(4).toString('hex')}.test`;
const addr = (local: string) => `${local}@${domain}`;

async function member(name: string, local: string): Promise<ObjectId> {
  const _id = new ObjectId();
  await db.collection('users').insertOne({ _id, name, email: addr(local), status: 'active', city: 'Pune', createdAt: new Date() });
  return _id;
}

/** Drains until nothing is due (retries with a 1 ms base come due at once). */
async function drainAll(rounds = 20) {
  let last;
  for (let i = 0; i < rounds; i++) {
    last = await drainOutbox(db);
    const due = await ms.messages(db).findOne({ status: 'queued' });
    if (!due) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return last;
}

beforeAll(async () => {
  process.env.MESSAGING_RETRY_BASE_MS = '1';
  process.env.MESSAGING_MAX_ATTEMPTS = '3';
  process.env.NEXTAUTH_SECRET ||= 'test-secret-not-for-production-0123456789';
  t = await openTestDb('messaging');
  db = t.db;
  // the public route handlers read the app database through getDb(): point it at this file's database
  (globalThis as unknown as { __acubeMongo?: unknown }).__acubeMongo = { client: t.client, ready: Promise.resolve(db) };
  await setChaos(null);
});

afterAll(async () => {
  await setChaos(null).catch(() => undefined);
  closeTransports();
  await t.drop();
});

describe('delivery through SMTP to Mailpit', () => {
  it('sends a transactional message once, with Message-ID, idempotency header, escaped HTML and a text part', async () => {
    const id = await member('Asha <b>Rao</b>', 'asha');
    const vars = { booking: { time: '2026-12-03 10:00 UTC', psychologist: 'Dr. Iyer', mode: 'online' } };
    const a = await enqueueMessage(db, { templateKey: 'booking.confirmed', memberId: id, vars, idempotencyKey: `booking-confirmed:${id}` });
    const b = await enqueueMessage(db, { templateKey: 'booking.confirmed', memberId: id, vars, idempotencyKey: `booking-confirmed:${id}` });
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ id: a.id, created: false });
    const stats = await drainAll();
    expect(stats?.sent).toBe(1);
    const got = await waitForMail(`to:"${addr('asha')}"`);
    expect(got).toHaveLength(1);
    const doc = (await ms.messages(db).findOne({ _id: new ObjectId(a.id) }))!;
    expect(doc.status).toBe('sent');
    const mail = await getMail(got[0]!.ID);
    expect(mail.MessageID).toBe(doc.messageId);
    expect(mail.Subject).toBe('Your session on 2026-12-03 10:00 UTC is confirmed');
    expect(mail.HTML).toContain('Dr. Iyer');
    expect(mail.HTML).toContain('Asha'); // first name
    expect(mail.HTML).not.toContain('<b>Rao</b>'); // member data is escaped in HTML
    expect(mail.HTML).toContain('/api/messaging/t/o/'); // open pixel
    expect(mail.HTML).toMatch(/href="[^"]*\/api\/messaging\/t\/c\//); // tracked link
    expect(mail.Text).toContain('Dr. Iyer');
    expect(mail.Text).not.toContain('<mj-');
    const h = await getHeaders(got[0]!.ID);
    expect(h['X-Idempotency-Key']).toEqual([`booking-confirmed:${id}`]);
    // the footer's preferences link opens the public page without a session
    const prefs = mail.HTML.match(/href="([^"]*\/api\/messaging\/preferences\?token=[^"]+)"/)![1]!.replace(/&amp;/g, '&');
    const { GET } = await import('../../app/api/messaging/preferences/route');
    const page = await GET(new Request(prefs));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(addr('asha'));
    const { POST } = await import('../../app/api/messaging/preferences/route');
    const saved = await POST(
      new Request(prefs, {
        method: 'POST',
        body: '_form=1&notifications=on&reengagement=on',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(saved.status).toBe(303);
    expect((await ms.preferences(db).findOne({ _id: addr('asha') }))?.categories).toEqual({ notifications: true, news: false, reengagement: true });
    expect((await GET(new Request(prefs.replace('token=', 'token=x')))).status).toBe(400);
    expect(h['List-Unsubscribe']).toBeUndefined(); // transactional
  });

  it("the one-pass MIME (mime.ts) reads in Mailpit exactly as nodemailer's own MIME tree does", async () => {
    const { transporter, sendMail } = await import('./transport');
    const html = `<html><body><p>Héllo Ünïcode — 日本語 &amp; "quotes" =3D</p>${'<p>a long line '.repeat(40)}</p>\n<a href="https://x.test/a?b=1&amp;c=2">link</a> trailing space \n</body></html>`;
    const text = `Héllo Ünïcode — 日本語\nline with trailing space \n${'long text '.repeat(30)}\n.\n..dot-led line`;
    const base = {
      from: 'A-Cube Équipe <no-reply@acube.test>',
      subject: 'Ünïcode subject, long enough to be folded over more than one header line — 日本語 ✓',
      html,
      text,
      headers: {
        'X-Idempotency-Key': 'mime-diff',
        'List-Unsubscribe': `<https://acube.test/api/messaging/unsubscribe?token=${'t'.repeat(200)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
    // nodemailer's own tree, as the outbox sent before
    await transporter().sendMail({ ...base, to: addr('mime-tree'), messageId: `<tree.${domain}>`, textEncoding: 'quoted-printable' });
    expect((await sendMail({ ...base, to: addr('mime-raw'), messageId: `raw.${domain}` })).ok).toBe(true);
    const [tree] = await waitForMail(`to:"${addr('mime-tree')}"`);
    const [raw] = await waitForMail(`to:"${addr('mime-raw')}"`);
    const a = await getMail(tree!.ID);
    const b = await getMail(raw!.ID);
    for (const k of ['Subject', 'HTML', 'Text'] as const) expect(b[k], k).toBe(a[k]);
    expect(b.HTML).toContain('日本語');
    const [ha, hb] = [await getHeaders(tree!.ID), await getHeaders(raw!.ID)];
    for (const k of ['From', 'Subject', 'X-Idempotency-Key', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Mime-Version']) expect(hb[k], k).toEqual(ha[k]);
    expect(hb['To']).toEqual([addr('mime-raw')]);
    expect(hb['Message-Id']).toEqual([`<raw.${domain}>`]);
  });

  it('marketing mail carries RFC 8058 headers; one-click POST unsubscribes without a session; tampering is 400', async () => {
    const id = await member('Ravi Kumar', 'ravi');
    const r = await enqueueMessage(db, { templateKey: 'reengagement', memberId: id, vars: { recommendations: [] }, idempotencyKey: `reeng-test:${id}` });
    await drainAll();
    const [m] = await waitForMail(`to:"${addr('ravi')}"`);
    const h = await getHeaders(m!.ID);
    expect(h['List-Unsubscribe-Post']).toEqual(['List-Unsubscribe=One-Click']);
    const url = new URL(h['List-Unsubscribe']![0]!.replace(/^<|>$/g, ''));
    expect(url.pathname).toBe('/api/messaging/unsubscribe');
    const { POST } = await import('../../app/api/messaging/unsubscribe/route');
    // (the signature's first character: its last one carries 2 padding bits of base64, and A/B/C/D there
    // decode to the same signature, so changing it was invisible in ~6 % of runs)
    const tampered = url.searchParams.get('token')!.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    const bad = await POST(new Request(`http://x/api/messaging/unsubscribe?token=${tampered}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' }));
    expect(bad.status).toBe(400);
    const ok = await POST(
      new Request(`http://x${url.pathname}${url.search}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(ok.status).toBe(200);
    const pref = await ms.preferences(db).findOne({ _id: addr('ravi') });
    expect(pref?.categories.reengagement).toBe(false);
    expect(pref?.consent.at(-1)).toMatchObject({ how: 'one_click_unsubscribe', category: 'reengagement', value: false });
    expect((await ms.messages(db).findOne({ _id: new ObjectId(r.id) }))?.unsubscribedAt).toBeInstanceOf(Date);
    // excluded at enqueue from now on
    const again = await enqueueMessage(db, { templateKey: 'reengagement', memberId: id, vars: { recommendations: [] }, idempotencyKey: `reeng-test-2:${id}` });
    expect(again).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed (reengagement)' });
  });

  it('respects a preference changed after enqueue (checked again at send time)', async () => {
    const id = await member('Meena Das', 'meena');
    const r = await enqueueMessage(db, { templateKey: 'reengagement', memberId: id, vars: { recommendations: [] }, idempotencyKey: `reeng-late:${id}` });
    expect(r.status).toBe('queued');
    await setPreferences(db, addr('meena'), { reengagement: false }, 'preferences_page', null);
    const s = await drainAll();
    expect(s?.skipped).toBe(1);
    expect(await ms.messages(db).findOne({ _id: new ObjectId(r.id) })).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed (reengagement)' });
    expect(await searchMail(`to:"${addr('meena')}"`)).toHaveLength(0);
    // transactional mail still goes out
    const tr = await enqueueMessage(db, {
      templateKey: 'contact.reply',
      memberId: id,
      vars: { subject: 'Fees', reply: 'Hello' },
      idempotencyKey: `contact-reply:${id}`,
    });
    expect(tr.status).toBe('queued');
    await drainAll();
    expect(await waitForMail(`to:"${addr('meena')}"`)).toHaveLength(1);
  });
});

describe('tracking', () => {
  it('redirects only to signed URLs of the message; tampered tokens are refused', async () => {
    const [m] = await waitForMail(`to:"${addr('asha')}"`);
    const mail = await getMail(m!.ID);
    const link = mail.HTML.match(/href="([^"]*\/api\/messaging\/t\/c\/[^"]+)"/)![1]!;
    const token = link.slice(link.lastIndexOf('/') + 1);
    const target = await recordClick(db, token);
    expect(target).toMatch(/^https?:\/\//);
    const doc = await ms.messages(db).findOne({ toLower: addr('asha') });
    expect(doc?.clickedAt).toBeInstanceOf(Date);
    expect(doc?.openedAt).toBeInstanceOf(Date);
    // open redirect attempt: same signature, another URL in the payload
    const [body, sig] = token.split('.');
    const p = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...p, u: 'https://evil.example/' })).toString('base64url')}.${sig}`;
    expect(await recordClick(db, forged)).toBeNull();
    // a token of another kind (open) is not a click token
    expect(await recordClick(db, signToken({ k: 'open', m: doc!._id.toHexString() }))).toBeNull();
    // through the route: 400, no Location
    const { GET } = await import('../../app/api/messaging/t/c/[token]/route');
    const res = await GET(new Request('http://x/'), { params: Promise.resolve({ token: forged }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const ok = await GET(new Request('http://x/'), { params: Promise.resolve({ token }) });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(target);
    expect(await recordOpen(db, `${token}x`)).toBe(false);
  });
});

describe('retries, dead letters and bounces (Mailpit chaos)', () => {
  it('retries a 4xx with backoff, then succeeds once the server accepts', async () => {
    await setChaos({ code: 451, probability: 100 });
    process.env.MESSAGING_RETRY_BASE_MS = '60000';
    const r = await enqueueMessage(db, {
      templateKey: 'contact.reply',
      to: addr('retry'),
      vars: { member: { name: 'X', first_name: 'X' }, subject: 'S', reply: 'R' },
      idempotencyKey: 'retry-1',
    });
    const s1 = await drainOutbox(db);
    process.env.MESSAGING_RETRY_BASE_MS = '1';
    expect(s1.retried).toBe(1);
    const d1 = (await ms.messages(db).findOne({ _id: new ObjectId(r.id) }))!;
    expect(d1).toMatchObject({ status: 'queued', attempts: 1 });
    expect(d1.lastError).toMatch(/^451/);
    // backoff: 30–60 s after the first failure with a 60 s base (jitter in [½, 1])
    const wait = d1.nextAttemptAt.getTime() - d1.updatedAt.getTime();
    expect(wait).toBeGreaterThanOrEqual(29_000);
    expect(wait).toBeLessThanOrEqual(60_500);
    // waiting in the later queue with its time, out of the due queue
    expect(await laterQueue(db).findOne({ _id: d1._id })).toMatchObject({ due: d1.nextAttemptAt });
    expect(await dueQueue(db).findOne({ _id: d1._id })).toBeNull();
    expect((await drainOutbox(db)).retried).toBe(0); // not due yet
    await setChaos(null);
    // time passes
    await ms.messages(db).updateOne({ _id: d1._id }, { $set: { nextAttemptAt: new Date() } });
    await laterQueue(db).updateOne({ _id: d1._id }, { $set: { due: new Date() } });
    await drainAll();
    expect(await ms.messages(db).findOne({ _id: new ObjectId(r.id) })).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await waitForMail(`to:"${addr('retry')}"`)).toHaveLength(1);
  });

  it('dead-letters after the attempt limit with the last error', async () => {
    await setChaos({ code: 421, probability: 100 });
    const r = await enqueueMessage(db, {
      templateKey: 'contact.reply',
      to: addr('dead'),
      vars: { member: { name: 'X', first_name: 'X' }, subject: 'S', reply: 'R' },
      idempotencyKey: 'dead-1',
    });
    await drainAll();
    await setChaos(null);
    const d = (await ms.messages(db).findOne({ _id: new ObjectId(r.id) }))!;
    expect(d.status).toBe('dead');
    expect(d.attempts).toBe(3);
    expect(d.lastError).toMatch(/^421/);
    expect(await searchMail(`to:"${addr('dead')}"`)).toHaveLength(0);
  });

  it('fails a 5xx at once and suppresses the address', async () => {
    await setChaos({ code: 550, probability: 100 });
    const r = await enqueueMessage(db, {
      templateKey: 'contact.reply',
      to: addr('bounce'),
      vars: { member: { name: 'X', first_name: 'X' }, subject: 'S', reply: 'R' },
      idempotencyKey: 'bounce-1',
    });
    const s = await drainOutbox(db);
    await setChaos(null);
    expect(s.failed).toBe(1);
    expect(await ms.messages(db).findOne({ _id: new ObjectId(r.id) })).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await ms.suppressions(db).findOne({ _id: addr('bounce') })).toMatchObject({ reason: 'hard_bounce' });
    const next = await enqueueMessage(db, {
      templateKey: 'contact.reply',
      to: addr('bounce'),
      vars: { member: { name: 'X', first_name: 'X' }, subject: 'S', reply: 'R' },
      idempotencyKey: 'bounce-2',
    });
    expect(next).toMatchObject({ status: 'skipped', skipReason: 'suppressed (hard_bounce)' });
  });
});

describe('exactly once across kill -9', () => {
  function runChild(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'testing', 'kill-child.ts'), db.databaseName], {
        env: { ...process.env, MONGODB_URI: TEST_URI, MESSAGING_LOCK_LEASE_MS: '1500', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code, signal) => resolve({ code, signal, out }));
    });
  }

  for (const at of ['after-smtp', 'before-smtp'] as const) {
    it(`a sender killed ${at} on its 7th message; the next sender delivers every message exactly once`, async () => {
      const N = 40;
      for (let i = 0; i < N; i++) {
        await enqueueMessage(db, {
          templateKey: 'contact.reply',
          to: addr(`k-${at}-${i}`),
          vars: { member: { name: 'K', first_name: 'K' }, subject: 'S', reply: `R${i}` },
          idempotencyKey: `kill-${at}-${i}`,
        });
      }
      const r = await runChild({ MESSAGING_KILL_AT: at, MESSAGING_KILL_AFTER: '6', MESSAGING_CONCURRENCY: '4' });
      expect(r.signal, r.out).toBe('SIGKILL');
      const { leasedBatches } = await import('./outbox');
      expect(await leasedBatches(db)).toBe(1); // the killed sender left its leased batch behind
      // and the due-queue entries of everything not marked sent (queue.ts, rule 3)
      const open = await ms
        .messages(db)
        .find({ idempotencyKey: { $regex: `^kill-${at}-` }, status: { $ne: 'sent' } }, { projection: { _id: 1 } })
        .toArray();
      const entries = new Set((await dueQueue(db).find({}).toArray()).map((e) => e._id.toHexString()));
      expect(open.length).toBeGreaterThan(0);
      expect(open.every((m) => entries.has(m._id.toHexString()))).toBe(true);
      // its lock and lease expire; this process takes over
      await new Promise((res) => setTimeout(res, 1_700));
      const s = await drainAll();
      expect(s?.locked).toBe(true);
      const docs = await ms
        .messages(db)
        .find({ idempotencyKey: { $regex: `^kill-${at}-` } })
        .toArray();
      expect(docs.every((d) => d.status === 'sent')).toBe(true);
      expect(await dueQueue(db).countDocuments({})).toBe(0);
      const inbox = await waitForMail(`to:@${domain} to:k-${at}-`, N);
      const keys = new Map<string, number>();
      for (const m of inbox) {
        const h = await getHeaders(m.ID);
        const k = h['X-Idempotency-Key']![0]!;
        keys.set(k, (keys.get(k) ?? 0) + 1);
      }
      expect(inbox).toHaveLength(N); // 0 missing, 0 duplicates
      expect(keys.size).toBe(N);
      expect([...keys.values()].every((c) => c === 1)).toBe(true);
    });
  }
});

describe('the due queue stays consistent (queue.ts)', () => {
  it('across pause, resume, 4xx retries, dead-letter, retry from dead, cancel and orphan entries', async () => {
    const c = await import('./campaigns');
    const { forgetMemberDirectory } = await import('../analytics/members');
    const { retryMessage } = await import('./service');
    const N = 12;
    // a cohort of its own: members who signed up on a day no other test uses
    const day = new Date('2025-03-03T10:00:00Z');
    for (let i = 0; i < N; i++)
      await db
        .collection('users')
        .insertOne({ _id: new ObjectId(), name: `Q Member ${i}`, email: addr(`queueq${i}`), status: 'active', city: 'Pune', createdAt: day });
    forgetMemberDirectory(db);
    const camp = await c.createCampaign(
      db,
      {
        name: 'Queue',
        templateKey: 'reengagement',
        audience: { kind: 'cohort', signupFrom: '2025-03-03', signupTo: '2025-03-03' },
        holdoutPct: 0,
        frequencyCapDays: 0,
      },
      null,
    );
    const cid = camp._id.toHexString();
    await c.scheduleCampaign(db, cid, null);
    expect(await c.startDueCampaigns(db)).toBe(1);
    const msgs = () => ms.messages(db).find({ campaignId: camp._id }).toArray();
    const byStatus = async () => {
      const out: Record<string, number> = {};
      for (const m of await msgs()) out[m.status] = (out[m.status] ?? 0) + 1;
      return out;
    };
    /** Every queued message has an entry (due, or later at its nextAttemptAt); returns the queue sizes. */
    const consistent = async () => {
      const due = new Set((await dueQueue(db).find({}).toArray()).map((e) => e._id.toHexString()));
      const later = new Map((await laterQueue(db).find({}).toArray()).map((e) => [e._id.toHexString(), e.due.getTime()]));
      for (const m of await ms.messages(db).find({ status: 'queued' }).toArray()) {
        const hex = m._id.toHexString();
        expect(due.has(hex) || later.get(hex) === m.nextAttemptAt.getTime(), `queued ${hex} has no entry`).toBe(true);
      }
      return { due: due.size, later: later.size };
    };
    expect(await byStatus()).toEqual({ queued: N });
    expect(await consistent()).toEqual({ due: N, later: 0 });

    // pause: held; the drain sends nothing and drops the stale entries
    await c.pauseCampaign(db, cid);
    expect((await drainOutbox(db)).sent).toBe(0);
    expect(await byStatus()).toEqual({ held: N });
    expect(await consistent()).toEqual({ due: 0, later: 0 });

    // resume: entries again, before the messages are queued
    await c.resumeCampaign(db, cid);
    expect(await consistent()).toEqual({ due: N, later: 0 });

    // a 4xx for everyone: each waits in the later queue at its nextAttemptAt
    process.env.MESSAGING_RETRY_BASE_MS = '600000';
    await setChaos({ code: 451, probability: 100 });
    try {
      expect((await drainOutbox(db)).retried).toBe(N);
    } finally {
      process.env.MESSAGING_RETRY_BASE_MS = '1';
    }
    expect(await byStatus()).toEqual({ queued: N });
    expect(await consistent()).toEqual({ due: 0, later: N });
    expect((await drainOutbox(db)).retried).toBe(0); // not due

    // paused while waiting: once due, the later entries are promoted and dropped as stale
    await c.pauseCampaign(db, cid);
    await laterQueue(db).updateMany({}, { $set: { due: new Date() } });
    expect((await drainOutbox(db)).sent).toBe(0);
    expect(await byStatus()).toEqual({ held: N });
    expect(await consistent()).toEqual({ due: 0, later: 0 });

    // resumed with the server still refusing: retried up to the limit (3), then dead; nothing left queued
    await c.resumeCampaign(db, cid);
    await drainAll();
    await setChaos(null);
    expect(await byStatus()).toEqual({ dead: N });
    expect(await consistent()).toEqual({ due: 0, later: 0 });
    expect(await searchMail(`to:@${domain} to:queueq`)).toHaveLength(0);

    // retried from the dead letters: a third of them goes out once
    const dead = await msgs();
    for (const m of dead.slice(0, 4)) await retryMessage(db, m._id.toHexString());
    expect(await consistent()).toEqual({ due: 4, later: 0 });
    await drainAll();
    expect(await byStatus()).toEqual({ sent: 4, dead: N - 4 });
    expect(await consistent()).toEqual({ due: 0, later: 0 });
    expect(await waitForMail(`to:@${domain} to:queueq subject:"a few things picked for you"`, 4)).toHaveLength(4);

    // retried, then the campaign cancelled before they went out: cancelled, entries dropped, nothing sent
    for (const m of dead.slice(4, 8)) await retryMessage(db, m._id.toHexString());
    await c.cancelCampaign(db, cid);
    expect((await drainOutbox(db)).sent).toBe(0);
    expect(await byStatus()).toEqual({ sent: 4, cancelled: 4, dead: N - 8 });
    expect(await consistent()).toEqual({ due: 0, later: 0 });
    // retrying a sent message is refused and leaves only a stale entry, dropped by the next drain
    await expect(retryMessage(db, dead[0]!._id.toHexString())).rejects.toThrow(/dead or failed/);
    await drainOutbox(db);
    expect(await consistent()).toEqual({ due: 0, later: 0 });

    // orphans (an entry written, its message's insert never happened): a young one waits, an old one is dropped
    const young = { _id: new ObjectId(), t: new ObjectId() };
    const old = { _id: new ObjectId(), t: ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 120) };
    await dueQueue(db).insertMany([old, young]);
    await drainOutbox(db);
    expect((await dueQueue(db).find({}).toArray()).map((e) => e._id.toHexString())).toEqual([young._id.toHexString()]);
    await dueQueue(db).deleteMany({});
    expect(await searchMail(`to:@${domain} to:queueq`)).toHaveLength(4);
  });
});

describe('the due queue on upgrade', () => {
  it('messages queued by a version without it get their entries when its index is created', async () => {
    const { ensureIndexes } = await import('../db/indexes');
    await laterQueue(db).dropIndex('queue_due');
    const _id = new ObjectId();
    // as an earlier version left it: queued, no entry
    await ms
      .messages(db)
      .insertOne({ _id, idempotencyKey: `upgrade-${_id}`, messageId: `${_id}@upgrade.test`, status: 'queued', nextAttemptAt: new Date() } as never);
    expect(await dueQueue(db).findOne({ _id })).toBeNull();
    await ensureIndexes(db);
    expect(await dueQueue(db).findOne({ _id })).not.toBeNull();
    expect((await laterQueue(db).listIndexes().toArray()).map((i) => i.name)).toContain('queue_due');
    await ms.messages(db).deleteOne({ _id });
    await dueQueue(db).deleteOne({ _id });
  });

  it('drops the retired status_due index of an earlier version; status_id replaces it', async () => {
    const { ensureIndexes } = await import('../db/indexes');
    await ms.messages(db).createIndex({ status: 1, nextAttemptAt: 1, _id: 1 }, { name: 'status_due' });
    expect((await ms.messages(db).listIndexes().toArray()).map((i) => i.name)).toContain('status_due');
    await ensureIndexes(db);
    const names = (await ms.messages(db).listIndexes().toArray()).map((i) => i.name);
    expect(names).not.toContain('status_due');
    expect(names).toContain('status_id');
  });
});

describe('campaign for at-risk members: audience, exclusions, holdout, pause/resume, delivery, report', () => {
  it('sends to the at-risk audience minus suppressed, unsubscribed and recently contacted, keeps a holdout, and reports', async () => {
    const { ingestEvents } = await import('../analytics/ingest');
    const { clearAnalyticsCache } = await import('../analytics/cache');
    const { builtinRole } = await import('../permissions');
    const c = await import('./campaigns');
    const { addSuppression } = await import('./preferences');
    const now = new Date();
    const dayMs = 86_400_000;
    const N = 60;
    const ids: ObjectId[] = [];
    const events: { eventId: string; userId: string; name: string; ts: string }[] = [];
    for (let i = 0; i < N; i++) {
      const id = await member(`Camp Member ${i}`, `camp${i}`);
      ids.push(id);
      // engaged 40–45 days ago, silent since: at risk as of yesterday
      for (const back of [45, 43, 41])
        events.push({ eventId: `camp-${i}-${back}`, userId: id.toHexString(), name: 'app.opened', ts: new Date(now.getTime() - back * dayMs).toISOString() });
    }
    await ingestEvents(db, events, { now });
    clearAnalyticsCache();
    await addSuppression(db, addr('camp0'), 'manual', 'test', null);
    await setPreferences(db, addr('camp1'), { reengagement: false }, 'preferences_page', null);
    await enqueueMessage(db, { templateKey: 'reengagement', memberId: ids[2]!, vars: { recommendations: [] }, idempotencyKey: `earlier:${ids[2]}` });
    await drainAll();

    const asOf = new Date(now.getTime() - dayMs).toISOString().slice(0, 10);
    const audience = { kind: 'at_risk' as const, asOf };
    const analyst = builtinRole('analyst');
    const preview = await c.previewAudience(db, { audience, category: 'reengagement', holdoutPct: 10, frequencyCapDays: 7 }, new ObjectId(), analyst);
    expect(preview.total).toBe(N);
    expect(preview.excluded).toEqual({ suppressedOrUnsubscribed: 2, frequencyCap: 1, noEmail: 0 });
    expect(preview.sample[0]!.email).toBe('••••'); // masked for a role without personal data

    const camp = await c.createCampaign(db, { name: 'Come back', templateKey: 'reengagement', audience, holdoutPct: 10, frequencyCapDays: 7 }, null);
    await c.scheduleCampaign(db, camp._id.toHexString(), null);
    expect(await c.startDueCampaigns(db)).toBe(1);
    const started = await c.getCampaign(db, camp._id.toHexString());
    expect(started.status).toBe('sending');
    const { holdout, enqueued } = started.counts;
    expect(holdout + enqueued).toBe(N - 3);
    expect(holdout).toBeGreaterThan(0);
    // the same members are held out when the plan is computed again (deterministic)
    const heldOut = ids.filter((id) => c.inHoldout(camp._id.toHexString(), id.toHexString(), 10)).map((x) => x.toHexString());
    const enrolledHoldout = (await ms.enrollments(db).find({ campaignId: camp._id, group: 'holdout' }).toArray()).map((e) => e.memberId.toHexString());
    expect(enrolledHoldout.sort()).toEqual(heldOut.filter((h) => ![ids[0], ids[1], ids[2]].some((x) => x!.toHexString() === h)).sort());

    await c.pauseCampaign(db, camp._id.toHexString());
    expect((await drainOutbox(db)).sent).toBe(0);
    expect(await ms.messages(db).countDocuments({ campaignId: camp._id, status: 'held' })).toBe(enqueued);
    await c.resumeCampaign(db, camp._id.toHexString());
    await drainAll();
    await c.finishCampaigns(db);
    expect((await c.getCampaign(db, camp._id.toHexString())).status).toBe('done');
    // camp2's earlier message has the same subject: one more than the campaign's
    const inbox = await waitForMail(`to:@${domain} to:camp subject:"a few things picked for you"`, enqueued + 1);
    expect(inbox).toHaveLength(enqueued + 1);
    const fromCampaign = [];
    for (const m of inbox) {
      const h = await getHeaders(m.ID);
      if ((h['X-Acube-Campaign'] ?? h['X-ACube-Campaign'])?.[0] === camp._id.toHexString()) fromCampaign.push(m);
    }
    expect(fromCampaign).toHaveLength(enqueued);

    // some members come back the next day: 3 of the sent group, 0 of the holdout
    const sent = (await ms.enrollments(db).find({ campaignId: camp._id, group: 'sent' }).toArray()).map((e) => e.memberId.toHexString());
    await ingestEvents(
      db,
      sent.slice(0, 3).map((u, i) => ({ eventId: `back-${i}`, userId: u, name: 'app.opened', ts: new Date().toISOString() })),
      { now: new Date() },
    );
    clearAnalyticsCache();
    const r = await c.campaignReport(db, camp._id.toHexString());
    expect(r.counts.sent).toBe(enqueued);
    expect(r.counts.delivered).toBe(enqueued);
    expect(r.uplift).toHaveLength(3);
    expect(r.uplift[0]).toMatchObject({ days: 7, sentActive: 3, sentTotal: enqueued, holdoutActive: 0, holdoutTotal: holdout, partial: true });
    expect(r.uplift[0]!.diff).toBeCloseTo(3 / enqueued, 10);
    expect(r.series.reduce((s, p) => s + p.sent, 0)).toBe(enqueued);

    // frequency cap: a second campaign right away reaches nobody who just got one (only the first one's holdout is left)
    const again = await c.previewAudience(db, { audience, category: 'reengagement', holdoutPct: 10, frequencyCapDays: 7 }, new ObjectId(), analyst);
    expect(again.excluded.frequencyCap).toBe(enqueued + 1);
    expect(again.send + again.holdout).toBe(holdout);

    // engagement: the report's totals and hourly series come from counts and rollups, not from reading
    // the messages; they must equal a pass over the messages, also after a rollup write was lost
    const msgs = await ms.messages(db).find({ campaignId: camp._id }).sort({ _id: 1 }).toArray();
    for (const m of msgs.slice(0, 5)) expect(await recordOpen(db, signToken({ k: 'open', m: m._id.toHexString() }))).toBe(true);
    await recordOpen(db, signToken({ k: 'open', m: msgs[0]!._id.toHexString() })); // a second open counts once
    for (const m of msgs.slice(3, 7)) await recordClick(db, signToken({ k: 'click', m: m._id.toHexString(), u: 'https://acube.example/events/sleep' }));
    const { oneClickUnsubscribe } = await import('./preferences');
    await oneClickUnsubscribe(db, { m: msgs[8]!._id.toHexString(), a: msgs[8]!.toLower, c: 'reengagement' }, null);
    const bruteForce = async () => {
      const rows = new Map<string, { t: string; sent: number; opened: number; clicked: number; unsubscribed: number }>();
      for (const m of await ms.messages(db).find({ campaignId: camp._id }).toArray()) {
        for (const k of ['sent', 'opened', 'clicked', 'unsubscribed'] as const) {
          const d = m[`${k}At`];
          if (!d) continue;
          const key = `${d.toISOString().slice(0, 13)}:00Z`;
          const row = rows.get(key) ?? { t: key, sent: 0, opened: 0, clicked: 0, unsubscribed: 0 };
          row[k]++;
          rows.set(key, row);
        }
      }
      return [...rows.values()].sort((a, b) => (a.t < b.t ? -1 : 1));
    };
    const r2 = await c.campaignReport(db, camp._id.toHexString());
    expect(r2.counts).toMatchObject({ sent: enqueued, opened: 7, clicked: 4, unsubscribed: 1 });
    expect(r2.series).toEqual(await bruteForce());
    // a process killed between a transition and its rollup: the rollup is short; the report notices and rebuilds
    const { campaignHours } = await import('./rollup');
    await campaignHours(db).updateOne({ campaignId: camp._id, sent: { $gte: 2 } }, { $inc: { sent: -2, opened: -1 } });
    const r3 = await c.campaignReport(db, camp._id.toHexString());
    expect(r3.series).toEqual(await bruteForce());
    expect(r3.counts).toEqual(r2.counts);
    const rolled = await campaignHours(db).find({ campaignId: camp._id }).toArray();
    expect(rolled.reduce((n, h) => n + (h.sent ?? 0), 0)).toBe(enqueued);
  });
});
