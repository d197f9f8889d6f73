import type { Db } from 'mongodb';
import { collections } from '../db/collections';
import { countMatching } from '../db/count';
import { can, type ResolvedRole } from '../permissions';
import { COLLECTION_KEYS, REGISTRY, maskDoc } from '../registry';
import type { Operator } from '../auth/session';

/** Record counts of the platform collections this role may read. */
export async function platformCounts(db: Db, role: ResolvedRole) {
  const readable = COLLECTION_KEYS.filter((k) => can(role, REGISTRY[k].read));
  const counts = await Promise.all(
    readable.map(async (k) => ({ key: k, label: REGISTRY[k].label, count: await db.collection(k).estimatedDocumentCount() })),
  );
  return counts;
}

/** Database round trip, server version and collection sizes. */
export async function systemStatus(db: Db) {
  const t0 = performance.now();
  await db.command({ ping: 1 });
  const pingMs = Math.round((performance.now() - t0) * 10) / 10;
  const info = await db.command({ buildInfo: 1 }).catch(() => null);
  const names = [...COLLECTION_KEYS, 'admins', 'roles', 'audit_logs'];
  const sizes = await Promise.all(names.map(async (name) => ({ name, count: await db.collection(name).estimatedDocumentCount() })));
  return {
    pingMs,
    serverVersion: (info?.version as string | undefined) ?? 'unknown',
    /** FerretDB answers buildInfo with a MongoDB version plus its own. */
    ferretdbVersion: (info?.ferretdbVersion as string | undefined) ?? null,
    node: process.version,
    uptimeSeconds: Math.round(process.uptime()),
    collections: sizes,
  };
}

/** The last admin actions, and the last 24 hours by result. */
export async function adminActivity(db: Db) {
  const since = new Date(Date.now() - 24 * 3600_000);
  const col = collections.auditLogs(db);
  const [recent, byResult] = await Promise.all([
    col.find({}, { projection: { at: 1, actor: 1, action: 1, result: 1, target: 1 } }).sort({ at: -1, _id: -1 }).limit(8).toArray(),
    col.aggregate<{ _id: string; n: number }>([{ $match: { at: { $gte: since } } }, { $group: { _id: '$result', n: { $sum: 1 } } }]).toArray(),
  ]);
  const last24h = { success: 0, failure: 0, denied: 0 } as Record<string, number>;
  for (const r of byResult) last24h[r._id] = r.n;
  return {
    last24h,
    recent: recent.map((e) => ({
      id: e._id!.toHexString(),
      at: e.at,
      actor: e.actor?.email ?? null,
      action: e.action,
      result: e.result,
      target: e.target?.label ?? e.target?.id ?? null,
    })),
  };
}

/** What is waiting for someone: new contacts, unconfirmed bookings, volunteer applications. */
export async function pendingActions(db: Db) {
  const [contacts, bookings, volunteers] = await Promise.all([
    countMatching(db, 'contacts', { status: 'new' }),
    countMatching(db, 'session_bookings', { status: 'pending' }),
    countMatching(db, 'volunteers', { status: 'applied' }),
  ]);
  return [
    // the moderation queues, pre-filtered (issue 14); this widget is for moderation.manage only
    { key: 'contacts', label: 'New contact messages', count: contacts, href: '/moderation?kind=contacts&view=new' },
    { key: 'bookings', label: 'Unconfirmed bookings', count: bookings, href: '/moderation?kind=bookings&view=pending' },
    { key: 'volunteers', label: 'Volunteer applications', count: volunteers, href: '/moderation?kind=volunteers&view=applied' },
  ];
}

/** The oldest open items of each queue (personal fields masked unless the role may see them). */
export async function moderationQueues(db: Db, role: ResolvedRole) {
  const personal = can(role, 'data.personal.read');
  const oldest = async (c: 'contacts' | 'volunteers', statuses: string[], fields: string[]) => {
    const filter = { status: { $in: statuses } };
    const [count, docs] = await Promise.all([
      countMatching(db, c, filter),
      db
        .collection(c)
        .find(filter, { projection: Object.fromEntries([...fields, 'status', 'createdAt'].map((f) => [f, 1])) })
        .sort({ createdAt: 1, _id: 1 })
        .limit(5)
        .toArray(),
    ]);
    return {
      count,
      items: docs.map((d) => {
        const m = maskDoc(c, d as Record<string, unknown>, personal);
        return {
          id: String(d._id),
          title: String(m[fields[0]!] ?? ''),
          sub: String(m[fields[1]!] ?? ''),
          status: String(d.status ?? ''),
          createdAt: (d.createdAt as Date | undefined) ?? null,
        };
      }),
    };
  };
  const [contacts, volunteers] = await Promise.all([
    oldest('contacts', ['new', 'in_progress'], ['subject', 'email']),
    oldest('volunteers', ['applied'], ['name', 'email']),
  ]);
  return { contacts, volunteers };
}

/** Drafts vs published, upcoming events, open careers. */
export async function contentSummary(db: Db) {
  const now = new Date();
  const [blogDraft, blogPublished, careersOpen, upcomingCount, upcoming] = await Promise.all([
    countMatching(db, 'blogs', { status: 'draft' }),
    countMatching(db, 'blogs', { status: 'published' }),
    countMatching(db, 'careers', { status: 'open' }),
    countMatching(db, 'events', { startsAt: { $gte: now }, status: { $in: ['draft', 'published'] } }),
    db
      .collection('events')
      .find({ startsAt: { $gte: now }, status: { $in: ['draft', 'published'] } }, { projection: { title: 1, startsAt: 1, status: 1 } })
      .sort({ startsAt: 1, _id: 1 })
      .limit(5)
      .toArray(),
  ]);
  return {
    blogs: { draft: blogDraft, published: blogPublished },
    careersOpen,
    upcomingCount,
    upcoming: upcoming.map((e) => ({ id: String(e._id), title: String(e.title ?? ''), startsAt: e.startsAt as Date, status: String(e.status ?? '') })),
  };
}

export type { Operator };
