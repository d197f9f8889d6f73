/**
 * Campaigns: an audience (analytics segment or a saved member search) minus suppressed, unsubscribed and
 * recently contacted members (frequency cap), a deterministic holdout, enqueued into the outbox; and the
 * report: delivery counts, opens/clicks/unsubscribes over time, and the uplift of sent vs holdout
 * (share active again within 7 / 14 / 30 days, from the activity rollups of activity_events) with a
 * 95 % interval.
 */
import { createHash } from 'node:crypto';
import { ObjectId, type Db, type Filter, type Document } from 'mongodb';
import { AppError } from '../errors';
import { can, type ResolvedRole } from '../permissions';
import { maskDoc } from '../registry';
import { computeAtRisk } from '../analytics/compute';
import { loadUserDays } from '../analytics/service';
import { signupsBetween } from '../analytics/members';
import { dayIndexOfDate, dayIndexOfKey } from '../analytics/periods';
import { buildQuery } from '../search/filter';
import { SearchInput } from '../search/schema';
import { lockHeld, releaseLock, tryLock } from '../db/locks';
import { countMatching } from '../db/count';
import { ms, type AudienceSpec, type CampaignDoc, type Category, type MessageStatus } from './model';
import { enqueueMany, exclusions, kickOutbox, leasedBatches, normalizeAddress, type BulkRecipient } from './outbox';
import { queueMessages } from './queue';
import { campaignHours, hourOf, ROLLUP_METRICS, type RollupMetric } from './rollup';
import { getTemplate, versionOf } from './templates';
import { recommendFor, loadRecommendationContext } from './recommend';
import { MemberIds } from './member-ids';

// ------------------------------------------------------------------------------------------ audience

/**
 * Member ids of an audience, before exclusions, packed 12 bytes each (member-ids.ts): members read from
 * `users` come through a cursor one batch at a time (never a whole-audience `toArray()`), sorted by id as
 * before; the analytics audiences keep their order (at risk: by score).
 */
export async function audienceMemberIds(db: Db, a: AudienceSpec, adminId: ObjectId | null, role: ResolvedRole | null): Promise<MemberIds> {
  switch (a.kind) {
    case 'at_risk': {
      const d = dayIndexOfKey(a.asOf);
      return MemberIds.from(computeAtRisk(await loadUserDays(db, d - 89, d), d).map((s) => s.u));
    }
    case 'lifecycle': {
      // 30-day periods ending on asOf: dormant = active in the previous period, not in the last;
      // resurrecting = active in the last, not in the previous, signed up before the previous period ended
      const d = dayIndexOfKey(a.asOf);
      const pairs = await loadUserDays(db, d - 59, d);
      const prev = new Set<string>();
      const last = new Set<string>();
      for (const p of pairs) (p.d > d - 30 ? last : prev).add(p.u);
      if (a.state === 'dormant') return MemberIds.from([...prev].filter((u) => !last.has(u)).sort());
      const signups = await signupsBetween(db, d - 29, d);
      return MemberIds.from([...last].filter((u) => !prev.has(u) && !signups.has(u)).sort());
    }
    case 'cohort': {
      const from = new Date(`${a.signupFrom}T00:00:00Z`);
      const to = new Date(new Date(`${a.signupTo}T00:00:00Z`).getTime() + 86_400_000);
      return memberIdsOf(db, { createdAt: { $gte: from, $lt: to } });
    }
    case 'saved_search': {
      if (!adminId || !role) throw new AppError('BAD_REQUEST', 'A saved search audience needs the operator who owns it.');
      if (!ObjectId.isValid(a.savedSearchId)) throw new AppError('BAD_REQUEST', 'savedSearchId: 24-hex id');
      const s = await db.collection('saved_searches').findOne({ _id: new ObjectId(a.savedSearchId), adminId });
      if (!s) throw new AppError('NOT_FOUND', 'No saved search of yours has this id.');
      if (s.collection !== 'users') throw new AppError('BAD_REQUEST', 'The saved search must be on Members.');
      const q = SearchInput.parse({ ...JSON.parse(String(s.query)), page: 1 });
      const built = buildQuery('users', q, can(role, 'data.personal.read'));
      return memberIdsOf(db, built.filter as Filter<Document>, 500_000);
    }
  }
}

/**
 * Ids of the members matching `filter`, ascending. The cursor is read to its end before anything is
 * written (no cursor stays open across the enqueue's writes); only the 12 bytes of each id are kept.
 */
async function memberIdsOf(db: Db, filter: Filter<Document>, limit = 0): Promise<MemberIds> {
  const ids = new MemberIds();
  const cur = db.collection('users').find(filter, { projection: { _id: 1 }, batchSize: PLAN_CHUNK, ...(limit ? { limit } : {}) });
  for await (const u of cur) ids.push(u._id as ObjectId);
  return ids.sort();
}

/** Deterministic holdout: the same campaign and member always land in the same group. */
export function inHoldout(campaignId: string, memberId: string, pct: number): boolean {
  if (pct <= 0) return false;
  const h = createHash('sha256').update(`${campaignId}:${memberId}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < pct / 100;
}

/**
 * Which of `memberIds` were contacted (a non-transactional message queued, sending, sent or held) since
 * `since`: asked per planned chunk through the `member_created` index (memberId, createdAt), instead of
 * reading every message of the window into one set before planning (100,000 recent messages: 21 s and a
 * set of 100,000 strings held through the whole enqueue, on the embedded database). The status is
 * written as "none of the others" so that it stays in the handler's filter and SQLite keeps to that index
 * (outbox.ts, NOT_FINAL).
 */
export async function recentlyContacted(db: Db, since: Date, memberIds: ObjectId[], exceptCampaign?: ObjectId): Promise<Set<string>> {
  const out = new Set<string>();
  if (!memberIds.length) return out;
  const cur = ms
    .messages(db)
    .find(
      { memberId: { $in: memberIds }, createdAt: { $gte: since }, status: { $nin: ['failed', 'dead', 'skipped', 'cancelled'] } },
      { projection: { memberId: 1, category: 1, campaignId: 1 } },
    );
  // a campaign's own messages do not cap it (planned again when its enqueue is resumed after a crash)
  const except = exceptCampaign?.toHexString();
  for await (const m of cur) {
    if (m.memberId && m.category !== 'transactional' && !(except && m.campaignId?.toHexString() === except)) out.add(m.memberId.toHexString());
  }
  return out;
}

export interface AudienceCounts {
  total: number;
  excluded: { suppressedOrUnsubscribed: number; frequencyCap: number; noEmail: number };
  holdout: number;
  send: number;
}

export interface AudienceChunk {
  recipients: BulkRecipient[];
  holdoutIds: string[];
}

/** Members planned per chunk: what the campaign holds in memory at once (besides the audience's ids, 12 bytes each). */
const PLAN_CHUNK = 1_000;
const NONE: ReadonlySet<string> = new Set();

/**
 * Plans an audience chunk by chunk (members, exclusions, frequency cap, holdout), handing each chunk to
 * `each` with the counts so far: a 100,000-member campaign never holds all its recipients at once.
 */
async function planChunks(
  db: Db,
  c: Pick<CampaignDoc, '_id' | 'audience' | 'category' | 'holdoutPct' | 'frequencyCapDays'>,
  adminId: ObjectId | null,
  role: ResolvedRole | null,
  each: (chunk: AudienceChunk, soFar: AudienceCounts) => Promise<void>,
): Promise<AudienceCounts> {
  const ids = await audienceMemberIds(db, c.audience, adminId, role);
  // one instant for the whole plan, as when the contacted set was read once before the first chunk
  const capSince = c.frequencyCapDays > 0 ? new Date(Date.now() - c.frequencyCapDays * 86_400_000) : null;
  const out: AudienceCounts = { total: ids.length, excluded: { suppressedOrUnsubscribed: 0, frequencyCap: 0, noEmail: 0 }, holdout: 0, send: 0 };
  const cid = c._id.toHexString();
  for (let i = 0; i < ids.length; i += PLAN_CHUNK) {
    const chunkIds = ids.hexSlice(i, i + PLAN_CHUNK);
    const oids = chunkIds.map((h) => new ObjectId(h));
    const users = new Map<string, { email: string; name: string }>();
    for (const u of await db
      .collection('users')
      .find({ _id: { $in: oids } }, { projection: { email: 1, name: 1 } })
      .toArray()) {
      users.set((u._id as ObjectId).toHexString(), { email: String(u.email ?? ''), name: String(u.name ?? '') });
    }
    const ex = await exclusions(db, [...users.values()].map((u) => u.email).filter(Boolean), c.category);
    const capped = capSince ? await recentlyContacted(db, capSince, oids, c._id) : NONE;
    const chunk: AudienceChunk = { recipients: [], holdoutIds: [] };
    for (const id of chunkIds) {
      const u = users.get(id);
      if (!u || !u.email.includes('@')) {
        out.excluded.noEmail++;
        continue;
      }
      if (ex.has(normalizeAddress(u.email))) {
        out.excluded.suppressedOrUnsubscribed++;
        continue;
      }
      if (capped.has(id)) {
        out.excluded.frequencyCap++;
        continue;
      }
      if (inHoldout(cid, id, c.holdoutPct)) {
        out.holdout++;
        chunk.holdoutIds.push(id);
        continue;
      }
      out.send++;
      chunk.recipients.push({ memberId: new ObjectId(id), to: u.email, name: u.name });
    }
    await each(chunk, out);
  }
  return out;
}

/** Count and a masked sample before scheduling. */
export async function previewAudience(
  db: Db,
  input: { audience: AudienceSpec; category: Category; holdoutPct: number; frequencyCapDays: number; campaignId?: string },
  adminId: ObjectId,
  role: ResolvedRole,
) {
  const _id = input.campaignId && ObjectId.isValid(input.campaignId) ? new ObjectId(input.campaignId) : new ObjectId('000000000000000000000000');
  const first: BulkRecipient[] = [];
  const p = await planChunks(db, { _id, ...input }, adminId, role, async (chunk) => {
    if (first.length < 10) first.push(...chunk.recipients.slice(0, 10 - first.length));
  });
  const personal = can(role, 'data.personal.read');
  const sample = first.map((r) => maskDoc('users', { id: r.memberId.toHexString(), name: r.name, email: r.to }, personal));
  return { total: p.total, excluded: p.excluded, holdout: p.holdout, send: p.send, sample };
}

// ------------------------------------------------------------------------------------------ lifecycle

export async function createCampaign(
  db: Db,
  input: { name: string; templateKey: string; audience: AudienceSpec; holdoutPct: number; frequencyCapDays: number; ruleId?: string | null },
  by: { id: string; email: string } | null,
): Promise<CampaignDoc> {
  const t = await getTemplate(db, input.templateKey);
  if (t.category === 'transactional') throw new AppError('BAD_REQUEST', 'Campaigns send notification or marketing templates, not transactional ones.');
  const now = new Date();
  const doc: CampaignDoc = {
    _id: new ObjectId(),
    name: input.name,
    templateKey: t._id,
    templateVersion: null,
    category: t.category,
    audience: input.audience,
    holdoutPct: input.holdoutPct,
    frequencyCapDays: input.frequencyCapDays,
    status: 'draft',
    scheduledAt: null,
    startedAt: null,
    finishedAt: null,
    ruleId: input.ruleId ?? null,
    counts: { audience: 0, holdout: 0, enqueued: 0, excluded: 0 },
    createdBy: by,
    createdAt: now,
    updatedAt: now,
  };
  await ms.campaigns(db).insertOne(doc);
  return doc;
}

export async function getCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = ObjectId.isValid(id) ? await ms.campaigns(db).findOne({ _id: new ObjectId(id) }) : null;
  if (!c) throw new AppError('NOT_FOUND', 'No such campaign.');
  return c;
}

export async function scheduleCampaign(db: Db, id: string, at: Date | null): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (c.status !== 'draft') throw new AppError('CONFLICT', `The campaign is ${c.status}; only a draft can be scheduled.`);
  await ms.campaigns(db).updateOne({ _id: c._id, status: 'draft' }, { $set: { status: 'scheduled', scheduledAt: at ?? new Date(), updatedAt: new Date() } });
  return getCampaign(db, id);
}

/**
 * Starts the campaigns that are due: one instance per campaign (a lock), audience planned, holdout and
 * sent group recorded as enrollments, messages enqueued. Also resumes a campaign whose enqueue was cut
 * short (the process died between chunks: still 'sending' with `enqueue: 'running'` and nobody holding
 * its lock): planned again, and what was already enrolled and enqueued is skipped, since enrollments and
 * messages are keyed per campaign + member.
 */
export async function startDueCampaigns(db: Db, now = new Date()): Promise<number> {
  const due = await ms
    .campaigns(db)
    .find({
      $or: [
        { status: 'scheduled', scheduledAt: { $lte: now } },
        { status: 'sending', enqueue: 'running' },
      ],
    })
    .limit(20)
    .toArray();
  let n = 0;
  for (const c of due) {
    const owner = `${process.pid}:${new ObjectId().toHexString()}`;
    const key = `messaging:campaign:${c._id.toHexString()}`;
    if (!(await tryLock(db, key, owner, 10 * 60_000))) continue;
    try {
      const fresh = await ms.campaigns(db).findOne({ _id: c._id, status: c.status === 'scheduled' ? 'scheduled' : 'sending' });
      if (!fresh || (fresh.status === 'sending' && fresh.enqueue !== 'running')) continue;
      await runCampaign(db, fresh);
      n++;
    } finally {
      await releaseLock(db, key, owner);
    }
  }
  return n;
}

async function runCampaign(db: Db, c: CampaignDoc): Promise<void> {
  const t = await getTemplate(db, c.templateKey);
  const v = versionOf(t, c.templateVersion);
  const reco = c.templateKey === 'reengagement' || v.variables.includes('recommendations');
  const countsOf = (p: AudienceCounts) => ({ audience: p.total, holdout: p.holdout, enqueued: p.send, excluded: p.total - p.send - p.holdout });
  const now = new Date();
  // a resumed campaign keeps its start time and version
  let started = c.status === 'sending';
  // chunk by chunk: enrollments (holdout and sent group), then the chunk's messages; the counts shown
  // grow with each chunk and are final when the last one is enqueued
  const final = await planChunks(db, c, c.createdBy ? new ObjectId(c.createdBy.id) : null, null, async (chunk, soFar) => {
    const cid = c._id.toHexString();
    const enroll = [
      ...chunk.holdoutIds.map((id) => ({ _id: `${cid}:${id}`, campaignId: c._id, memberId: new ObjectId(id), group: 'holdout' as const, at: now })),
      ...chunk.recipients.map((r) => ({ _id: `${cid}:${r.memberId.toHexString()}`, campaignId: c._id, memberId: r.memberId, group: 'sent' as const, at: now })),
    ];
    if (enroll.length) {
      await ms
        .enrollments(db)
        .insertMany(enroll, { ordered: false })
        .catch((e) => {
          const w = e as { writeErrors?: { code?: number }[]; code?: number };
          if (!(w.code === 11000 || w.writeErrors?.every((x) => x.code === 11000))) throw e;
        });
    }
    const set = started
      ? { counts: countsOf(soFar), updatedAt: new Date() }
      : { status: 'sending' as const, startedAt: now, templateVersion: v.version, updatedAt: now, counts: countsOf(soFar), enqueue: 'running' as const };
    await ms.campaigns(db).updateOne({ _id: c._id }, { $set: set });
    started = true;
    if (!chunk.recipients.length) return;
    if (reco) {
      const ctx = await loadRecommendationContext(
        db,
        chunk.recipients.map((r) => r.memberId),
      );
      for (const r of chunk.recipients) r.vars = { recommendations: recommendFor(ctx, r.memberId.toHexString()) };
    }
    const still = await ms.campaigns(db).findOne({ _id: c._id }, { projection: { status: 1 } });
    const status = still?.status === 'paused' ? 'held' : still?.status === 'cancelled' ? null : 'queued';
    if (!status) return; // cancelled: the rest is still enrolled (the report's groups), nothing more is enqueued
    await enqueueMany(db, {
      templateKey: t._id,
      version: v,
      category: c.category,
      campaignId: c._id,
      keyPrefix: `campaign:${cid}`,
      recipients: chunk.recipients,
      status,
    });
  });
  if (!started) {
    await ms
      .campaigns(db)
      .updateOne(
        { _id: c._id },
        { $set: { status: 'sending', startedAt: now, templateVersion: v.version, updatedAt: now, counts: countsOf(final), enqueue: 'done' } },
      );
  } else {
    await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { enqueue: 'done', counts: countsOf(final), updatedAt: new Date() } });
  }
}

export async function pauseCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (!['scheduled', 'sending'].includes(c.status)) throw new AppError('CONFLICT', `A ${c.status} campaign cannot be paused.`);
  await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { status: 'paused', updatedAt: new Date() } });
  await ms.messages(db).updateMany({ campaignId: c._id, status: 'queued' }, { $set: { status: 'held', updatedAt: new Date() } });
  return getCampaign(db, id);
}

/**
 * "held", written as "none of the others": beside `_id: {$in}` a pushed-down status condition can make
 * SQLite walk the status index instead of `_id`'s (outbox.ts, NOT_FINAL); `$nin` stays in the handler.
 */
const NOT_FINAL_HELD = { $nin: ['queued', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled'] as MessageStatus[] };

export async function resumeCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (c.status !== 'paused') throw new AppError('CONFLICT', `A ${c.status} campaign cannot be resumed.`);
  await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { status: c.startedAt ? 'sending' : 'scheduled', updatedAt: new Date() } });
  // due-queue entries before the messages are queued again (queue.ts, rule 1), a chunk at a time
  // (the ids are read first: no cursor stays open across the writes)
  const now = new Date();
  const held = (
    await ms
      .messages(db)
      .find({ campaignId: c._id, status: 'held' }, { projection: { _id: 1 } })
      .toArray()
  ).map((m) => m._id);
  for (let i = 0; i < held.length; i += 500) {
    const ids = held.slice(i, i + 500);
    await queueMessages(
      db,
      ids.map((_id) => ({ _id })),
      now,
    );
    await ms.messages(db).updateMany({ _id: { $in: ids }, status: NOT_FINAL_HELD }, { $set: { status: 'queued', nextAttemptAt: now, updatedAt: now } });
  }
  kickOutbox(db);
  return getCampaign(db, id);
}

export async function cancelCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (['done', 'cancelled'].includes(c.status)) throw new AppError('CONFLICT', `The campaign is already ${c.status}.`);
  await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() } });
  await ms.messages(db).updateMany({ campaignId: c._id, status: { $in: ['queued', 'held'] } }, { $set: { status: 'cancelled', updatedAt: new Date() } });
  return getCampaign(db, id);
}

/** Marks sending campaigns with nothing left in the outbox (and not still enqueueing) as done. */
export async function finishCampaigns(db: Db): Promise<void> {
  for (const c of await ms
    .campaigns(db)
    .find({ status: 'sending', enqueue: { $ne: 'running' } }, { projection: { _id: 1 } })
    .toArray()) {
    // still being planned and enqueued chunk by chunk: the outbox may have drained the chunks so far
    if (await lockHeld(db, `messaging:campaign:${c._id.toHexString()}`)) continue;
    const left = await ms.messages(db).findOne({ campaignId: c._id, status: { $in: ['queued', 'sending', 'held'] } }, { projection: { _id: 1 } });
    if (!left) await ms.campaigns(db).updateOne({ _id: c._id, status: 'sending' }, { $set: { status: 'done', finishedAt: new Date(), updatedAt: new Date() } });
  }
}

// ------------------------------------------------------------------------------------------ report

export interface UpliftRow {
  days: number;
  sentActive: number;
  sentTotal: number;
  holdoutActive: number;
  holdoutTotal: number;
  sentRate: number;
  holdoutRate: number;
  /** sentRate - holdoutRate, and its 95 % interval (normal approximation of a difference of proportions) */
  diff: number;
  low: number;
  high: number;
  /** the window has not fully elapsed yet */
  partial: boolean;
}

/** Difference of two proportions with its 95 % Wald interval. */
export function diffInterval(a: number, n1: number, b: number, n2: number): { diff: number; low: number; high: number } {
  if (n1 === 0 || n2 === 0) return { diff: 0, low: 0, high: 0 };
  const p1 = a / n1;
  const p2 = b / n2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const diff = p1 - p2;
  return { diff, low: diff - 1.96 * se, high: diff + 1.96 * se };
}

type SeriesRow = { t: string; sent: number; opened: number; clicked: number; unsubscribed: number };
const EVER = new Date(0);

/** The old way, kept to rebuild the rollups: one pass over the campaign's messages. */
async function seriesFromMessages(db: Db, campaignId: ObjectId): Promise<Map<string, SeriesRow>> {
  const series = new Map<string, SeriesRow>();
  const bump = (d: Date | null, k: RollupMetric) => {
    if (!d) return;
    const t = hourOf(d);
    let row = series.get(t);
    if (!row) series.set(t, (row = { t, sent: 0, opened: 0, clicked: 0, unsubscribed: 0 }));
    row[k]++;
  };
  for await (const m of ms.messages(db).find({ campaignId }, { projection: { sentAt: 1, openedAt: 1, clickedAt: 1, unsubscribedAt: 1 } })) {
    bump(m.sentAt, 'sent');
    bump(m.openedAt, 'opened');
    bump(m.clickedAt, 'clicked');
    bump(m.unsubscribedAt, 'unsubscribed');
  }
  return series;
}

/**
 * The report reads no message while the campaign sends: status counts are `count` commands on the
 * campaign's index (SQLite `count(*)` on the embedded FerretDB), the series and the engagement totals
 * are the hourly rollups (rollup.ts). Once it is not sending (done, paused, cancelled) and no batch is in
 * flight, each rollup total is checked against an exact count — sent is the status count (only markSent
 * sets `sentAt`, together with the status); opened / clicked / unsubscribed lead no index, so their count
 * reads each of the campaign's rows inside SQLite (~3.5 s each at 100,000 messages on this machine) — and
 * when one differs (a process killed between a transition and its rollup) the campaign's rollups are
 * rebuilt from its messages once.
 */
export async function campaignReport(db: Db, id: string, now = new Date()) {
  const c = await getCampaign(db, id);
  const statuses = ['queued', 'held', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled'] as const;
  const counts = {} as Record<(typeof statuses)[number], number>;
  for (const s of statuses) counts[s] = await countMatching(db, ms.messages(db), { campaignId: c._id, status: s });
  let series = new Map<string, SeriesRow>();
  for (const h of await campaignHours(db).find({ campaignId: c._id }).toArray()) {
    series.set(h.t, { t: h.t, sent: h.sent ?? 0, opened: h.opened ?? 0, clicked: h.clicked ?? 0, unsubscribed: h.unsubscribed ?? 0 });
  }
  const total = (k: RollupMetric) => [...series.values()].reduce((n, r) => n + r[k], 0);
  const settled = c.status !== 'sending' && !(await leasedBatches(db));
  const exact: Partial<Record<RollupMetric, number>> = { sent: counts.sent };
  if (settled) {
    for (const k of ['opened', 'clicked', 'unsubscribed'] as const) {
      exact[k] = await countMatching(db, ms.messages(db), { campaignId: c._id, [`${k}At`]: { $gte: EVER } });
    }
    if (ROLLUP_METRICS.some((k) => total(k) !== exact[k])) {
      series = await seriesFromMessages(db, c._id);
      await campaignHours(db).deleteMany({ campaignId: c._id });
      const docs = [...series.values()].map((r) => ({ _id: `${c._id.toHexString()}:${r.t}`, campaignId: c._id, ...r }));
      for (let i = 0; i < docs.length; i += 500) await campaignHours(db).insertMany(docs.slice(i, i + 500));
    }
  }
  const opened = exact.opened ?? total('opened');
  const clicked = exact.clicked ?? total('clicked');
  const unsubscribed = exact.unsubscribed ?? total('unsubscribed');
  const uplift: UpliftRow[] = [];
  if (c.startedAt) {
    // group sizes are counts on the enrollments' index; only the members active since the start are
    // looked up (by enrollment _id, campaign:member), not every enrollment of the campaign
    const sizes = {
      sent: await countMatching(db, ms.enrollments(db), { campaignId: c._id, group: 'sent' }),
      holdout: await countMatching(db, ms.enrollments(db), { campaignId: c._id, group: 'holdout' }),
    };
    const start = dayIndexOfDate(c.startedAt);
    const today = dayIndexOfDate(now);
    const pairs = await loadUserDays(db, start, Math.min(start + 30, today));
    const firstSeen = new Map<string, number>();
    for (const p of pairs) {
      const prev = firstSeen.get(p.u);
      if (prev === undefined || p.d < prev) firstSeen.set(p.u, p.d);
    }
    const cid = c._id.toHexString();
    const groupOf = new Map<string, 'sent' | 'holdout'>();
    const active = [...firstSeen.keys()];
    for (let i = 0; i < active.length; i += 1_000) {
      const ids = active.slice(i, i + 1_000).map((u) => `${cid}:${u}`);
      for (const e of await ms
        .enrollments(db)
        .find({ _id: { $in: ids } }, { projection: { memberId: 1, group: 1 } })
        .toArray()) {
        groupOf.set(e.memberId.toHexString(), e.group);
      }
    }
    for (const days of [7, 14, 30]) {
      let sa = 0,
        ha = 0;
      for (const [u, g] of groupOf) {
        if (firstSeen.get(u)! - start >= days) continue;
        if (g === 'sent') sa++;
        else ha++;
      }
      const iv = diffInterval(sa, sizes.sent, ha, sizes.holdout);
      uplift.push({
        days,
        sentActive: sa,
        sentTotal: sizes.sent,
        holdoutActive: ha,
        holdoutTotal: sizes.holdout,
        sentRate: sizes.sent ? sa / sizes.sent : 0,
        holdoutRate: sizes.holdout ? ha / sizes.holdout : 0,
        ...iv,
        partial: start + days > today,
      });
    }
  }
  return {
    campaign: campaignDto(c),
    counts: { ...counts, delivered: counts.sent ?? 0, opened, clicked, unsubscribed },
    series: [...series.values()].sort((a, b) => (a.t < b.t ? -1 : 1)),
    uplift,
  };
}

export function campaignDto(c: CampaignDoc) {
  return {
    id: c._id.toHexString(),
    name: c.name,
    templateKey: c.templateKey,
    templateVersion: c.templateVersion,
    category: c.category,
    audience: c.audience,
    holdoutPct: c.holdoutPct,
    frequencyCapDays: c.frequencyCapDays,
    status: c.status,
    scheduledAt: c.scheduledAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    ruleId: c.ruleId,
    counts: c.counts,
    createdBy: c.createdBy?.email ?? null,
    createdAt: c.createdAt,
  };
}

export async function listCampaigns(db: Db) {
  const docs = await ms.campaigns(db).find({}).sort({ createdAt: -1, _id: -1 }).limit(200).toArray();
  return docs.map(campaignDto);
}
