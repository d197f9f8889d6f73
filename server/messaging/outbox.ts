/**
 * The outbox: every message is a document first (`messages`), then delivered by a worker.
 *
 * - Enqueue (enqueueMessage / enqueueMany) renders the subject, records recipient, template version
 *   and idempotency key (unique index: a second enqueue with the same key is a no-op) and excludes
 *   suppressed addresses and members who turned the category off (status 'skipped', with the reason).
 * - One sender at a time across instances holds the MongoDB lock `messaging:outbox` (tryLock, shared
 *   with backups and analytics), renewed before each batch. It takes the batch from the due queue
 *   (queue.ts: only ids of due messages, read without a filter, so the cost does not grow with the
 *   messages already sent), records it in one lease document, checks suppressions and preferences again
 *   (a member may have unsubscribed since), renders, and sends through the global and per-domain
 *   sliding-window limits.
 * - 4xx and connection errors: retried with exponential backoff and full jitter up to MAX_ATTEMPTS,
 *   then 'dead' with the last error. 5xx: 'failed' at once; refused at RCPT → the address is suppressed.
 * - A crashed sender (kill -9) leaves its lock, its lease document and the batch's queue entries; when the
 *   lock expires another sender takes it and recovers the batch: a message the SMTP server already holds
 *   (asked through wasDelivered) is marked sent, the others are still queued and go out from the queue. Each message keeps its Message-ID
 *   and idempotency header for every attempt.
 */
import { ObjectId, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { releaseLock, renewLock, tryLock } from '../db/locks';
import { bulkWriteChunked } from '../db/bulk';
import { duplicateKeyIndexes, isDuplicateKeyError } from '../db/util';
import { AppError } from '../errors';
import { ms, type Category, type MessageDoc, type TemplateVersion } from './model';
import { getTemplate, renderBody, renderSubject, versionOf } from './templates';
import { appUrl, signToken } from './tokens';
import { mailFrom, sendMail, smtpConnections, wasDelivered, type OutgoingMail, type SendOutcome } from './transport';
import { SlidingWindow } from './rate-limit';
import { bumpRollup } from './rollup';
import { dropDone, dropEntries, postpone, promoteDue, queueMessages, readDue, anythingDue, ORPHAN_MS, type DueEntry } from './queue';

export const MAX_ATTEMPTS = () => Number(process.env.MESSAGING_MAX_ATTEMPTS || 6);
const RETRY_BASE_MS = () => Number(process.env.MESSAGING_RETRY_BASE_MS || 30_000);
const RETRY_MAX_MS = 6 * 3_600_000;
const LOCK_KEY = 'messaging:outbox';
const LOCK_LEASE_MS = () => Number(process.env.MESSAGING_LOCK_LEASE_MS || 30_000);
/** Messages per batch (one lease document, one pick from the due queue; the 64 workers of the embedded setup wait for a batch's last message). */
const BATCH = () => Number(process.env.MESSAGING_BATCH || 500);
/** Messages rendered and sent at once: twice the SMTP connections (one being written while one awaits its reply). */
const CONCURRENCY = () => Number(process.env.MESSAGING_CONCURRENCY || 2 * smtpConnections());
/** Global and per-recipient-domain send rates (messages per second, sliding one-second window). */
const GLOBAL_RATE = () => Number(process.env.MESSAGING_RATE_PER_SEC || 400);
const DOMAIN_RATE = () => Number(process.env.MESSAGING_DOMAIN_RATE_PER_SEC || 300);

const EMAIL_RE = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export function normalizeAddress(a: string): string {
  return a.trim().toLowerCase();
}

/** Delay before attempt n+1 after n failed attempts: exponential, capped, full jitter in [½, 1]. */
export function backoffMs(attempts: number, base = RETRY_BASE_MS(), rand = Math.random): number {
  const exp = Math.min(RETRY_MAX_MS, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp * (0.5 + rand() * 0.5));
}

// ------------------------------------------------------------------------------------------ enqueue

export interface EnqueueInput {
  /** Key of a template in messaging_templates (built-ins: booking.confirmed, event.cancelled, contact.reply, …). */
  templateKey: string;
  /** A member: the address and member.name / member.first_name come from `users`. */
  memberId?: string | ObjectId | null;
  /** Or a bare address (contact replies to non-members, "send a test to me"). */
  to?: string | null;
  /** The template's declared variables (member.* is filled from the member when absent). */
  vars?: Record<string, unknown>;
  /** Unique per message: e.g. `contact-reply:<contactId>`, `event-cancelled:<eventId>:<memberId>`. */
  idempotencyKey: string;
  /** Defaults to the template's category. Transactional is always sent (unless the address is suppressed). */
  category?: Category;
  campaignId?: ObjectId | null;
  /** Use this template version instead of the current one (campaigns pin theirs). */
  templateVersion?: number | null;
}

export interface EnqueueResult {
  id: string;
  created: boolean;
  status: MessageDoc['status'];
  skipReason: string | null;
}

interface Recipient {
  to: string;
  memberId: ObjectId | null;
  member: { name: string; first_name: string } | null;
}

async function resolveRecipient(db: Db, input: Pick<EnqueueInput, 'memberId' | 'to'>): Promise<Recipient> {
  if (input.memberId) {
    const id = typeof input.memberId === 'string' ? (ObjectId.isValid(input.memberId) ? new ObjectId(input.memberId) : null) : input.memberId;
    if (!id) throw new AppError('BAD_REQUEST', 'memberId must be a 24-hex id');
    const u = await db.collection('users').findOne({ _id: id }, { projection: { email: 1, name: 1 } });
    if (!u) throw new AppError('NOT_FOUND', 'No such member.');
    const email = String(u.email ?? '');
    if (!EMAIL_RE.test(email)) throw new AppError('BAD_REQUEST', 'The member has no valid email address.');
    const name = String(u.name ?? '');
    return { to: email, memberId: id, member: { name, first_name: name.split(/\s+/)[0] ?? name } };
  }
  const to = (input.to ?? '').trim();
  if (!EMAIL_RE.test(to)) throw new AppError('BAD_REQUEST', 'A valid recipient address (to) or a memberId is required.');
  return { to, memberId: null, member: null };
}

/** Addresses (lower case) that must not receive `category`, with the reason. */
export async function exclusions(db: Db, addresses: string[], category: Category): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const lower = [...new Set(addresses.map(normalizeAddress))];
  for (let i = 0; i < lower.length; i += 1_000) {
    const chunk = lower.slice(i, i + 1_000);
    for (const s of await ms
      .suppressions(db)
      .find({ _id: { $in: chunk } }, { projection: { _id: 1, reason: 1 } })
      .toArray()) {
      out.set(s._id, `suppressed (${s.reason})`);
    }
    if (category === 'transactional') continue;
    for (const p of await ms
      .preferences(db)
      .find({ _id: { $in: chunk } }, { projection: { _id: 1, categories: 1 } })
      .toArray()) {
      if (!out.has(p._id) && p.categories?.[category] === false) out.set(p._id, `unsubscribed (${category})`);
    }
  }
  return out;
}

function newMessageId(id: ObjectId, to: string): string {
  const host = (process.env.MAIL_FROM || '').match(/@([A-Za-z0-9.-]+)/)?.[1] ?? 'acube.local';
  return `${id.toHexString()}.${Buffer.from(to).length.toString(36)}@${host}`;
}

/**
 * Puts one message in the outbox. Idempotent on `idempotencyKey`: the second call returns the first
 * message (created: false). This is the function other domains call (contact replies, event
 * cancellations, booking notices): see README, "Messaging".
 */
export async function enqueueMessage(db: Db, input: EnqueueInput): Promise<EnqueueResult> {
  const key = input.idempotencyKey.trim();
  if (!key || key.length > 300) throw new AppError('BAD_REQUEST', 'idempotencyKey: 1–300 characters');
  const existing = await ms.messages(db).findOne({ idempotencyKey: key }, { projection: { _id: 1, status: 1, skipReason: 1 } });
  if (existing) return { id: existing._id.toHexString(), created: false, status: existing.status, skipReason: existing.skipReason };
  const t = await getTemplate(db, input.templateKey);
  const v = versionOf(t, input.templateVersion);
  const r = await resolveRecipient(db, input);
  const category = input.category ?? t.category;
  const vars: Record<string, unknown> = { ...(input.vars ?? {}) };
  if (r.member && vars.member === undefined) vars.member = r.member;
  const doc = await buildDoc(db, { key, to: r.to, memberId: r.memberId, category, templateKey: t._id, version: v, vars, campaignId: input.campaignId ?? null });
  const skip = (await exclusions(db, [r.to], category)).get(normalizeAddress(r.to)) ?? null;
  if (skip) Object.assign(doc, { status: 'skipped', skipReason: skip });
  // the due-queue entry first (queue.ts, rule 1): a crash before the insert leaves an orphan entry, never a
  // queued message the outbox cannot find
  if (doc.status === 'queued') await queueMessages(db, [doc]);
  try {
    await ms.messages(db).insertOne(doc);
  } catch (e) {
    if (!isDuplicateKeyError(e)) throw e;
    await dropDone(db, [doc._id]);
    const d = await ms.messages(db).findOne({ idempotencyKey: key }, { projection: { _id: 1, status: 1, skipReason: 1 } });
    return { id: d!._id.toHexString(), created: false, status: d!.status, skipReason: d!.skipReason };
  }
  if (doc.status === 'queued') kickOutbox(db);
  return { id: doc._id.toHexString(), created: true, status: doc.status, skipReason: doc.skipReason };
}

async function buildDoc(
  db: Db,
  a: {
    key: string;
    to: string;
    memberId: ObjectId | null;
    category: Category;
    templateKey: string;
    version: TemplateVersion;
    vars: Record<string, unknown>;
    campaignId: ObjectId | null;
    status?: MessageDoc['status'];
  },
): Promise<MessageDoc> {
  void db;
  const _id = new ObjectId();
  const now = new Date();
  let subject: string;
  try {
    subject = await renderSubject(a.version.subject, withSystemVars(a.vars, _id, a.to, a.category));
  } catch (e) {
    throw new AppError('BAD_REQUEST', `Template "${a.templateKey}": ${(e as Error).message}`);
  }
  return {
    _id,
    channel: 'email',
    idempotencyKey: a.key,
    messageId: newMessageId(_id, a.to),
    to: a.to,
    toLower: normalizeAddress(a.to),
    memberId: a.memberId,
    category: a.category,
    templateKey: a.templateKey,
    templateVersion: a.version.version,
    subject,
    vars: a.vars,
    campaignId: a.campaignId,
    status: a.status ?? 'queued',
    attempts: 0,
    nextAttemptAt: now,
    leaseId: null,
    leaseUntil: null,
    lastError: null,
    skipReason: null,
    createdAt: now,
    updatedAt: now,
    sentAt: null,
    openedAt: null,
    clickedAt: null,
    unsubscribedAt: null,
  };
}

export interface BulkRecipient {
  memberId: ObjectId;
  to: string;
  name: string;
  vars?: Record<string, unknown>;
}

/**
 * Enqueues many messages of one template version (campaigns): insertMany unordered, a duplicate key
 * (a campaign resumed after a crash) is skipped. Returns how many were new.
 */
export async function enqueueMany(
  db: Db,
  a: {
    templateKey: string;
    version: TemplateVersion;
    category: Category;
    campaignId: ObjectId;
    keyPrefix: string;
    recipients: BulkRecipient[];
    status?: 'queued' | 'held';
  },
): Promise<number> {
  const docs: MessageDoc[] = [];
  for (const r of a.recipients) {
    const first = r.name.split(/\s+/)[0] ?? r.name;
    const vars = { member: { name: r.name, first_name: first }, ...(r.vars ?? {}) };
    docs.push(
      await buildDoc(db, {
        key: `${a.keyPrefix}:${r.memberId.toHexString()}`,
        to: r.to,
        memberId: r.memberId,
        category: a.category,
        templateKey: a.templateKey,
        version: a.version,
        vars,
        campaignId: a.campaignId,
        status: a.status,
      }),
    );
  }
  let inserted = 0;
  for (let i = 0; i < docs.length; i += 500) {
    const chunk = docs.slice(i, i + 500);
    // due-queue entries first (queue.ts, rule 1); those of duplicates (a campaign resumed after a crash
    // enqueues its chunk again) are removed at once instead of waiting out ORPHAN_MS
    if (a.status !== 'held') await queueMessages(db, chunk);
    try {
      inserted += (await ms.messages(db).insertMany(chunk, { ordered: false })).insertedCount;
    } catch (e) {
      const dups = duplicateKeyIndexes(e);
      if (!dups) throw e;
      const r = e as { result?: { insertedCount?: number }; insertedCount?: number };
      inserted += r.insertedCount ?? r.result?.insertedCount ?? 0;
      // (which ones is unknown: their entries stay, and are dropped as orphans after ORPHAN_MS)
      if (a.status !== 'held' && dups !== 'unknown')
        await dropDone(
          db,
          dups.map((k) => chunk[k]!._id),
        );
    }
  }
  if (a.status !== 'held') kickOutbox(db);
  return inserted;
}

// -------------------------------------------------------------------------------------- rendering

function withSystemVars(vars: Record<string, unknown>, id: ObjectId, to: string, category: Category): Record<string, unknown> {
  const base = appUrl();
  const prefs = signToken({ k: 'prefs', a: normalizeAddress(to) });
  void id;
  // the system variables come last: a caller's vars never replace the signed links
  return {
    ...vars,
    app_url: base,
    preferences_url: `${base}/api/messaging/preferences?token=${prefs}`,
    // transactional mail cannot be turned off: its link opens the preferences page as it is
    unsubscribe_url: `${base}/api/messaging/preferences?token=${prefs}${category === 'transactional' ? '' : `&unsubscribe=${category}`}`,
  };
}

/** Rewrites http(s) links of the rendered HTML through the click route and adds the open pixel. */
export function addTracking(html: string, messageHex: string): string {
  const base = appUrl();
  const out = html.replace(/href="(https?:\/\/[^"]+)"/g, (m, raw: string) => {
    const url = raw.replace(/&amp;/g, '&');
    if (url.startsWith(`${base}/api/messaging/`)) return m; // preferences / unsubscribe links go straight there
    return `href="${base}/api/messaging/t/c/${signToken({ k: 'click', m: messageHex, u: url })}"`;
  });
  const pixel = `<img src="${base}/api/messaging/t/o/${signToken({ k: 'open', m: messageHex })}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px" />`;
  return out.includes('</body>') ? out.replace('</body>', `${pixel}</body>`) : out + pixel;
}

// the promise is cached, so the 16 workers of a batch wait for one read instead of each reading the templates
const versionCache = new Map<string, Promise<TemplateVersion>>();
function versionFor(db: Db, key: string, version: number): Promise<TemplateVersion> {
  const k = `${db.databaseName}:${key}@${version}`;
  let v = versionCache.get(k);
  if (!v) {
    v = getTemplate(db, key).then((t) => versionOf(t, version));
    v.catch(() => versionCache.delete(k));
    if (versionCache.size > 500) versionCache.clear();
    versionCache.set(k, v);
  }
  return v;
}

/** The full email of a message document (what the worker sends; also the outbox's "view message"). */
export async function composeMail(db: Db, m: MessageDoc): Promise<OutgoingMail> {
  const v = await versionFor(db, m.templateKey, m.templateVersion);
  // (the subject was rendered at enqueue and is in the document: only the body is rendered here)
  const r = await renderBody(v, withSystemVars(m.vars, m._id, m.to, m.category));
  const hex = m._id.toHexString();
  const headers: Record<string, string> = {
    'X-Idempotency-Key': m.idempotencyKey,
    'X-ACube-Message': hex,
    'X-ACube-Category': m.category,
  };
  if (m.category !== 'transactional') {
    // RFC 8058 one-click unsubscribe (and RFC 2369 List-Unsubscribe)
    headers['List-Unsubscribe'] = `<${appUrl()}/api/messaging/unsubscribe?token=${signToken({ k: 'unsub', m: hex, a: m.toLower, c: m.category })}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  if (m.campaignId) headers['X-ACube-Campaign'] = m.campaignId.toHexString();
  return { from: mailFrom(), to: m.to, subject: m.subject, html: addTracking(r.html, hex), text: r.text, messageId: m.messageId, headers };
}

// ----------------------------------------------------------------------------------------- sending

export interface DrainStats {
  locked: boolean;
  sent: number;
  retried: number;
  dead: number;
  failed: number;
  skipped: number;
  recovered: number;
}

type Limiter = { global: SlidingWindow; domains: Map<string, SlidingWindow> };
const limiter: Limiter = { global: new SlidingWindow(GLOBAL_RATE(), 1_000), domains: new Map() };
async function throttle(to: string) {
  const domain = to.slice(to.lastIndexOf('@') + 1).toLowerCase();
  let d = limiter.domains.get(domain);
  if (!d) {
    if (limiter.domains.size > 10_000) limiter.domains.clear();
    limiter.domains.set(domain, (d = new SlidingWindow(DOMAIN_RATE(), 1_000)));
  }
  await SlidingWindow.acquireBoth(limiter.global, d);
}

/** Test hook: the kill test's child process dies at this point of the Nth message. */
let killCount = 0;
function killPoint(at: 'after-smtp' | 'before-smtp') {
  if (process.env.MESSAGING_KILL_AT === at && ++killCount > Number(process.env.MESSAGING_KILL_AFTER || 0)) process.kill(process.pid, 'SIGKILL');
}

/**
 * A batch in flight is recorded by one lease document naming its messages (one insert per batch, instead
 * of an update of every message: FerretDB spends ~2 ms per updated document); the messages stay 'queued'
 * until their outcome is written. Only the holder of the outbox lock sends, so when a sender takes the
 * lock every lease document left is a crashed sender's batch.
 */
interface LeaseDoc {
  _id: string;
  ids: ObjectId[];
  at: Date;
}
const leases = (db: Db) => db.collection<LeaseDoc>('messaging_leases');

/** Statuses a message in flight may have when its outcome is written (a pause or cancel may have come meanwhile). */
const IN_FLIGHT = ['queued', 'held', 'sending'] as const;
/**
 * In flight or cancelled (a message that may still be marked sent), written as "not final": with
 * `_id: {$in: ids}`, a `status: {$in: [queued, …]}` is pushed down too and SQLite then walks the status
 * index (every queued message: 4.5 s at 100,000 queued) instead of the `_id` index (30 ms); `$nin` stays
 * in the handler's own filter, applied to the 50 documents found by `_id`.
 */
const NOT_FINAL = { $nin: ['sent', 'failed', 'dead', 'skipped'] as MessageDoc['status'][] };

/**
 * Recovers the batches of crashed senders: a message the SMTP server already holds (wasDelivered) is marked
 * sent; the others are still queued and go out again. Also messages left in 'sending' by an earlier version.
 */
async function recoverExpired(db: Db, owner: string): Promise<number> {
  const now = new Date();
  let n = 0;
  for (const l of await leases(db)
    .find({ _id: { $ne: owner } })
    .limit(50)
    .toArray()) {
    const open = await ms
      .messages(db)
      .find({ _id: { $in: l.ids }, status: NOT_FINAL }, { projection: { _id: 1, messageId: 1, status: 1, campaignId: 1 } })
      .toArray();
    const sent: { _id: ObjectId; campaignId: ObjectId | null }[] = [];
    for (const m of open) if (await wasDelivered(m.messageId)) sent.push(m);
    if (sent.length) await markSent(db, sent, now);
    const legacy = open.filter((m) => m.status === 'sending' && !sent.includes(m));
    if (legacy.length) await queueMessages(db, legacy, now);
    await ms
      .messages(db)
      .updateMany({ _id: { $in: l.ids }, status: 'sending' }, { $set: { status: 'queued', nextAttemptAt: now, leaseId: null, leaseUntil: null } });
    await leases(db).deleteOne({ _id: l._id });
    n += open.length;
  }
  const stale = await ms
    .messages(db)
    .find({ status: 'sending', leaseUntil: { $lt: now } }, { limit: 500, projection: { _id: 1, messageId: 1, leaseId: 1, campaignId: 1 } })
    .toArray();
  const ops: AnyBulkWriteOperation<MessageDoc>[] = [];
  const delivered: MessageDoc[] = [];
  const requeue: { _id: ObjectId }[] = [];
  for (const m of stale) {
    if (m.leaseId === owner) continue;
    if (await wasDelivered(m.messageId)) {
      delivered.push(m);
      continue;
    }
    requeue.push(m);
    ops.push({
      updateOne: {
        filter: { _id: m._id, status: 'sending', leaseId: m.leaseId },
        update: { $set: { status: 'queued', nextAttemptAt: now, updatedAt: now, leaseId: null, leaseUntil: null } },
      },
    });
  }
  if (requeue.length) await queueMessages(db, requeue, now);
  if (ops.length) await bulkWriteChunked(ms.messages(db), ops);
  // (an earlier version counted the attempt when it leased the message)
  if (delivered.length) await markSent(db, delivered, now, false);
  return n + ops.length + delivered.length;
}

/**
 * Marks messages sent (from in flight, or cancelled: sent is sent) with one updateMany per campaign, and
 * adds to each campaign's hourly rollup what its update really changed (a message already marked is not
 * counted again).
 */
async function markSent(db: Db, msgs: { _id: ObjectId; campaignId: ObjectId | null }[], at: Date, countAttempt = true): Promise<void> {
  const byCampaign = new Map<string, { campaignId: ObjectId | null; ids: ObjectId[] }>();
  for (const m of msgs) {
    const k = m.campaignId?.toHexString() ?? '';
    let g = byCampaign.get(k);
    if (!g) byCampaign.set(k, (g = { campaignId: m.campaignId ?? null, ids: [] }));
    g.ids.push(m._id);
  }
  for (const g of byCampaign.values()) {
    const r = await ms.messages(db).updateMany(
      { _id: { $in: g.ids }, status: NOT_FINAL },
      {
        $set: { status: 'sent', sentAt: at, updatedAt: at, lastError: null, leaseId: null, leaseUntil: null },
        ...(countAttempt ? { $inc: { attempts: 1 } } : {}),
      },
    );
    await bumpRollup(db, g.campaignId, at, 'sent', r.modifiedCount);
    // sent is final: nothing can queue these again, so their due entries go without a token check
    await dropDone(db, g.ids);
  }
}

/** Batches in flight (the kill test and the benchmark read it). */
export async function leasedBatches(db: Db): Promise<number> {
  return leases(db).countDocuments({});
}

/**
 * Sends what is due, batch after batch, until the queue has nothing due (or `maxBatches`). Returns at
 * once (locked: false) when another sender holds the outbox lock.
 */
export async function drainOutbox(db: Db, opts: { maxBatches?: number } = {}): Promise<DrainStats> {
  const owner = `${process.pid}:${new ObjectId().toHexString()}`;
  const stats: DrainStats = { locked: false, sent: 0, retried: 0, dead: 0, failed: 0, skipped: 0, recovered: 0 };
  const lease = LOCK_LEASE_MS();
  if (!(await tryLock(db, LOCK_KEY, owner, lease))) return stats;
  stats.locked = true;
  try {
    stats.recovered = await recoverExpired(db, owner);
    let lastPromote = 0;
    for (let b = 0; b < (opts.maxBatches ?? Infinity); b++) {
      if (!(await renewLock(db, LOCK_KEY, owner, lease))) break;
      if (Date.now() - lastPromote > 1_000) {
        await promoteDue(db);
        lastPromote = Date.now();
      }
      const picked = await nextBatch(db, BATCH());
      if (!picked) break;
      if (!picked.batch.length) continue;
      await leases(db).replaceOne({ _id: owner }, { ids: picked.batch.map((m) => m._id), at: new Date() }, { upsert: true });
      await sendBatch(db, picked.batch, picked.entries, stats);
    }
    await leases(db).deleteOne({ _id: owner });
  } finally {
    await releaseLock(db, LOCK_KEY, owner).catch(() => undefined);
  }
  return stats;
}

/**
 * The next batch from the due queue (queue.ts): the entries in natural order, their messages by `_id`
 * (the `_id` index alone; the status is checked here, not in the query), stale entries dropped and retries
 * not due yet moved to the later queue. Null when there is nothing more to send now (an empty queue, or
 * only entries whose message is still being inserted).
 */
async function nextBatch(db: Db, limit: number): Promise<{ batch: MessageDoc[]; entries: Map<string, DueEntry> } | null> {
  const read = await readDue(db, limit);
  if (!read.length) return null;
  const found = new Map<string, MessageDoc>();
  for (const m of await ms
    .messages(db)
    .find({ _id: { $in: read.map((e) => e._id) } })
    .toArray()) {
    found.set(m._id.toHexString(), m);
  }
  const now = new Date();
  const batch: MessageDoc[] = [];
  const entries = new Map<string, DueEntry>();
  const stale: DueEntry[] = [];
  const later: { entry: DueEntry; due: Date }[] = [];
  let waiting = 0;
  for (const e of read) {
    const m = found.get(e._id.toHexString());
    if (!m) {
      // written just before its message's insert (rule 4): wait for it, or drop an orphan
      if (now.getTime() - e.t.getTimestamp().getTime() > ORPHAN_MS) stale.push(e);
      else waiting++;
    } else if (m.status !== 'queued') stale.push(e);
    else if (m.nextAttemptAt > now) later.push({ entry: e, due: m.nextAttemptAt });
    else {
      batch.push(m);
      entries.set(m._id.toHexString(), e);
    }
  }
  if (stale.length) await dropEntries(db, stale);
  await postpone(db, later);
  if (!batch.length && waiting === read.length) return null;
  return { batch, entries };
}

async function sendBatch(db: Db, batch: MessageDoc[], entries: Map<string, DueEntry>, stats: DrainStats): Promise<void> {
  const now = () => new Date();
  // send-time checks: suppressions and preferences (a member may have unsubscribed after enqueue), campaign state
  const byCat = new Map<Category, MessageDoc[]>();
  for (const m of batch) byCat.set(m.category, [...(byCat.get(m.category) ?? []), m]);
  const skip = new Map<string, string>();
  for (const [cat, list] of byCat) {
    const ex = await exclusions(
      db,
      list.map((m) => m.to),
      cat,
    );
    for (const m of list) {
      const r = ex.get(m.toLower);
      if (r) skip.set(m._id.toHexString(), r);
    }
  }
  const campaignIds = [...new Set(batch.filter((m) => m.campaignId).map((m) => m.campaignId!.toHexString()))];
  const campaignState = new Map<string, string>();
  if (campaignIds.length) {
    for (const c of await ms
      .campaigns(db)
      .find({ _id: { $in: campaignIds.map((i) => new ObjectId(i)) } }, { projection: { status: 1 } })
      .toArray()) {
      campaignState.set(c._id.toHexString(), c.status);
    }
  }
  const ops: AnyBulkWriteOperation<MessageDoc>[] = [];
  // due entries of the messages whose outcome is in `ops`, and retries (queue.ts: the later entry is
  // written before the message's new nextAttemptAt, the due entry dropped after)
  let done: DueEntry[] = [];
  let retries: { _id: ObjectId; nextAttemptAt: Date }[] = [];
  const flushOps = async () => {
    if (!ops.length) return;
    const batchOps = ops.splice(0, ops.length);
    const drop = done;
    const later = retries;
    done = [];
    retries = [];
    if (later.length) await queueMessages(db, later);
    await bulkWriteChunked(ms.messages(db), batchOps);
    await dropEntries(db, drop);
  };
  // an outcome is written only while the message is still in flight: a retry only if still queued (not
  // paused or cancelled meanwhile); a permanent outcome unless cancelled
  const finish = (m: MessageDoc, set: Partial<MessageDoc>) => {
    const still = set.status === 'queued' ? ['queued'] : [...IN_FLIGHT];
    const e = entries.get(m._id.toHexString());
    if (e) done.push(e);
    if (set.status === 'queued' && set.nextAttemptAt) retries.push({ _id: m._id, nextAttemptAt: set.nextAttemptAt });
    ops.push({
      updateOne: {
        filter: { _id: m._id, status: { $in: still as MessageDoc['status'][] } },
        update: { $set: { ...set, leaseId: null, leaseUntil: null, updatedAt: now() } },
      },
    });
  };
  const bounced: { to: string; error: string }[] = [];
  // sent messages are marked in groups with one updateMany (FerretDB: ~2× cheaper per document than one
  // update statement each); sent is sent, even if the campaign was paused or cancelled meanwhile
  let sentMsgs: MessageDoc[] = [];
  const flushSent = async () => {
    if (!sentMsgs.length) return;
    const list = sentMsgs;
    sentMsgs = [];
    await markSent(db, list, now());
  };
  let i = 0;
  const worker = async () => {
    while (i < batch.length) {
      const m = batch[i++]!;
      const hex = m._id.toHexString();
      const reason = skip.get(hex);
      if (reason) {
        finish(m, { status: 'skipped', skipReason: reason });
        stats.skipped++;
        continue;
      }
      const cs = m.campaignId ? campaignState.get(m.campaignId.toHexString()) : null;
      if (cs === 'paused' || cs === 'cancelled') {
        // (pause/cancel move their queued messages too; this covers one read before that update ran)
        finish(m, { status: cs === 'paused' ? 'held' : 'cancelled' });
        continue;
      }
      let out: SendOutcome;
      try {
        let mail: OutgoingMail | null = await composeMail(db, m);
        await throttle(m.to);
        killPoint('before-smtp');
        const sending = sendMail(mail);
        mail = null; // built into one Buffer by sendMail: its strings are garbage while the reply is awaited
        out = await sending;
        killPoint('after-smtp');
      } catch (e) {
        out = { ok: false, permanent: true, hardBounce: false, error: `render: ${(e as Error).message}`.slice(0, 500) };
      }
      const attempts = m.attempts + 1;
      if (out.ok) {
        sentMsgs.push(m);
        stats.sent++;
      } else if (out.permanent) {
        finish(m, { status: 'failed', attempts, lastError: out.error });
        if (out.hardBounce) bounced.push({ to: m.toLower, error: out.error });
        stats.failed++;
      } else if (attempts >= MAX_ATTEMPTS()) {
        finish(m, { status: 'dead', attempts, lastError: out.error });
        stats.dead++;
      } else {
        finish(m, { status: 'queued', attempts, lastError: out.error, nextAttemptAt: new Date(Date.now() + backoffMs(attempts)) });
        stats.retried++;
      }
      // write results in small groups so a crash loses as little as possible of what was already sent
      if (ops.length >= 10) await flushOps();
      if (sentMsgs.length >= 50) await flushSent();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY(), batch.length) }, worker));
  await flushSent();
  await flushOps();
  for (const b of bounced) {
    await ms.suppressions(db).updateOne({ _id: b.to }, { $setOnInsert: { reason: 'hard_bounce', detail: b.error, at: now(), by: null } }, { upsert: true });
  }
}

// ------------------------------------------------------------------------------------------ worker

interface WorkerState {
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<unknown> | null;
  again: boolean;
  sweeper: ReturnType<typeof setInterval> | null;
}
const g = globalThis as unknown as { __acubeOutbox?: Map<string, WorkerState> };
const states = (g.__acubeOutbox ??= new Map());
function stateOf(db: Db): WorkerState {
  let s = states.get(db.databaseName);
  if (!s) states.set(db.databaseName, (s = { timer: null, running: null, again: false, sweeper: null }));
  return s;
}

/** Starts a drain soon in this process, when a worker runs in it (startOutboxWorker). */
export function kickOutbox(db: Db, delayMs = 10): void {
  const s = stateOf(db);
  if (!s.sweeper) return;
  if (s.running) {
    s.again = true;
    return;
  }
  if (s.timer) return;
  s.timer = setTimeout(() => {
    s.timer = null;
    s.running = drainOutbox(db)
      .catch((e) => console.error('[messaging] outbox drain failed:', e instanceof Error ? e.message : e))
      .finally(() => {
        s.running = null;
        if (s.again) {
          s.again = false;
          kickOutbox(db, 0);
        }
      });
  }, delayMs);
  s.timer.unref?.();
}

/** Every instance sweeps every few seconds (retries that came due, work of a crashed sender). */
export function startOutboxWorker(db: Db, everyMs = Number(process.env.MESSAGING_SWEEP_MS || 3_000)): () => void {
  const s = stateOf(db);
  if (s.sweeper) return () => undefined;
  s.sweeper = setInterval(() => {
    if (s.running || s.timer) return;
    // the due queue (queue.ts), a crashed sender's lease document, or (an earlier version) a stale 'sending'
    (async () =>
      (await anythingDue(db)) ||
      !!(await leases(db).findOne({}, { projection: { _id: 1 } })) ||
      !!(await ms.messages(db).findOne({ status: 'sending', leaseUntil: { $lt: new Date() } }, { projection: { _id: 1 } })))()
      .then((d) => d && kickOutbox(db, 0))
      .catch(() => undefined);
  }, everyMs);
  s.sweeper.unref?.();
  kickOutbox(db, 0);
  return () => {
    if (s.sweeper) clearInterval(s.sweeper);
    s.sweeper = null;
  };
}
