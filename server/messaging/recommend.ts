/**
 * Recommendations for re-engagement messages: upcoming events, posts and psychologists chosen from the
 * member's own past activity and profile (topics read, city, past bookings and registrations), each with
 * its reason. `recommend` is pure and deterministic (ties broken by id); nothing unpublished, past or
 * full is recommended. `loadRecommendationContext` reads what it needs for a batch of members.
 */
import { ObjectId, type Db } from 'mongodb';

export interface CandidateEvent {
  id: string;
  title: string;
  slug: string;
  startsAt: Date;
  location: string;
  online: boolean;
  tags: string[];
  status: string;
  capacity: number | null;
  registered: number;
}
export interface CandidateBlog {
  id: string;
  title: string;
  slug: string;
  tags: string[];
  status: string;
  publishedAt: Date | null;
}
export interface CandidatePsych {
  id: string;
  name: string;
  specialties: string[];
  status: string;
  rating: number;
}

export interface MemberProfile {
  city: string;
  /** tag → times read (from blog.read activity) */
  topics: Record<string, number>;
  readBlogIds: string[];
  bookedPsychologistIds: string[];
  registeredEventIds: string[];
}

export interface Recommendation {
  kind: 'event' | 'post' | 'psychologist';
  id: string;
  title: string;
  url: string;
  reason: string;
}

export interface Candidates {
  events: CandidateEvent[];
  blogs: CandidateBlog[];
  psychologists: CandidatePsych[];
}

const norm = (s: string) => s.trim().toLowerCase();

function topTopics(p: MemberProfile): string[] {
  return Object.entries(p.topics)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([t]) => t);
}

/** Up to `max` recommendations (2 events, 1 post, 1 psychologist at most), deterministic. */
export function recommend(p: MemberProfile, c: Candidates, now: Date, baseUrl: string, max = 4): Recommendation[] {
  const topics = topTopics(p);
  const rank = (tags: string[]) => {
    const t = new Set(tags.map(norm));
    const i = topics.findIndex((x) => t.has(x));
    return i < 0 ? null : topics[i]!;
  };
  const out: Recommendation[] = [];
  const city = norm(p.city);

  const events = c.events
    .filter((e) => e.status === 'published' && e.startsAt > now && (e.capacity == null || e.registered < e.capacity) && !p.registeredEventIds.includes(e.id))
    .map((e) => {
      const topic = rank(e.tags);
      const local = city && !e.online && norm(e.location).includes(city);
      const score = (topic ? 2 : 0) + (local ? 1 : 0);
      const reason = topic ? `because you read about ${topic}` : local ? `in your city, ${p.city}` : 'coming up soon';
      return { e, score, reason };
    })
    .sort((a, b) => b.score - a.score || a.e.startsAt.getTime() - b.e.startsAt.getTime() || (a.e.id < b.e.id ? -1 : 1))
    .slice(0, 2);
  for (const { e, reason } of events) out.push({ kind: 'event', id: e.id, title: e.title, url: `${baseUrl}/events/${e.slug || e.id}`, reason });

  const post = c.blogs
    .filter((b) => b.status === 'published' && !p.readBlogIds.includes(b.id))
    .map((b) => ({ b, topic: rank(b.tags) }))
    .filter((x) => x.topic)
    .sort(
      (a, b) =>
        topics.indexOf(a.topic!) - topics.indexOf(b.topic!) ||
        (b.b.publishedAt?.getTime() ?? 0) - (a.b.publishedAt?.getTime() ?? 0) ||
        (a.b.id < b.b.id ? -1 : 1),
    )[0];
  if (post)
    out.push({
      kind: 'post',
      id: post.b.id,
      title: post.b.title,
      url: `${baseUrl}/blog/${post.b.slug || post.b.id}`,
      reason: `because you read about ${post.topic}`,
    });

  const active = c.psychologists.filter((x) => x.status === 'active');
  const booked = active.filter((x) => p.bookedPsychologistIds.includes(x.id)).sort((a, b) => b.rating - a.rating || (a.id < b.id ? -1 : 1))[0];
  if (booked) {
    out.push({
      kind: 'psychologist',
      id: booked.id,
      title: booked.name,
      url: `${baseUrl}/psychologists/${booked.id}`,
      reason: 'you had a session with them before',
    });
  } else {
    const match = active
      .map((x) => ({ x, topic: rank(x.specialties) }))
      .filter((m) => m.topic)
      .sort((a, b) => topics.indexOf(a.topic!) - topics.indexOf(b.topic!) || b.x.rating - a.x.rating || (a.x.id < b.x.id ? -1 : 1))[0];
    if (match)
      out.push({
        kind: 'psychologist',
        id: match.x.id,
        title: match.x.name,
        url: `${baseUrl}/psychologists/${match.x.id}`,
        reason: `specialises in ${match.topic}`,
      });
  }
  return out.slice(0, max);
}

// ------------------------------------------------------------------------------------------ loading

export interface RecommendationContext {
  now: Date;
  baseUrl: string;
  candidates: Candidates;
  profiles: Map<string, MemberProfile>;
}

const hex = (v: unknown) => (v instanceof ObjectId ? v.toHexString() : String(v ?? ''));

export async function loadCandidates(db: Db, now: Date): Promise<Candidates> {
  const evDocs = await db
    .collection('events')
    .find({ status: 'published', startsAt: { $gt: now } })
    .sort({ startsAt: 1 })
    .limit(50)
    .toArray();
  const registered = new Map<string, number>();
  if (evDocs.length) {
    const rows = await db
      .collection('event_registrations')
      .aggregate<{ _id: ObjectId; n: number }>([
        { $match: { eventId: { $in: evDocs.map((e) => e._id) }, status: { $in: ['registered', 'attended'] } } },
        { $group: { _id: '$eventId', n: { $sum: 1 } } },
      ])
      .toArray();
    for (const r of rows) registered.set(hex(r._id), r.n);
  }
  const blogs = await db
    .collection('blogs')
    .find({ status: 'published' })
    .sort({ publishedAt: -1 })
    .limit(100)
    .project({ title: 1, slug: 1, tags: 1, status: 1, publishedAt: 1 })
    .toArray();
  const psych = await db
    .collection('psychologists')
    .find({ status: 'active' })
    .sort({ rating: -1 })
    .limit(100)
    .project({ name: 1, specialties: 1, status: 1, rating: 1 })
    .toArray();
  return {
    events: evDocs.map((e) => ({
      id: hex(e._id),
      title: String(e.title ?? ''),
      slug: String(e.slug ?? ''),
      startsAt: e.startsAt as Date,
      location: String(e.location ?? ''),
      online: Boolean(e.online),
      tags: (e.tags as string[] | undefined) ?? [e.category].filter(Boolean).map(String),
      status: String(e.status),
      capacity: typeof e.capacity === 'number' ? e.capacity : null,
      registered: registered.get(hex(e._id)) ?? 0,
    })),
    blogs: blogs.map((b) => ({
      id: hex(b._id),
      title: String(b.title ?? ''),
      slug: String(b.slug ?? ''),
      tags: (b.tags as string[]) ?? [],
      status: String(b.status),
      publishedAt: (b.publishedAt as Date) ?? null,
    })),
    psychologists: psych.map((x) => ({
      id: hex(x._id),
      name: String(x.name ?? ''),
      specialties: (x.specialties as string[]) ?? [],
      status: String(x.status),
      rating: Number(x.rating ?? 0),
    })),
  };
}

const g = globalThis as unknown as { __acubeRecoCandidates?: { at: number; db: string; c: Candidates } };

/** Profiles of a batch of members (≤ 1,000) and the shared candidates (cached one minute). */
export async function loadRecommendationContext(db: Db, memberIds: ObjectId[], now = new Date()): Promise<RecommendationContext> {
  const baseUrl = (process.env.PLATFORM_URL || 'https://acube.example').replace(/\/+$/, '');
  let cand = g.__acubeRecoCandidates;
  if (!cand || cand.db !== db.databaseName || Date.now() - cand.at > 60_000)
    cand = g.__acubeRecoCandidates = { at: Date.now(), db: db.databaseName, c: await loadCandidates(db, now) };
  const profiles = new Map<string, MemberProfile>();
  for (const u of await db
    .collection('users')
    .find({ _id: { $in: memberIds } }, { projection: { city: 1 } })
    .toArray()) {
    profiles.set(hex(u._id), { city: String(u.city ?? ''), topics: {}, readBlogIds: [], bookedPsychologistIds: [], registeredEventIds: [] });
  }
  for (const b of await db
    .collection('session_bookings')
    .find({ userId: { $in: memberIds } }, { projection: { userId: 1, psychologistId: 1 } })
    .toArray()) {
    profiles.get(hex(b.userId))?.bookedPsychologistIds.push(hex(b.psychologistId));
  }
  for (const r of await db
    .collection('event_registrations')
    .find({ userId: { $in: memberIds } }, { projection: { userId: 1, eventId: 1 } })
    .toArray()) {
    profiles.get(hex(r.userId))?.registeredEventIds.push(hex(r.eventId));
  }
  // topics read: blog.read events of the last 180 days (their blogId), mapped to the blogs' tags
  const reads = await db
    .collection('activity_events')
    .find(
      { name: 'blog.read', ts: { $gte: new Date(now.getTime() - 180 * 86_400_000) }, userId: { $in: memberIds } },
      { projection: { userId: 1, 'props.blogId': 1 } },
    )
    .toArray();
  const blogIds = [...new Set(reads.map((r) => String((r.props as { blogId?: string } | undefined)?.blogId ?? '')).filter((x) => ObjectId.isValid(x)))];
  const tagsOf = new Map<string, string[]>();
  for (let i = 0; i < blogIds.length; i += 1_000) {
    for (const b of await db
      .collection('blogs')
      .find({ _id: { $in: blogIds.slice(i, i + 1_000).map((x) => new ObjectId(x)) } }, { projection: { tags: 1 } })
      .toArray()) {
      tagsOf.set(hex(b._id), ((b.tags as string[]) ?? []).map(norm));
    }
  }
  for (const r of reads) {
    const p = profiles.get(hex(r.userId));
    const bid = String((r.props as { blogId?: string } | undefined)?.blogId ?? '');
    if (!p || !bid) continue;
    p.readBlogIds.push(bid);
    for (const t of tagsOf.get(bid) ?? []) p.topics[t] = (p.topics[t] ?? 0) + 1;
  }
  return { now, baseUrl, candidates: cand.c, profiles };
}

export function recommendFor(ctx: RecommendationContext, memberId: string): Recommendation[] {
  const p = ctx.profiles.get(memberId) ?? { city: '', topics: {}, readBlogIds: [], bookedPsychologistIds: [], registeredEventIds: [] };
  return recommend(p, ctx.candidates, ctx.now, ctx.baseUrl);
}
