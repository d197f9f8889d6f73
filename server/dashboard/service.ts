import type { Db } from 'mongodb';
import { collections } from '../db/collections';
import { countMatching } from '../db/count';
import { can, type ResolvedRole } from '../permissions';
import { COLLECTION_KEYS, REGISTRY, SEARCH_REGISTRY, maskDoc, type SearchKey } from '../registry';
import type { Operator } from '../auth/session';
import { buildQuery } from '../search/filter';
import type { Condition, Group } from '../search/schema';

/**
 * The search behind a number (the drill-down: the tile links to it). Null when the role cannot search that
 * collection. Counts are taken with the same filter (`filterOf`), so the number and the search agree.
 */
export interface DrillDown {
  collection: SearchKey;
  where?: Group;
}
function drill(role: ResolvedRole, collection: SearchKey, ...conditions: Condition[]): DrillDown | null {
  if (!can(role, SEARCH_REGISTRY[collection].read)) return null;
  return conditions.length ? { collection, where: { op: 'and', conditions } } : { collection };
}
const filterOf = (collection: SearchKey, ...conditions: Condition[]) => buildQuery(collection, { where: { op: 'and', conditions } }, true).filter;

/** Record counts of the platform collections this role may read. */
export async function platformCounts(db: Db, role: ResolvedRole) {
  const readable = COLLECTION_KEYS.filter((k) => can(role, REGISTRY[k].read));
  const counts = await Promise.all(
    readable.map(async (k) => ({ key: k, label: REGISTRY[k].label, count: await db.collection(k).estimatedDocumentCount(), drill: drill(role, k) })),
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
    col
      .find({}, { projection: { at: 1, actor: 1, action: 1, result: 1, target: 1 } })
      .sort({ at: -1, _id: -1 })
      .limit(8)
      .toArray(),
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
      targetRef: e.target ? { type: e.target.type ?? null, id: e.target.id ?? null } : null,
    })),
  };
}

/** What is waiting for someone: new contacts, unconfirmed bookings, volunteer applications. */
export async function pendingActions(db: Db, role: ResolvedRole) {
  const items = [
    // href: the moderation queue, pre-filtered (this widget is for moderation.manage); drill: the same records in Search
    { key: 'contacts', label: 'New contact messages', collection: 'contacts', status: 'new', href: '/moderation?kind=contacts&view=new' },
    { key: 'bookings', label: 'Unconfirmed bookings', collection: 'session_bookings', status: 'pending', href: '/moderation?kind=bookings&view=pending' },
    { key: 'volunteers', label: 'Volunteer applications', collection: 'volunteers', status: 'applied', href: '/moderation?kind=volunteers&view=applied' },
  ] as const;
  return Promise.all(
    items.map(async (i) => {
      const c: Condition = { field: 'status', operator: 'eq', value: i.status };
      return {
        key: i.key,
        label: i.label,
        count: await countMatching(db, i.collection, filterOf(i.collection, c)),
        drill: drill(role, i.collection, c),
        href: i.href,
      };
    }),
  );
}

/** The oldest open items of each queue (personal fields masked unless the role may see them). */
export async function moderationQueues(db: Db, role: ResolvedRole) {
  const personal = can(role, 'data.personal.read');
  const oldest = async (c: 'contacts' | 'volunteers', statuses: string[], fields: string[]) => {
    const cond: Condition = { field: 'status', operator: 'in', value: statuses };
    const filter = filterOf(c, cond);
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
      collection: c,
      drill: drill(role, c, cond),
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
export async function contentSummary(db: Db, role: ResolvedRole) {
  const now = new Date();
  const st = (value: string): Condition => ({ field: 'status', operator: 'eq', value });
  const upcomingConds: Condition[] = [
    { field: 'startsAt', operator: 'gte', value: now.toISOString() },
    { field: 'status', operator: 'in', value: ['draft', 'published'] },
  ];
  const [blogDraft, blogPublished, careersOpen, upcomingCount, upcoming] = await Promise.all([
    countMatching(db, 'blogs', filterOf('blogs', st('draft'))),
    countMatching(db, 'blogs', filterOf('blogs', st('published'))),
    countMatching(db, 'careers', filterOf('careers', st('open'))),
    countMatching(db, 'events', filterOf('events', ...upcomingConds)),
    db
      .collection('events')
      .find(filterOf('events', ...upcomingConds), { projection: { title: 1, startsAt: 1, status: 1 } })
      .sort({ startsAt: 1, _id: 1 })
      .limit(5)
      .toArray(),
  ]);
  return {
    blogs: { draft: blogDraft, published: blogPublished },
    careersOpen,
    upcomingCount,
    drill: {
      blogsDraft: drill(role, 'blogs', st('draft')),
      blogsPublished: drill(role, 'blogs', st('published')),
      careersOpen: drill(role, 'careers', st('open')),
      upcoming: drill(role, 'events', ...upcomingConds),
    },
    eventsReadable: can(role, SEARCH_REGISTRY.events.read),
    upcoming: upcoming.map((e) => ({ id: String(e._id), title: String(e.title ?? ''), startsAt: e.startsAt as Date, status: String(e.status ?? '') })),
  };
}

export type { Operator };
