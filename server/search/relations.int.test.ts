/**
 * Relations against FerretDB: display values of references (batched `_id $in`, one find per target),
 * masking of related members for roles without data.personal.read, conditions through a relation
 * resolved to ids (with the cap), the drawer's record and related sections, and the guards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { MongoClient, ObjectId, type CommandStartedEvent, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { TEST_URI, adminsForAllRoles, callerFor } from '../../test/db';
import { ensureIndexes } from '../db/indexes';
import { clearCaches } from '../db/cache';
import { BUILTIN_ROLE_KEYS, can, type BuiltinRole } from '../permissions';
import { MASK } from '../registry';
import type { AdminDoc } from '../db/collections';
import { withKeywords } from './keywords';
import { RELATION_ID_CAP } from './relations';
import { rebuildRollup } from '../analytics/rollup';
import { dayIndexOfDate, dayKeyOfIndex, periodKeyOfIndex } from '../analytics/periods';

let client: MongoClient;
let db: Db;
let admins: Record<BuiltinRole, AdminDoc>;
const commands: CommandStartedEvent[] = [];

const oid = (prefix: string, i: number) => new ObjectId(`${prefix}${String(i).padStart(24 - prefix.length, '0')}`);
const NOW = new Date();
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const users = [
  { _id: oid('66a', 1), name: 'Priya Sharma', email: 'priya.sharma@gmail.com', status: 'active', createdAt: daysAgo(300) },
  { _id: oid('66a', 2), name: 'Rahul Verma', email: 'rahul.v@outlook.com', status: 'active', createdAt: daysAgo(200) },
  { _id: oid('66a', 3), name: 'Odd a.*b Name', email: 'a.*b@x.io', status: 'inactive', createdAt: daysAgo(100) },
];
const psychs = [
  { _id: oid('66b', 1), name: 'Dr. Meera Nair', email: 'meera@clinic.in', status: 'active', createdAt: daysAgo(400) },
  { _id: oid('66b', 2), name: 'Dr. Arjun Rao', email: 'arjun@clinic.in', status: 'active', createdAt: daysAgo(400) },
];
const bookings = Array.from({ length: 12 }, (_, i) => ({
  _id: oid('66c', i + 1),
  userId: users[i % 3]!._id,
  psychologistId: psychs[i % 2]!._id,
  scheduledAt: daysAgo(50 - i),
  status: 'confirmed',
  amount: 1000,
  createdAt: daysAgo(60 - i),
}));
// a dangling reference: its member does not exist
bookings.push({ ...bookings[0]!, _id: oid('66c', 99), userId: oid('66a', 999) });
const events = [{ _id: oid('66d', 1), title: 'Mindful Mornings', status: 'published', startsAt: daysAgo(-5), createdAt: daysAgo(30) }];
const registrations = users.map((u, i) => ({
  _id: oid('66e', i + 1),
  eventId: events[0]!._id,
  userId: u._id,
  status: 'registered',
  createdAt: daysAgo(10 + i),
}));
const activity = [
  { _id: oid('66f', 1), eventId: 'r1', userId: users[0]!._id, name: 'session.booked', ts: daysAgo(3), source: 'web' },
  { _id: oid('66f', 2), eventId: 'r2', userId: users[0]!._id, name: 'app.opened', ts: daysAgo(1), source: 'ios' },
  // outside the 90-day window of "recent activity"
  { _id: oid('66f', 3), eventId: 'r3', userId: users[0]!._id, name: 'app.opened', ts: daysAgo(200), source: 'ios' },
  { _id: oid('66f', 4), eventId: 'r4', userId: users[1]!._id, name: 'app.opened', ts: daysAgo(2), source: 'web' },
];

const caller = (r: BuiltinRole) => callerFor(db, admins[r]);
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
};
const message = async (p: Promise<unknown>) => {
  try {
    await p;
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};
const where = (field: string, operator: string, value?: unknown) => ({
  op: 'and' as const,
  conditions: [{ field, operator: operator as 'eq', value: value as string }],
});

beforeAll(async () => {
  client = new MongoClient(TEST_URI, { monitorCommands: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(`t_relations_${randomBytes(4).toString('hex')}`);
  await ensureIndexes(db);
  admins = await adminsForAllRoles(db);
  await db.collection('users').insertMany(users.map((u) => withKeywords('users', u)));
  await db.collection('psychologists').insertMany(psychs.map((p) => withKeywords('psychologists', p)));
  await db.collection('session_bookings').insertMany(bookings.map((b) => withKeywords('session_bookings', b)));
  await db.collection('events').insertMany(events.map((e) => withKeywords('events', e)));
  await db.collection('event_registrations').insertMany(registrations);
  await db.collection('activity_events').insertMany(
    activity.map((a) => {
      const i = dayIndexOfDate(a.ts);
      return withKeywords('activity_events', { ...a, day: dayKeyOfIndex(i), week: periodKeyOfIndex(i, 'week'), month: periodKeyOfIndex(i, 'month') });
    }),
  );
  // the day → members rollup that a member's recent activity is found through (kept by ingestion; rebuilt here)
  await rebuildRollup(db);
  client.on('commandStarted', (e) => commands.push(e));
});
afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
});
beforeEach(() => {
  clearCaches();
  commands.length = 0;
});

describe('display values of references', () => {
  it('bookings show the member name + email and the psychologist name, one batched find per target', async () => {
    const r = await caller('admin').search.query({ collection: 'session_bookings', pageSize: 50 });
    expect(r.rows).toHaveLength(13);
    const priya = r.related.userId![users[0]!._id.toHexString()]!;
    expect(priya).toMatchObject({
      collection: 'users',
      label: 'Priya Sharma',
      fields: { name: 'Priya Sharma', email: 'priya.sharma@gmail.com' },
      missing: false,
    });
    expect(r.related.psychologistId![psychs[1]!._id.toHexString()]!.label).toBe('Dr. Arjun Rao');
    expect(r.related.userId![oid('66a', 999).toHexString()]).toMatchObject({ missing: true, label: null });
    const finds = commands.filter((c) => c.commandName === 'find');
    expect(finds.filter((c) => c.command.find === 'users')).toHaveLength(1);
    expect(finds.filter((c) => c.command.find === 'psychologists')).toHaveLength(1);
    // the related ids go in one $in list, without duplicates; no aggregation ($lookup) anywhere
    const ids = finds.find((c) => c.command.find === 'users')!.command.filter._id.$in as ObjectId[];
    expect(ids.length).toBe(4);
    expect(commands.some((c) => c.commandName === 'aggregate')).toBe(false);
  });

  it('an analyst and a viewer never see a related member name or email (masked), psychologist names stay', async () => {
    for (const role of BUILTIN_ROLE_KEYS.filter((r) => !can(r, 'data.personal.read') && can(r, 'data.bookings.read'))) {
      const r = await caller(role).search.query({ collection: 'session_bookings', pageSize: 50 });
      for (const ref of Object.values(r.related.userId!)) {
        if (ref.missing) continue;
        expect(ref.fields, role).toEqual({ name: MASK, email: MASK });
        expect(ref.label, role).toBe(MASK);
      }
      expect(JSON.stringify(r), role).not.toContain('priya');
      expect(JSON.stringify(r), role).not.toContain('Priya');
      expect(r.related.psychologistId![psychs[0]!._id.toHexString()]!.label).toBe('Dr. Meera Nair');
    }
  });

  it('a role that cannot read the target gets no display values for it (content manager: members of registrations)', async () => {
    const r = await caller('content_manager').search.query({ collection: 'event_registrations' });
    expect(r.related.userId).toBeUndefined();
    expect(r.related.eventId![events[0]!._id.toHexString()]!.label).toBe('Mindful Mornings');
    expect(commands.some((c) => c.commandName === 'find' && c.command.find === 'users')).toBe(false);
    const info = (await caller('content_manager').search.collections()).find((c) => c.key === 'event_registrations')!;
    expect(info.fields.find((f) => f.name === 'userId')!.relation).toBeUndefined();
    expect(info.relationFields.map((f) => f.name)).toEqual(['eventId.title']);
  });
});

describe('conditions through a relation', () => {
  it("finds a member's bookings by email in one condition (contains, is, starts with; case-insensitive)", async () => {
    const mine = bookings
      .filter((b) => b.userId.equals(users[0]!._id))
      .map((b) => b._id.toHexString())
      .sort();
    for (const [op, v] of [
      ['contains', 'SHARMA@gm'],
      ['contains', 'priya.sharma@gmail.com'],
      ['contains', 'a.sharma@'],
      ['eq', 'Priya.Sharma@gmail.com'],
      ['startsWith', 'priya.s'],
    ] as const) {
      const r = await caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', op, v), pageSize: 50, count: 'exact' });
      expect(r.rows.map((x) => x.id).sort(), `${op} ${v}`).toEqual(mine);
      expect(r.total, op).toBe(mine.length);
    }
  });

  it('resolves to ids first: one find on members (_id only), then `userId $in` on bookings', async () => {
    await caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'eq', 'rahul.v@outlook.com') });
    const finds = commands.filter((c) => c.commandName === 'find');
    const resolve = finds.find((c) => c.command.find === 'users' && c.command.projection?._id === 1 && !c.command.filter._id);
    expect(resolve?.command.filter).toEqual({ email: 'rahul.v@outlook.com' });
    expect(resolve?.command.limit).toBe(RELATION_ID_CAP + 1);
    const page = finds.find((c) => c.command.find === 'session_bookings')!;
    expect(JSON.stringify(page.command.filter)).toContain('"userId":{"$in":');
  });

  it('contains with whole words reads the keyword index first (the regex still decides)', async () => {
    await caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', 'Priya.Sharma@gmail.com') });
    const resolve = commands.find((c) => c.commandName === 'find' && c.command.find === 'users' && c.command.projection?._id === 1 && !c.command.filter._id)!;
    const f = JSON.stringify(resolve.command.filter);
    expect(f).toContain('{"_kw":"p:sharma"}');
    expect(f).toContain('{"_kw":"p:gmail"}');
    expect(f).toContain('"$options":"i"');
  });

  it('psychologist is …, and relation conditions combine with ordinary ones in AND/OR groups', async () => {
    const r = await caller('admin').search.query({
      collection: 'session_bookings',
      where: {
        op: 'and',
        conditions: [
          where('psychologistId.name', 'eq', 'Dr. Arjun Rao'),
          {
            op: 'or',
            conditions: [
              { field: 'userId.email', operator: 'startsWith', value: 'priya' },
              { field: 'userId.name', operator: 'contains', value: 'rahul' },
            ],
          },
        ],
      },
      pageSize: 50,
    });
    const want = bookings.filter((b) => b.psychologistId.equals(psychs[1]!._id) && (b.userId.equals(users[0]!._id) || b.userId.equals(users[1]!._id)));
    expect(r.rows.map((x) => x.id).sort()).toEqual(want.map((b) => b._id.toHexString()).sort());
    expect(want.length).toBeGreaterThan(0);
  });

  it('matches regex metacharacters literally, and an unmatched value gives no rows', async () => {
    const r = await caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', 'a.*b@'), pageSize: 50 });
    expect(r.rows.length).toBe(4);
    expect(r.rows.every((x) => x.userId === users[2]!._id.toHexString())).toBe(true);
    const none = await caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', 'q.*z'), count: 'exact' });
    expect(none.total).toBe(0);
  });

  it("an analyst cannot filter through a related member's email or name (FORBIDDEN, nothing queried)", async () => {
    for (const f of ['userId.email', 'userId.name']) {
      commands.length = 0;
      expect(await code(caller('analyst').search.query({ collection: 'session_bookings', where: where(f, 'contains', 'priya') })), f).toBe('FORBIDDEN');
      expect(
        commands.filter((c) => c.commandName === 'find'),
        f,
      ).toEqual([]);
    }
    const info = (await caller('analyst').search.collections()).find((c) => c.key === 'session_bookings')!;
    expect(info.relationFields.filter((f) => f.name.startsWith('userId.')).every((f) => f.masked)).toBe(true);
    expect(info.relationFields.find((f) => f.name === 'psychologistId.name')!.masked).toBe(false);
  });

  it('a role that cannot read the related collection cannot filter through it', async () => {
    expect(await message(caller('content_manager').search.query({ collection: 'event_registrations', where: where('userId.email', 'eq', 'x@y.z') }))).toMatch(
      /cannot read Members/,
    );
  });

  it('only whitelisted related fields and operators, checked before any query', async () => {
    const cases: [string, string, unknown][] = [
      ['userId.phone', 'eq', '+91'], // not in filterBy
      ['userId.$where', 'eq', '1'],
      ['userId.email.x', 'eq', 'a'],
      ['status.email', 'eq', 'a'], // not a reference
      ['userId.email', 'gt', 'a'], // operator not allowed through a relation
      ['userId.email', 'contains', ''],
      ['userId.email', 'in', []],
    ];
    for (const [f, op, v] of cases) {
      commands.length = 0;
      expect(await code(caller('admin').search.query({ collection: 'session_bookings', where: where(f, op, v) })), `${f} ${op}`).toBe('BAD_REQUEST');
      expect(
        commands.filter((c) => c.commandName === 'find'),
        `${f} ${op}`,
      ).toEqual([]);
    }
  });

  it('refuses when the related side matches more than the cap, with a message that says how to narrow it', async () => {
    const many = Array.from({ length: RELATION_ID_CAP + 1 }, (_, i) => ({
      _id: oid('67a', i + 1),
      name: `Cap Person ${i}`,
      email: `cap${i}@many.example`,
      status: 'active',
      createdAt: daysAgo(1),
    }));
    await db.collection('users').insertMany(many.map((u) => withKeywords('users', u)));
    try {
      const msg = await message(caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', '@many.example') }));
      expect(msg).toMatch(/matches more than 1,000 members; narrow it/);
      expect(await code(caller('admin').search.query({ collection: 'session_bookings', where: where('userId.email', 'contains', '@many.example') }))).toBe(
        'BAD_REQUEST',
      );
      // exactly at the cap is fine
      await db.collection('users').deleteOne({ _id: many[0]!._id });
      const r = await caller('admin').search.query({
        collection: 'session_bookings',
        where: where('userId.email', 'contains', '@many.example'),
        count: 'exact',
      });
      expect(r.total).toBe(0);
    } finally {
      await db.collection('users').deleteMany({ _id: { $in: many.map((m) => m._id) } });
    }
  });

  it('a saved search may hold a relation condition (validated, not resolved, when saved)', async () => {
    const c = caller('admin');
    const { id } = await c.search.saved.create({
      name: `by email ${randomBytes(2).toString('hex')}`,
      query: { collection: 'session_bookings', where: where('userId.email', 'eq', 'priya.sharma@gmail.com') },
    });
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(
      await code(caller('analyst').search.saved.create({ name: 'nope', query: { collection: 'session_bookings', where: where('userId.name', 'eq', 'x') } })),
    ).toBe('FORBIDDEN');
  });
});

describe('the drawer: one record and its related records', () => {
  it('search.record returns one masked record with its references resolved', async () => {
    const b = bookings[0]!;
    const r = await caller('admin').search.record({ collection: 'session_bookings', id: b._id.toHexString() });
    expect(r.row.id).toBe(b._id.toHexString());
    expect(r.related.userId![b.userId.toHexString()]!.fields.email).toBe('priya.sharma@gmail.com');
    const a = await caller('analyst').search.record({ collection: 'users', id: users[0]!._id.toHexString() });
    expect(a.row.email).toBe(MASK);
    expect(await code(caller('admin').search.record({ collection: 'users', id: '0'.repeat(24) }))).toBe('NOT_FOUND');
    expect(await code(caller('content_manager').search.record({ collection: 'users', id: users[0]!._id.toHexString() }))).toBe('FORBIDDEN');
    expect(await code(caller('admin').search.record({ collection: 'users', id: 'nothex' }))).toBe('BAD_REQUEST');
  });

  it("a member's drawer lists their bookings, registrations and recent activity (90 days), newest first", async () => {
    const id = users[0]!._id.toHexString();
    const s = await caller('admin').search.related({ collection: 'users', id });
    const by = Object.fromEntries(s.map((x) => [x.collection, x]));
    expect(Object.keys(by).sort()).toEqual(['activity_events', 'event_registrations', 'session_bookings']);
    expect(by.session_bookings!.total).toBe(4);
    expect(by.session_bookings!.rows.map((r) => r.scheduledAt)).toEqual(
      [...by.session_bookings!.rows.map((r) => r.scheduledAt)].sort((a, b) => +new Date(b as Date) - +new Date(a as Date)),
    );
    expect(by.session_bookings!.related.psychologistId).toBeDefined();
    expect(by.event_registrations!.rows).toHaveLength(1);
    expect(by.event_registrations!.related.eventId![events[0]!._id.toHexString()]!.label).toBe('Mindful Mornings');
    expect(by.activity_events!.rows.map((r) => r.id)).toEqual([oid('66f', 2).toHexString(), oid('66f', 1).toHexString()]);
    expect(by.activity_events!.withinDays).toBe(90);
    // counted as active days (2 of the last 90), read only on those days
    expect(by.activity_events!).toMatchObject({ unit: 'active days', total: 2 });
    expect(by.session_bookings!.unit).toBe('records');
    // "see all" is a real search that lists the same records
    const all = await caller('admin').search.query({ ...by.activity_events!.query, count: 'exact' });
    expect(all.total).toBe(2);
  });

  it('related sections follow the role: only collections it may read, members masked', async () => {
    const id = users[0]!._id.toHexString();
    const mod = await caller('moderator').search.related({ collection: 'users', id });
    expect(mod.map((x) => x.collection)).toEqual(['session_bookings']);
    const an = await caller('analyst').search.related({ collection: 'users', id });
    for (const sec of an) for (const ref of Object.values(sec.related.userId ?? {})) expect(ref.fields).toEqual({ name: MASK, email: MASK });
    const ev = await caller('content_manager').search.related({ collection: 'events', id: events[0]!._id.toHexString() });
    expect(ev.map((x) => x.collection)).toEqual(['event_registrations']);
    expect(ev[0]!.related.userId).toBeUndefined();
  });
});

describe('role walk of the relation procedures', () => {
  it('every role: record/related allowed exactly on readable collections; related members masked without data.personal.read', async () => {
    const ids: Record<string, string> = {
      users: users[0]!._id.toHexString(),
      session_bookings: bookings[0]!._id.toHexString(),
      event_registrations: registrations[0]!._id.toHexString(),
      activity_events: activity[0]!._id.toHexString(),
      events: events[0]!._id.toHexString(),
      psychologists: psychs[0]!._id.toHexString(),
    };
    const { SEARCH_REGISTRY } = await import('../registry');
    for (const role of BUILTIN_ROLE_KEYS) {
      for (const [c, id] of Object.entries(ids)) {
        const readable = can(role, SEARCH_REGISTRY[c as 'users'].read);
        expect(await code(caller(role).search.record({ collection: c, id })), `${role} record ${c}`).toBe(readable ? 'OK' : 'FORBIDDEN');
        expect(await code(caller(role).search.related({ collection: c, id })), `${role} related ${c}`).toBe(readable ? 'OK' : 'FORBIDDEN');
        if (!readable) continue;
        const rec = await caller(role).search.record({ collection: c, id });
        const rel = await caller(role).search.related({ collection: c, id });
        const text = JSON.stringify([rec, rel]);
        if (!can(role, 'data.personal.read')) {
          // neither the related member's name nor the email, in any shape
          for (const u of users) if (c !== 'users') expect(text, `${role} ${c}`).not.toContain(u.email);
          if (c !== 'users') expect(text, `${role} ${c}`).not.toContain('Priya Sharma');
        } else if (c === 'session_bookings') {
          expect(text).toContain('priya.sharma@gmail.com');
        }
      }
    }
  });
});
