import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db, type Document } from 'mongodb';
import { buckets } from '../lib/buckets';
import { DEMO_DEFAULTS, SEED_WINDOW_MS, resolveSeedOptions, seedPlatform, type SeedOptions } from './demo';
import { BOOKING_STATUSES, COLLECTIONS, CONTACT_STATUSES, PLATFORM_COLLECTIONS, USER_STATUSES, VOLUNTEER_STATUSES } from './types';

const URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const OPTS: SeedOptions = { users: 200, bookings: 400, activity: 3000, seed: 4242, now: NOW };
const DAY = 86_400_000;
/** Fields that may legitimately lie in the future (upcoming sessions and events). */
const FUTURE_OK = new Set(['scheduledAt', 'startsAt', 'endsAt']);

const suffix = randomBytes(4).toString('hex');
const dbNames = [`test_seed_${suffix}_a`, `test_seed_${suffix}_b`, `test_seed_${suffix}_c`];

let client: MongoClient;
let dbA: Db;
let dbB: Db;
let dbC: Db;
let countsA: Record<string, number>;
let countsB: Record<string, number>;
const all: Record<string, Document[]> = {};

beforeAll(async () => {
  client = new MongoClient(URI, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  [dbA, dbB, dbC] = dbNames.map((n) => client.db(n)) as [Db, Db, Db];
  countsA = await seedPlatform(dbA, OPTS);
  // Different batching must not change the data.
  countsB = await seedPlatform(dbB, { ...OPTS, batchSize: 77, concurrency: 1 });
  for (const name of PLATFORM_COLLECTIONS) {
    all[name] = await dbA.collection(name).find().sort({ _id: 1 }).toArray();
  }
}, 120_000);

afterAll(async () => {
  if (!client) return;
  for (const n of dbNames)
    await client
      .db(n)
      .dropDatabase()
      .catch(() => undefined);
  await client.close();
}, 60_000);

const docs = (name: string) => all[name]!;

describe('seedPlatform', () => {
  it('returns counts that match the collections', async () => {
    expect(Object.keys(countsA).sort()).toEqual([...PLATFORM_COLLECTIONS].sort());
    for (const name of PLATFORM_COLLECTIONS) {
      expect(await dbA.collection(name).countDocuments(), name).toBe(countsA[name]);
    }
    expect(countsA.users).toBe(200);
    expect(countsA.session_bookings).toBe(400);
    expect(countsA.activity_events).toBe(3000);
    const r = resolveSeedOptions(OPTS);
    expect(countsA.psychologists).toBe(r.psychologists);
    expect(countsA.events).toBe(r.events);
    expect(countsA.blogs).toBe(r.blogs);
    expect(countsA.careers).toBe(r.careers);
    expect(countsA.volunteers).toBe(r.volunteers);
    expect(countsA.contacts).toBe(r.contacts);
    expect(countsA.event_registrations).toBeGreaterThan(r.registrations * 0.8);
    expect(countsA.event_registrations).toBeLessThanOrEqual(r.registrations);
  });

  it('is deterministic for the same seed and now', async () => {
    expect(countsB).toEqual(countsA);
    for (const name of PLATFORM_COLLECTIONS) {
      const a = await dbA.collection(name).find().sort({ _id: 1 }).limit(5).toArray();
      const b = await dbB.collection(name).find().sort({ _id: 1 }).limit(5).toArray();
      expect(a.length, name).toBeGreaterThan(0);
      expect(b, name).toEqual(a);
    }
    // Whole small collections are identical too.
    for (const name of [COLLECTIONS.users, COLLECTIONS.sessionBookings]) {
      const b = await dbB.collection(name).find().sort({ _id: 1 }).toArray();
      expect(b).toEqual(docs(name));
    }
  });

  it('a different seed gives different data', async () => {
    await seedPlatform(dbC, { ...OPTS, seed: 4243, activity: 10, bookings: 10 });
    const a = docs(COLLECTIONS.users)[0];
    const c = await dbC.collection(COLLECTIONS.users).find().sort({ _id: 1 }).limit(1).next();
    expect(c?._id.toHexString()).not.toBe(a?._id.toHexString());
  });

  it('ObjectId timestamps match createdAt (activity: receivedAt) and ids are unique', () => {
    for (const name of PLATFORM_COLLECTIONS) {
      const seen = new Set<string>();
      for (const d of docs(name)) {
        seen.add(d._id.toHexString());
        const t: Date | undefined = name === COLLECTIONS.activityEvents ? d.receivedAt : d.createdAt;
        if (!t) continue; // deliberately broken records
        expect(d._id.getTimestamp().getTime(), `${name} ${d._id}`).toBe(Math.floor(t.getTime() / 1000) * 1000);
      }
      expect(seen.size, name).toBe(docs(name).length);
    }
  });

  it('bookings reference existing users and psychologists (except a few deliberate orphans)', () => {
    const users = new Set(docs(COLLECTIONS.users).map((u) => u._id.toHexString()));
    const psychs = new Set(docs(COLLECTIONS.psychologists).map((p) => p._id.toHexString()));
    const bookings = docs(COLLECTIONS.sessionBookings);
    let orphans = 0;
    for (const b of bookings) {
      expect(psychs.has(b.psychologistId.toHexString())).toBe(true);
      if (!users.has(b.userId.toHexString())) orphans++;
      if (b.createdAt) expect(b.createdAt.getTime()).toBeLessThan(b.scheduledAt.getTime());
      expect([30, 45, 60, 90]).toContain(b.durationMin);
      expect(['online', 'in_person']).toContain(b.mode);
      expect(b.updatedAt.getTime()).toBeGreaterThanOrEqual(b.createdAt?.getTime() ?? 0);
    }
    expect(orphans).toBeGreaterThan(0);
    expect(orphans).toBeLessThanOrEqual(Math.ceil(bookings.length * 0.01));
    // Past sessions are mostly completed; future ones pending/confirmed/cancelled.
    const past = bookings.filter((b) => b.scheduledAt.getTime() < NOW.getTime() - 2 * 3_600_000);
    const completed = past.filter((b) => b.status === 'completed').length;
    expect(completed / past.length).toBeGreaterThan(0.6);
    for (const b of bookings.filter((x) => x.scheduledAt.getTime() > NOW.getTime())) {
      expect(['pending', 'confirmed', 'cancelled']).toContain(b.status.toLowerCase());
    }
  });

  it('registrations and activity reference existing documents', () => {
    const users = new Set(docs(COLLECTIONS.users).map((u) => u._id.toHexString()));
    const events = new Set(docs(COLLECTIONS.events).map((e) => e._id.toHexString()));
    const pairs = new Set<string>();
    for (const r of docs(COLLECTIONS.eventRegistrations)) {
      expect(users.has(r.userId.toHexString())).toBe(true);
      expect(events.has(r.eventId.toHexString())).toBe(true);
      pairs.add(`${r.eventId}:${r.userId}`);
    }
    expect(pairs.size).toBe(docs(COLLECTIONS.eventRegistrations).length);
    for (const a of docs(COLLECTIONS.activityEvents)) expect(users.has(a.userId.toHexString())).toBe(true);
  });

  it('every activity event has day/week/month = buckets(ts) and a unique eventId', () => {
    const ids = new Set<string>();
    for (const a of docs(COLLECTIONS.activityEvents)) {
      const b = buckets(a.ts);
      expect({ day: a.day, week: a.week, month: a.month }).toEqual(b);
      expect(a.receivedAt.getTime()).toBeGreaterThanOrEqual(a.ts.getTime());
      expect(a.eventId).toMatch(/^seed-\d+$/);
      ids.add(a.eventId);
    }
    expect(ids.size).toBe(docs(COLLECTIONS.activityEvents).length);
  });

  it("users' lastActiveAt is consistent with their activity", () => {
    const maxTs = new Map<string, number>();
    for (const a of docs(COLLECTIONS.activityEvents)) {
      const k = a.userId.toHexString();
      maxTs.set(k, Math.max(maxTs.get(k) ?? 0, a.ts.getTime()));
    }
    let never = 0;
    for (const u of docs(COLLECTIONS.users)) {
      const m = maxTs.get(u._id.toHexString());
      if (m !== undefined) expect(u.lastActiveAt?.getTime()).toBeGreaterThanOrEqual(m);
      if (u.lastActiveAt === null) never++;
      else expect(u.lastActiveAt.getTime()).toBeGreaterThanOrEqual(u._id.getTimestamp().getTime());
    }
    expect(never).toBeGreaterThan(0);
    expect(never).toBeLessThan(docs(COLLECTIONS.users).length * 0.3);
    // Most members were active at some point; a fraction never came back.
    expect(maxTs.size).toBeGreaterThan(docs(COLLECTIONS.users).length * 0.6);
    expect(maxTs.size).toBeLessThan(docs(COLLECTIONS.users).length);
  });

  it('contains a few deliberately bad records', () => {
    const missing = (name: string) => docs(name).filter((d) => !('createdAt' in d)).length;
    for (const name of [COLLECTIONS.users, COLLECTIONS.sessionBookings, COLLECTIONS.contacts, COLLECTIONS.volunteers]) {
      expect(missing(name), name).toBeGreaterThan(0);
      expect(missing(name), name).toBeLessThanOrEqual(Math.max(2, Math.ceil(docs(name).length * 0.01)));
    }
    const miscased = (name: string, valid: readonly string[]) =>
      docs(name).filter((d) => !valid.includes(d.status) && valid.includes(String(d.status).toLowerCase())).length;
    const invalid = (name: string, valid: readonly string[]) => docs(name).filter((d) => !valid.includes(String(d.status).toLowerCase())).length;
    expect(miscased(COLLECTIONS.users, USER_STATUSES)).toBeGreaterThan(0);
    expect(miscased(COLLECTIONS.sessionBookings, BOOKING_STATUSES)).toBeGreaterThan(0);
    expect(miscased(COLLECTIONS.contacts, CONTACT_STATUSES)).toBeGreaterThan(0);
    expect(miscased(COLLECTIONS.volunteers, VOLUNTEER_STATUSES)).toBeGreaterThan(0);
    expect(invalid(COLLECTIONS.users, USER_STATUSES)).toBe(0);
    expect(invalid(COLLECTIONS.sessionBookings, BOOKING_STATUSES)).toBe(0);
    // Other collections are clean.
    for (const name of [COLLECTIONS.psychologists, COLLECTIONS.events, COLLECTIONS.blogs, COLLECTIONS.careers, COLLECTIONS.eventRegistrations]) {
      expect(missing(name), name).toBe(0);
    }
  });

  it('all dates lie within the 12 months before now (upcoming sessions/events up to 90 days ahead)', () => {
    const lo = NOW.getTime() - SEED_WINDOW_MS;
    const hi = NOW.getTime();
    for (const name of PLATFORM_COLLECTIONS) {
      for (const d of docs(name)) {
        for (const [k, v] of Object.entries(d)) {
          if (!(v instanceof Date) || k === 'dateOfBirth') continue;
          const t = v.getTime();
          expect(t, `${name}.${k}`).toBeGreaterThanOrEqual(lo);
          expect(t, `${name}.${k}`).toBeLessThanOrEqual(FUTURE_OK.has(k) ? hi + 90 * DAY : hi);
        }
        if (d.createdAt && d.updatedAt) expect(d.updatedAt.getTime(), name).toBeGreaterThanOrEqual(d.createdAt.getTime());
      }
    }
    for (const u of docs(COLLECTIONS.users)) {
      const age = (NOW.getTime() - u.dateOfBirth.getTime()) / (365.25 * DAY);
      expect(age).toBeGreaterThanOrEqual(17);
      expect(age).toBeLessThan(64);
    }
  });

  it('documents follow the field contract', () => {
    const u = docs(COLLECTIONS.users);
    for (const x of u) {
      expect(x.email).toBe(x.email.toLowerCase());
      expect(x.phone).toMatch(/^\+91[6-9]\d{9}$/);
      expect(['female', 'male', 'non_binary', 'undisclosed']).toContain(x.gender);
      expect(['web', 'ios', 'android', 'referral', 'event']).toContain(x.signupSource);
      expect(Array.isArray(x.tags)).toBe(true);
      expect(typeof x.notes).toBe('string');
    }
    expect(new Set(u.map((x) => x.email)).size).toBe(u.length);
    for (const p of docs(COLLECTIONS.psychologists)) {
      expect(p.rating).toBeGreaterThanOrEqual(1);
      expect(p.rating).toBeLessThanOrEqual(5);
      expect(Math.round(p.rating * 10) / 10).toBe(p.rating);
      expect(p.sessionFee).toBeGreaterThanOrEqual(800);
      expect(p.sessionFee).toBeLessThanOrEqual(4000);
      expect(p.specialties.length).toBeGreaterThan(0);
    }
    for (const b of docs(COLLECTIONS.blogs)) {
      if (b.status === 'draft') expect(b.publishedAt).toBeNull();
      else expect(b.publishedAt).toBeInstanceOf(Date);
    }
    for (const e of docs(COLLECTIONS.events)) expect(e.endsAt.getTime()).toBeGreaterThan(e.startsAt.getTime());
    const slugs = docs(COLLECTIONS.events).map((e) => e.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
  });

  it('DEMO_DEFAULTS are sane', () => {
    expect(DEMO_DEFAULTS.users).toBe(1500);
    expect(DEMO_DEFAULTS.bookings).toBe(4000);
    expect(DEMO_DEFAULTS.activity).toBe(40000);
  });
});
