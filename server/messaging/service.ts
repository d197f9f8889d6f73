/** Admin-facing messaging services behind the messaging.* procedures (templates, outbox, suppressions, preferences). */
import { ObjectId, type Db, type Filter } from 'mongodb';
import { AppError } from '../errors';
import { can, type ResolvedRole } from '../permissions';
import { MASK, maskDoc } from '../registry';
import { ms, type MessageDoc, type TemplateDoc, type TemplateVersion } from './model';
import { compileTemplate, ensureBuiltinTemplates, getTemplate, renderVersion, sampleVars, versionOf, SYSTEM_VARIABLES } from './templates';
import { addTracking, enqueueMessage, kickOutbox, normalizeAddress } from './outbox';
import { queueMessages } from './queue';
import { getPreferences, setPreferences } from './preferences';
import { appUrl, signToken } from './tokens';
import type { z } from 'zod';
import type { outboxListInput, templateSaveInput } from './schema';

type Who = { id: string; email: string };
const personal = (role: ResolvedRole) => can(role, 'data.personal.read');
const maskAddress = (a: string, role: ResolvedRole) => (personal(role) ? a : MASK);

// ------------------------------------------------------------------------------------------ templates

export async function listTemplates(db: Db) {
  await ensureBuiltinTemplates(db);
  const docs = await ms
    .templates(db)
    .find({}, { projection: { versions: 0 } })
    .sort({ _id: 1 })
    .toArray();
  return docs.map((t) => ({
    key: t._id,
    name: t.name,
    type: t.type,
    category: t.category,
    builtin: t.builtin,
    current: t.current,
    variables: t.variables,
    updatedAt: t.updatedAt,
  }));
}

function versionDto(v: TemplateVersion) {
  return { version: v.version, subject: v.subject, body: v.body, savedAt: v.savedAt, savedBy: v.savedBy?.email ?? null, note: v.note };
}

export async function getTemplateDto(db: Db, key: string) {
  const t = await getTemplate(db, key);
  return {
    key: t._id,
    name: t.name,
    type: t.type,
    category: t.category,
    builtin: t.builtin,
    variables: t.variables,
    systemVariables: [...SYSTEM_VARIABLES],
    current: t.current,
    versions: [...t.versions].sort((a, b) => b.version - a.version).map(versionDto),
  };
}

/** Saves a new version (or creates the template). Invalid Liquid, undeclared variables or bad MJML: BAD_REQUEST at save time. */
export async function saveTemplate(db: Db, input: z.infer<typeof templateSaveInput>, by: Who) {
  await ensureBuiltinTemplates(db);
  const existing = await ms.templates(db).findOne({ _id: input.key });
  const variables = input.variables ?? existing?.variables ?? [];
  const c = await compileTemplate(input.subject, input.body, variables);
  const now = new Date();
  if (!existing) {
    if (!input.name || !input.type || !input.category) throw new AppError('BAD_REQUEST', 'A new template needs a name, a type and a category.');
    if (input.type === 'transactional' && input.category !== 'transactional')
      throw new AppError('BAD_REQUEST', 'A transactional template has the transactional category.');
    const doc: TemplateDoc = {
      _id: input.key,
      name: input.name,
      type: input.type,
      category: input.category,
      builtin: false,
      variables,
      current: 1,
      versions: [{ version: 1, subject: input.subject, body: input.body, html: c.html, text: c.text, variables, savedAt: now, savedBy: by, note: input.note }],
      createdAt: now,
      updatedAt: now,
    };
    try {
      await ms.templates(db).insertOne(doc);
    } catch (e) {
      if ((e as { code?: number }).code === 11000) throw new AppError('CONFLICT', `A template "${input.key}" already exists.`);
      throw e;
    }
    return { key: doc._id, version: 1, before: null };
  }
  const last = Math.max(...existing.versions.map((v) => v.version));
  if (input.baseVersion !== undefined && input.baseVersion !== last) {
    throw new AppError('CONFLICT', `Someone saved version ${last} since you opened version ${input.baseVersion}. Reload to see it.`);
  }
  const version = last + 1;
  const v: TemplateVersion = {
    version,
    subject: input.subject,
    body: input.body,
    html: c.html,
    text: c.text,
    variables,
    savedAt: now,
    savedBy: by,
    note: input.note,
  };
  const r = await ms
    .templates(db)
    .updateOne(
      { _id: existing._id, current: existing.current },
      { $push: { versions: v }, $set: { current: version, variables, updatedAt: now, ...(input.name ? { name: input.name } : {}) } },
    );
  if (!r.matchedCount) throw new AppError('CONFLICT', 'The template changed while saving. Reload and try again.');
  const before = versionOf(existing);
  return { key: existing._id, version, before: { version: before.version, subject: before.subject } };
}

export async function restoreTemplate(db: Db, key: string, version: number, by: Who) {
  const t = await getTemplate(db, key);
  const old = versionOf(t, version);
  return saveTemplate(db, { key, subject: old.subject, body: old.body, variables: old.variables, note: `Restored version ${version}` }, by);
}

async function previewVars(db: Db, t: Pick<TemplateDoc, '_id' | 'variables'>, memberId: string | undefined, role: ResolvedRole) {
  const vars = sampleVars(t);
  let to = 'member@example.org';
  if (memberId) {
    const u = await db.collection('users').findOne({ _id: new ObjectId(memberId) }, { projection: { name: 1, email: 1 } });
    if (!u) throw new AppError('NOT_FOUND', 'No such member.');
    // masked as the viewer's role requires (names are personal data too)
    const shown = maskDoc('users', { name: String(u.name ?? ''), email: String(u.email ?? '') }, personal(role));
    const name = String(shown.name);
    vars.member = { ...(vars.member as object), name, first_name: name.split(/\s+/)[0] ?? name };
    to = String(shown.email);
  }
  return { vars, to };
}

/** Renders a template (the draft in the editor, or a saved version) with sample data or a chosen member's. */
export async function previewTemplate(
  db: Db,
  input: { key: string; subject?: string; body?: string; version?: number; memberId?: string },
  role: ResolvedRole,
) {
  const t = await getTemplate(db, input.key);
  const saved = versionOf(t, input.version);
  const v =
    input.body || input.subject
      ? { subject: input.subject ?? saved.subject, ...(await compileTemplate(input.subject ?? saved.subject, input.body ?? saved.body, t.variables)) }
      : saved;
  const { vars, to } = await previewVars(db, t, input.memberId, role);
  const base = appUrl();
  const prefs = `${base}/api/messaging/preferences?token=${signToken({ k: 'prefs', a: 'preview@example.org' })}`;
  const r = await renderVersion(v, { ...vars, app_url: base, preferences_url: prefs, unsubscribe_url: prefs });
  return { to, subject: r.subject, html: r.html, text: r.text };
}

/** Sends the current (saved) version to the operator's own address, through the outbox like any message. */
export async function sendTestToMe(db: Db, input: { key: string; version?: number; memberId?: string }, me: Who, role: ResolvedRole) {
  const t = await getTemplate(db, input.key);
  const { vars } = await previewVars(db, t, input.memberId, role);
  const r = await enqueueMessage(db, {
    templateKey: t._id,
    templateVersion: input.version ?? null,
    to: me.email,
    vars,
    category: 'transactional', // a test goes to the operator whatever their preferences
    idempotencyKey: `test:${t._id}:${me.id}:${new ObjectId().toHexString()}`,
  });
  return { messageId: r.id, to: me.email, status: r.status };
}

// ------------------------------------------------------------------------------------------ outbox

export function messageDto(m: MessageDoc, role: ResolvedRole) {
  return {
    id: m._id.toHexString(),
    to: maskAddress(m.to, role),
    memberId: m.memberId?.toHexString() ?? null,
    category: m.category,
    templateKey: m.templateKey,
    templateVersion: m.templateVersion,
    subject: m.subject,
    campaignId: m.campaignId?.toHexString() ?? null,
    status: m.status,
    attempts: m.attempts,
    nextAttemptAt: m.nextAttemptAt,
    lastError: m.lastError,
    skipReason: m.skipReason,
    idempotencyKey: m.idempotencyKey,
    messageId: m.messageId,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    openedAt: m.openedAt,
    clickedAt: m.clickedAt,
    unsubscribedAt: m.unsubscribedAt,
  };
}

/** Newest first, keyset by _id. Searching by address needs data.personal.read. */
export async function listOutbox(db: Db, input: z.infer<typeof outboxListInput>, role: ResolvedRole) {
  const f: Filter<MessageDoc> = {};
  if (input.status) f.status = input.status;
  if (input.campaignId) f.campaignId = new ObjectId(input.campaignId);
  if (input.memberId) f.memberId = new ObjectId(input.memberId);
  if (input.to) {
    if (!personal(role)) throw new AppError('FORBIDDEN', 'Searching by address needs the permission to see personal data.');
    f.toLower = normalizeAddress(input.to);
  }
  if (input.cursor) f._id = { $lt: new ObjectId(input.cursor) };
  const docs = await ms
    .messages(db)
    .find(f, { projection: { vars: 0 } })
    .sort({ _id: -1 })
    .limit(input.limit + 1)
    .toArray();
  const more = docs.length > input.limit;
  const rows = docs.slice(0, input.limit).map((m) => messageDto(m as MessageDoc, role));
  return { rows, nextCursor: more ? rows[rows.length - 1]!.id : null };
}

export async function getMessage(db: Db, id: string, role: ResolvedRole) {
  const m = await ms.messages(db).findOne({ _id: new ObjectId(id) });
  if (!m) throw new AppError('NOT_FOUND', 'No such message.');
  const dto = messageDto(m, role);
  // the rendered message as sent, for roles that may see personal data (it names the member)
  let body: { html: string; text: string } | null = null;
  if (personal(role)) {
    const t = await getTemplate(db, m.templateKey);
    const r = await renderVersion(versionOf(t, m.templateVersion), { ...m.vars, app_url: appUrl(), preferences_url: '#', unsubscribe_url: '#' });
    body = { html: addTracking(r.html, dto.id), text: r.text };
  }
  return { ...dto, body };
}

/** Puts a dead or failed message back in the queue (attempts reset). */
export async function retryMessage(db: Db, id: string) {
  // the due-queue entry first (queue.ts, rule 1); if the message is not dead or failed, it is dropped as stale
  await queueMessages(db, [{ _id: new ObjectId(id) }]);
  const r = await ms
    .messages(db)
    .findOneAndUpdate(
      { _id: new ObjectId(id), status: { $in: ['dead', 'failed'] } },
      { $set: { status: 'queued', attempts: 0, nextAttemptAt: new Date(), updatedAt: new Date() } },
    );
  if (!r) throw new AppError('CONFLICT', 'Only a dead or failed message can be retried.');
  kickOutbox(db);
  return { id, previous: r.status, lastError: r.lastError };
}

export async function outboxSummary(db: Db) {
  const out: Record<string, number> = {};
  for (const s of ['queued', 'held', 'sending', 'sent', 'failed', 'dead', 'skipped', 'cancelled'] as const)
    out[s] = await ms.messages(db).countDocuments({ status: s });
  return out;
}

// ------------------------------------------------------------------------------------------ suppressions, preferences

export async function listSuppressions(db: Db, q: string | undefined, role: ResolvedRole) {
  const f = q && personal(role) ? { _id: normalizeAddress(q) } : {};
  const docs = await ms.suppressions(db).find(f).sort({ at: -1 }).limit(500).toArray();
  return docs.map((s) => ({ address: maskAddress(s._id, role), reason: s.reason, detail: s.detail, at: s.at, by: s.by }));
}

export async function memberPreferences(db: Db, memberId: string, role: ResolvedRole) {
  const u = await db.collection('users').findOne({ _id: new ObjectId(memberId) }, { projection: { email: 1 } });
  if (!u?.email) throw new AppError('NOT_FOUND', 'No such member (or no address).');
  const p = await getPreferences(db, String(u.email));
  return { ...p, address: maskAddress(p.address, role), consent: p.consent.map((c) => ({ ...c, ip: personal(role) ? c.ip : c.ip ? MASK : null })) };
}

export async function setMemberPreferences(db: Db, memberId: string, categories: Record<string, boolean>, role: ResolvedRole) {
  const u = await db.collection('users').findOne({ _id: new ObjectId(memberId) }, { projection: { email: 1 } });
  if (!u?.email) throw new AppError('NOT_FOUND', 'No such member (or no address).');
  await setPreferences(db, String(u.email), categories, 'admin', null);
  return memberPreferences(db, memberId, role);
}
