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
import { releaseLock, tryLock } from '../db/locks';
import { ms, type AudienceSpec, type CampaignDoc, type Category } from './model';
import { enqueueMany, exclusions, kickOutbox, normalizeAddress, type BulkRecipient } from './outbox';
import { getTemplate, versionOf } from './templates';
import { recommendFor, loadRecommendationContext } from './recommend';

// ------------------------------------------------------------------------------------------ audience

/** Member ids (hex) of an audience, before exclusions. */
export async function audienceMemberIds(db: Db, a: AudienceSpec, adminId: ObjectId | null, role: ResolvedRole | null): Promise<string[]> {
  switch (a.kind) {
    case 'at_risk': {
      const d = dayIndexOfKey(a.asOf);
      return computeAtRisk(await loadUserDays(db, d - 89, d), d).map((s) => s.u);
    }
    case 'lifecycle': {
      // 30-day periods ending on asOf: dormant = active in the previous period, not in the last;
      // resurrecting = active in the last, not in the previous, signed up before the previous period ended
      const d = dayIndexOfKey(a.asOf);
      const pairs = await loadUserDays(db, d - 59, d);
      const prev = new Set<string>();
      const last = new Set<string>();
      for (const p of pairs) (p.d > d - 30 ? last : prev).add(p.u);
      if (a.state === 'dormant') return [...prev].filter((u) => !last.has(u)).sort();
      const signups = await signupsBetween(db, d - 29, d);
      return [...last].filter((u) => !prev.has(u) && !signups.has(u)).sort();
    }
    case 'cohort': {
      const from = new Date(`${a.signupFrom}T00:00:00Z`);
      const to = new Date(new Date(`${a.signupTo}T00:00:00Z`).getTime() + 86_400_000);
      const docs = await db
        .collection('users')
        .find({ createdAt: { $gte: from, $lt: to } }, { projection: { _id: 1 } })
        .toArray();
      return docs.map((u) => (u._id as ObjectId).toHexString()).sort();
    }
    case 'saved_search': {
      if (!adminId || !role) throw new AppError('BAD_REQUEST', 'A saved search audience needs the operator who owns it.');
      if (!ObjectId.isValid(a.savedSearchId)) throw new AppError('BAD_REQUEST', 'savedSearchId: 24-hex id');
      const s = await db.collection('saved_searches').findOne({ _id: new ObjectId(a.savedSearchId), adminId });
      if (!s) throw new AppError('NOT_FOUND', 'No saved search of yours has this id.');
      if (s.collection !== 'users') throw new AppError('BAD_REQUEST', 'The saved search must be on Members.');
      const q = SearchInput.parse({ ...JSON.parse(String(s.query)), page: 1 });
      const built = buildQuery('users', q, can(role, 'data.personal.read'));
      const docs = await db
        .collection('users')
        .find(built.filter as Filter<Document>, { projection: { _id: 1 } })
        .limit(500_000)
        .toArray();
      return docs.map((u) => (u._id as ObjectId).toHexString()).sort();
    }
  }
}

/** Deterministic holdout: the same campaign and member always land in the same group. */
export function inHoldout(campaignId: string, memberId: string, pct: number): boolean {
  if (pct <= 0) return false;
  const h = createHash('sha256').update(`${campaignId}:${memberId}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < pct / 100;
}

/** Members contacted (a message of an optional category enqueued) since `since`. */
export async function recentlyContacted(db: Db, since: Date): Promise<Set<string>> {
  const out = new Set<string>();
  const cur = ms
    .messages(db)
    .find({ createdAt: { $gte: since }, status: { $in: ['queued', 'sending', 'sent', 'held'] } }, { projection: { memberId: 1, category: 1 } });
  for await (const m of cur) if (m.memberId && m.category !== 'transactional') out.add(m.memberId.toHexString());
  return out;
}

export interface AudiencePlan {
  total: number;
  excluded: { suppressedOrUnsubscribed: number; frequencyCap: number; noEmail: number };
  holdout: number;
  send: number;
  recipients: BulkRecipient[];
  holdoutIds: string[];
}

async function plan(
  db: Db,
  c: Pick<CampaignDoc, '_id' | 'audience' | 'category' | 'holdoutPct' | 'frequencyCapDays'>,
  adminId: ObjectId | null,
  role: ResolvedRole | null,
): Promise<AudiencePlan> {
  const ids = await audienceMemberIds(db, c.audience, adminId, role);
  const users = new Map<string, { email: string; name: string }>();
  for (let i = 0; i < ids.length; i += 2_000) {
    const chunk = ids.slice(i, i + 2_000).map((h) => new ObjectId(h));
    for (const u of await db
      .collection('users')
      .find({ _id: { $in: chunk } }, { projection: { email: 1, name: 1 } })
      .toArray()) {
      users.set((u._id as ObjectId).toHexString(), { email: String(u.email ?? ''), name: String(u.name ?? '') });
    }
  }
  const capped = c.frequencyCapDays > 0 ? await recentlyContacted(db, new Date(Date.now() - c.frequencyCapDays * 86_400_000)) : new Set<string>();
  const ex = await exclusions(db, [...users.values()].map((u) => u.email).filter(Boolean), c.category);
  const out: AudiencePlan = {
    total: ids.length,
    excluded: { suppressedOrUnsubscribed: 0, frequencyCap: 0, noEmail: 0 },
    holdout: 0,
    send: 0,
    recipients: [],
    holdoutIds: [],
  };
  const cid = c._id.toHexString();
  for (const id of ids) {
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
      out.holdoutIds.push(id);
      continue;
    }
    out.send++;
    out.recipients.push({ memberId: new ObjectId(id), to: u.email, name: u.name });
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
  const p = await plan(db, { _id, ...input }, adminId, role);
  const personal = can(role, 'data.personal.read');
  const sample = p.recipients.slice(0, 10).map((r) => maskDoc('users', { id: r.memberId.toHexString(), name: r.name, email: r.to }, personal));
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
 * sent group recorded as enrollments, messages enqueued. Safe to run again after a crash: enrollments
 * and messages are keyed per campaign + member.
 */
export async function startDueCampaigns(db: Db, now = new Date()): Promise<number> {
  const due = await ms
    .campaigns(db)
    .find({ status: 'scheduled', scheduledAt: { $lte: now } })
    .limit(20)
    .toArray();
  let n = 0;
  for (const c of due) {
    const owner = `${process.pid}:${new ObjectId().toHexString()}`;
    const key = `messaging:campaign:${c._id.toHexString()}`;
    if (!(await tryLock(db, key, owner, 10 * 60_000))) continue;
    try {
      const fresh = await ms.campaigns(db).findOne({ _id: c._id, status: 'scheduled' });
      if (!fresh) continue;
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
  const p = await plan(db, c, c.createdBy ? new ObjectId(c.createdBy.id) : null, null);
  const now = new Date();
  const enroll = [
    ...p.holdoutIds.map((id) => ({ _id: `${c._id.toHexString()}:${id}`, campaignId: c._id, memberId: new ObjectId(id), group: 'holdout' as const, at: now })),
    ...p.recipients.map((r) => ({
      _id: `${c._id.toHexString()}:${r.memberId.toHexString()}`,
      campaignId: c._id,
      memberId: r.memberId,
      group: 'sent' as const,
      at: now,
    })),
  ];
  for (let i = 0; i < enroll.length; i += 1_000) {
    await ms
      .enrollments(db)
      .insertMany(enroll.slice(i, i + 1_000), { ordered: false })
      .catch((e) => {
        const w = e as { writeErrors?: { code?: number }[]; code?: number };
        if (!(w.code === 11000 || w.writeErrors?.every((x) => x.code === 11000))) throw e;
      });
  }
  await ms.campaigns(db).updateOne(
    { _id: c._id },
    {
      $set: {
        status: 'sending',
        startedAt: now,
        templateVersion: v.version,
        updatedAt: now,
        counts: { audience: p.total, holdout: p.holdout, enqueued: p.send, excluded: p.total - p.send - p.holdout },
      },
    },
  );
  const reco = c.templateKey === 'reengagement' || v.variables.includes('recommendations');
  for (let i = 0; i < p.recipients.length; i += 1_000) {
    const chunk = p.recipients.slice(i, i + 1_000);
    if (reco) {
      const ctx = await loadRecommendationContext(
        db,
        chunk.map((r) => r.memberId),
      );
      for (const r of chunk) r.vars = { recommendations: recommendFor(ctx, r.memberId.toHexString()) };
    }
    const still = await ms.campaigns(db).findOne({ _id: c._id }, { projection: { status: 1 } });
    const status = still?.status === 'paused' ? 'held' : still?.status === 'cancelled' ? null : 'queued';
    if (!status) break;
    await enqueueMany(db, {
      templateKey: t._id,
      version: v,
      category: c.category,
      campaignId: c._id,
      keyPrefix: `campaign:${c._id.toHexString()}`,
      recipients: chunk,
      status,
    });
  }
}

export async function pauseCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (!['scheduled', 'sending'].includes(c.status)) throw new AppError('CONFLICT', `A ${c.status} campaign cannot be paused.`);
  await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { status: 'paused', updatedAt: new Date() } });
  await ms.messages(db).updateMany({ campaignId: c._id, status: 'queued' }, { $set: { status: 'held', updatedAt: new Date() } });
  return getCampaign(db, id);
}

export async function resumeCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const c = await getCampaign(db, id);
  if (c.status !== 'paused') throw new AppError('CONFLICT', `A ${c.status} campaign cannot be resumed.`);
  await ms.campaigns(db).updateOne({ _id: c._id }, { $set: { status: c.startedAt ? 'sending' : 'scheduled', updatedAt: new Date() } });
  await ms.messages(db).updateMany({ campaignId: c._id, status: 'held' }, { $set: { status: 'queued', nextAttemptAt: new Date(), updatedAt: new Date() } });
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

/** Marks sending campaigns with nothing left in the outbox as done. */
export async function finishCampaigns(db: Db): Promise<void> {
  for (const c of await ms
    .campaigns(db)
    .find({ status: 'sending' }, { projection: { _id: 1 } })
    .toArray()) {
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

export async function campaignReport(db: Db, id: string, now = new Date()) {
  const c = await getCampaign(db, id);
  const statuses = ['queued', 'held', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled'] as const;
  const counts = {} as Record<(typeof statuses)[number], number>;
  for (const s of statuses) counts[s] = await ms.messages(db).countDocuments({ campaignId: c._id, status: s });
  // one pass over the campaign's messages for the engagement counts and the timeline (hour buckets)
  let opened = 0,
    clicked = 0,
    unsubscribed = 0;
  const series = new Map<string, { t: string; sent: number; opened: number; clicked: number; unsubscribed: number }>();
  const bump = (d: Date | null, k: 'sent' | 'opened' | 'clicked' | 'unsubscribed') => {
    if (!d) return;
    const t = `${d.toISOString().slice(0, 13)}:00Z`;
    let row = series.get(t);
    if (!row) series.set(t, (row = { t, sent: 0, opened: 0, clicked: 0, unsubscribed: 0 }));
    row[k]++;
  };
  for await (const m of ms.messages(db).find({ campaignId: c._id }, { projection: { sentAt: 1, openedAt: 1, clickedAt: 1, unsubscribedAt: 1 } })) {
    if (m.openedAt) opened++;
    if (m.clickedAt) clicked++;
    if (m.unsubscribedAt) unsubscribed++;
    bump(m.sentAt, 'sent');
    bump(m.openedAt, 'opened');
    bump(m.clickedAt, 'clicked');
    bump(m.unsubscribedAt, 'unsubscribed');
  }
  const uplift: UpliftRow[] = [];
  if (c.startedAt) {
    const groups = { sent: new Set<string>(), holdout: new Set<string>() };
    for await (const e of ms.enrollments(db).find({ campaignId: c._id }, { projection: { memberId: 1, group: 1 } }))
      groups[e.group].add(e.memberId.toHexString());
    const start = dayIndexOfDate(c.startedAt);
    const today = dayIndexOfDate(now);
    const pairs = await loadUserDays(db, start, Math.min(start + 30, today));
    const firstActive = new Map<string, number>();
    for (const p of pairs) {
      if (!groups.sent.has(p.u) && !groups.holdout.has(p.u)) continue;
      const prev = firstActive.get(p.u);
      if (prev === undefined || p.d < prev) firstActive.set(p.u, p.d);
    }
    for (const days of [7, 14, 30]) {
      let sa = 0,
        ha = 0;
      for (const [u, d] of firstActive) {
        if (d - start >= days) continue;
        if (groups.sent.has(u)) sa++;
        else if (groups.holdout.has(u)) ha++;
      }
      const iv = diffInterval(sa, groups.sent.size, ha, groups.holdout.size);
      uplift.push({
        days,
        sentActive: sa,
        sentTotal: groups.sent.size,
        holdoutActive: ha,
        holdoutTotal: groups.holdout.size,
        sentRate: groups.sent.size ? sa / groups.sent.size : 0,
        holdoutRate: groups.holdout.size ? ha / groups.holdout.size : 0,
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
