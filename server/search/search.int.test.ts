/**
 * search.query against FerretDB: every operator and field type, AND/OR nesting, sort,
 * paging, masking per role, keyword search, and injection attempts (answered BAD_REQUEST
 * before any query reaches the database, proved with driver command monitoring).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { MongoClient, ObjectId, type CommandStartedEvent, type Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { TEST_URI, adminsForAllRoles, callerFor } from '../../test/db';
import { ensureIndexes } from '../db/indexes';
import { clearCaches, invalidate } from '../db/cache';
import { BUILTIN_ROLE_KEYS, can, type BuiltinRole } from '../permissions';
import { MASK, SEARCH_KEYS, SEARCH_REGISTRY } from '../registry';
import type { AdminDoc } from '../db/collections';
import { withKeywords } from './keywords';
import type { SearchInput } from './schema';

let client: MongoClient;
let db: Db;
let admins: Record<BuiltinRole, AdminDoc>;
const commands: CommandStartedEvent[] = [];

const D = (s: string) => new Date(s);
const U = Array.from({ length: 6 }, (_, i) => new ObjectId(`65a0000000000000000000${String(i + 10)}`));
const users = [
  {
    _id: U[0],
    name: 'Priya Sharma',
    email: 'priya.sharma1@gmail.com',
    phone: '+919800000001',
    city: 'Mumbai',
    status: 'active',
    gender: 'female',
    tags: ['anxiety', 'student'],
    createdAt: D('2026-01-05T10:00:00Z'),
    lastActiveAt: D('2026-03-01T00:00:00Z'),
  },
  {
    _id: U[1],
    name: 'Rahul Verma',
    email: 'rahul.v@outlook.com',
    phone: '+919800000002',
    city: 'Delhi',
    status: 'inactive',
    gender: 'male',
    tags: ['stress'],
    createdAt: D('2026-02-10T10:00:00Z'),
  },
  {
    _id: U[2],
    name: 'Ananya Iyer',
    email: 'ananya@iitb.ac.in',
    city: 'Bengaluru',
    status: 'active',
    gender: 'female',
    tags: ['student', 'sleep'],
    createdAt: D('2026-03-15T10:00:00Z'),
    notes: 'Prefers evening sessions.',
  },
  {
    _id: U[3],
    name: 'Kabir (Test) Khan',
    email: 'kabir+test@proton.me',
    city: 'Mumbai',
    status: 'banned',
    gender: 'male',
    tags: [],
    createdAt: D('2026-04-20T10:00:00Z'),
  },
  { _id: U[4], name: 'José Fernandes', email: 'jose@icloud.com', city: 'Goa', status: 'active', gender: 'male', createdAt: D('2026-05-25T10:00:00Z') },
  { _id: U[5], name: 'a.*b Weird', email: 'weird@x.io', city: 'Pune', status: 'inactive', gender: 'undisclosed', createdAt: D('2026-06-30T10:00:00Z') },
];
const P = new ObjectId('65b000000000000000000001');
const bookings = Array.from({ length: 30 }, (_, i) => ({
  _id: new ObjectId(`65c0000000000000000000${String(i + 10)}`),
  userId: U[i % 6],
  psychologistId: P,
  scheduledAt: new Date(Date.UTC(2026, 0, 1 + i, 9)),
  durationMin: i % 2 ? 50 : 30,
  mode: i % 3 ? 'online' : 'in_person',
  status: (['pending', 'confirmed', 'completed', 'cancelled', 'no_show'] as const)[i % 5],
  amount: 1000 + i * 100,
  paid: i % 4 === 0,
  notes: i === 0 ? 'Intro session.' : undefined,
  createdAt: new Date(Date.UTC(2025, 11, 1 + i)),
}));

beforeAll(async () => {
  client = new MongoClient(TEST_URI, { monitorCommands: true, serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(`t_search_${randomBytes(4).toString('hex')}`);
  await ensureIndexes(db);
  admins = await adminsForAllRoles(db);
  await db.collection('users').insertMany(users.map((u) => withKeywords('users', u)));
  await db.collection('session_bookings').insertMany(bookings.map((b) => withKeywords('session_bookings', b)));
  await db.collection('audit_logs').insertMany([
    {
      at: D('2026-01-01T00:00:00Z'),
      day: '2026-01-01',
      actor: { id: 'x', email: 'admin@acube.local', role: 'admin' },
      action: 'search.saved.create',
      target: { type: 'saved_search', id: '1', label: 'x' },
      result: 'success',
      ip: '1.2.3.4',
    },
    {
      at: D('2026-01-02T00:00:00Z'),
      day: '2026-01-02',
      actor: { id: 'y', email: 'viewer@acube.local', role: 'viewer' },
      action: 'export.download',
      result: 'denied',
      error: 'FORBIDDEN',
      ip: '1.2.3.5',
    },
  ]);
  client.on('commandStarted', (e) => commands.push(e));
});
afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
});
beforeEach(() => {
  // each test counts the commands of its own queries: none of them served by an earlier test's cached page
  clearCaches();
  commands.length = 0;
});

const as = (role: BuiltinRole = 'super_admin') => callerFor(db, admins[role]);
const q = (input: SearchInput, role: BuiltinRole = 'super_admin') => as(role).search.query(input);
const names = async (input: Omit<SearchInput, 'collection'>) =>
  (await q({ collection: 'users', sort: [{ field: 'name', dir: 'asc' }], ...input })).rows.map((r) => r.name);
const cond = (field: string, operator: string, value?: unknown) => ({ op: 'and' as const, conditions: [{ field, operator, value } as never] });
const dataQueries = () =>
  commands.filter(
    (c) => ['find', 'count', 'aggregate'].includes(c.commandName) && c.command[c.commandName] !== 'admins' && c.command[c.commandName] !== 'roles',
  );

async function expectBadRequest(p: Promise<unknown>, message?: RegExp) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err, 'expected BAD_REQUEST').toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe('BAD_REQUEST');
  if (message) expect((err as TRPCError).message).toMatch(message);
}

describe('search.collections', () => {
  it('lists exactly the collections each role may read, audit_logs only with audit.read', async () => {
    for (const role of BUILTIN_ROLE_KEYS) {
      const keys = (await as(role).search.collections()).map((c) => c.key);
      expect(keys, role).toEqual(SEARCH_KEYS.filter((k) => can(role, SEARCH_REGISTRY[k].read)));
    }
    expect((await as('viewer').search.collections()).map((c) => c.key)).not.toContain('audit_logs');
    expect((await as('admin').search.collections()).map((c) => c.key)).toContain('audit_logs');
  });
  it('marks personal fields masked for roles without data.personal.read', async () => {
    const analyst = (await as('analyst').search.collections()).find((c) => c.key === 'users')!;
    expect(analyst.fields.find((f) => f.name === 'email')!.masked).toBe(true);
    const mod = (await as('moderator').search.collections()).find((c) => c.key === 'users')!;
    expect(mod.fields.find((f) => f.name === 'email')!.masked).toBe(false);
  });
});

describe('operators by type', () => {
  it('string: eq, ne, in, nin, contains, startsWith, exists', async () => {
    expect(await names({ where: cond('city', 'eq', 'Mumbai') })).toEqual(['Kabir (Test) Khan', 'Priya Sharma']);
    expect(await names({ where: cond('city', 'ne', 'Mumbai') })).toHaveLength(4);
    expect(await names({ where: cond('city', 'in', ['Goa', 'Pune']) })).toEqual(['José Fernandes', 'a.*b Weird']);
    expect(await names({ where: cond('city', 'nin', ['Goa', 'Pune', 'Mumbai']) })).toEqual(['Ananya Iyer', 'Rahul Verma']);
    expect(await names({ where: cond('name', 'contains', 'SHARMA') })).toEqual(['Priya Sharma']);
    expect(await names({ where: cond('name', 'startsWith', 'an') })).toEqual(['Ananya Iyer']);
    expect(await names({ where: cond('notes', 'exists', true) })).toEqual(['Ananya Iyer']);
    expect(await names({ where: cond('notes', 'exists', false) })).toHaveLength(5);
  });
  it('contains treats regex metacharacters literally', async () => {
    expect(await names({ where: cond('name', 'contains', 'a.*b') })).toEqual(['a.*b Weird']);
    expect(await names({ where: cond('name', 'contains', '(Test)') })).toEqual(['Kabir (Test) Khan']);
    expect(await names({ where: cond('name', 'contains', '.*') })).toEqual(['a.*b Weird']);
    expect(await names({ where: cond('email', 'contains', '+test') })).toEqual(['Kabir (Test) Khan']);
  });
  it('number: eq, ne, in, nin, gt, gte, lt, lte, between', async () => {
    const amounts = async (where: ReturnType<typeof cond>) =>
      (await q({ collection: 'session_bookings', where, sort: [{ field: 'amount', dir: 'asc' }], pageSize: 200 })).rows.map((r) => r.amount);
    expect(await amounts(cond('amount', 'eq', 1500))).toEqual([1500]);
    expect(await amounts(cond('amount', 'ne', 1500))).toHaveLength(29);
    expect(await amounts(cond('amount', 'in', [1000, 1100, 99]))).toEqual([1000, 1100]);
    expect(await amounts(cond('amount', 'nin', [1000, 1100]))).toHaveLength(28);
    expect(await amounts(cond('amount', 'gt', 3700))).toEqual([3800, 3900]);
    expect(await amounts(cond('amount', 'gte', 3800))).toEqual([3800, 3900]);
    expect(await amounts(cond('amount', 'lt', 1200))).toEqual([1000, 1100]);
    expect(await amounts(cond('amount', 'lte', 1100))).toEqual([1000, 1100]);
    expect(await amounts(cond('amount', 'between', [1200, 1400]))).toEqual([1200, 1300, 1400]);
    expect(await amounts(cond('amount', 'between', [null, 1100]))).toEqual([1000, 1100]);
  });
  it('date: eq, gt, lt, between (a date-only upper bound includes that whole day), ISO strings and Date objects', async () => {
    const days = async (where: ReturnType<typeof cond>) =>
      (await q({ collection: 'session_bookings', where, sort: [{ field: 'scheduledAt', dir: 'asc' }], pageSize: 200 })).rows.map((r) =>
        (r.scheduledAt as Date).toISOString().slice(0, 10),
      );
    expect(await days(cond('scheduledAt', 'between', ['2026-01-03', '2026-01-05']))).toEqual(['2026-01-03', '2026-01-04', '2026-01-05']);
    expect(await days(cond('scheduledAt', 'eq', new Date(Date.UTC(2026, 0, 2, 9))))).toEqual(['2026-01-02']);
    expect(await days(cond('scheduledAt', 'gt', '2026-01-28T09:00:00Z'))).toEqual(['2026-01-29', '2026-01-30']);
    expect(await days(cond('scheduledAt', 'lt', '2026-01-02'))).toEqual(['2026-01-01']);
    expect(await days(cond('scheduledAt', 'lte', '2026-01-02'))).toEqual(['2026-01-01', '2026-01-02']);
    expect(await days(cond('scheduledAt', 'gte', new Date('2026-01-30T00:00:00Z')))).toEqual(['2026-01-30']);
  });
  it('boolean, enum, tags and objectId', async () => {
    const count = async (where: ReturnType<typeof cond>, collection = 'session_bookings') => (await q({ collection, where, pageSize: 200 })).total;
    expect(await count(cond('paid', 'eq', true))).toBe(8);
    expect(await count(cond('paid', 'ne', true))).toBe(22);
    expect(await count(cond('status', 'eq', 'confirmed'))).toBe(6);
    expect(await count(cond('status', 'in', ['confirmed', 'completed']))).toBe(12);
    expect(await count(cond('status', 'nin', ['confirmed', 'completed']))).toBe(18);
    expect(await count(cond('userId', 'eq', U[0]!.toHexString()))).toBe(5);
    expect(await count(cond('userId', 'in', [U[0]!.toHexString(), U[1]!.toHexString()]))).toBe(10);
    expect(await names({ where: cond('tags', 'eq', 'student') })).toEqual(['Ananya Iyer', 'Priya Sharma']);
    expect(await names({ where: cond('tags', 'in', ['sleep', 'stress']) })).toEqual(['Ananya Iyer', 'Rahul Verma']);
    expect(await names({ where: cond('tags', 'nin', ['student']) })).toHaveLength(4);
  });
  it('dotted paths declared in the registry (audit_logs)', async () => {
    const r = await q({ collection: 'audit_logs', where: cond('actor.email', 'eq', 'viewer@acube.local') });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ action: 'export.download', result: 'denied', 'actor.email': 'viewer@acube.local' });
  });
});

describe('AND / OR nesting, sort and paging', () => {
  it('nests groups up to 3 levels', async () => {
    const where = {
      op: 'or' as const,
      conditions: [
        { field: 'city', operator: 'eq' as const, value: 'Goa' },
        {
          op: 'and' as const,
          conditions: [
            { field: 'status', operator: 'eq' as const, value: 'active' },
            {
              op: 'or' as const,
              conditions: [
                { field: 'city', operator: 'eq' as const, value: 'Mumbai' },
                { field: 'tags', operator: 'eq' as const, value: 'sleep' },
              ],
            },
          ],
        },
      ],
    };
    expect(await names({ where })).toEqual(['Ananya Iyer', 'José Fernandes', 'Priya Sharma']);
  });
  it('refuses nesting deeper than 3', async () => {
    const deep = {
      op: 'and' as const,
      conditions: [
        {
          op: 'and' as const,
          conditions: [{ op: 'and' as const, conditions: [{ op: 'and' as const, conditions: [{ field: 'city', operator: 'eq' as const, value: 'Goa' }] }] }],
        },
      ],
    };
    await expectBadRequest(q({ collection: 'users', where: deep }), /deeper than 3/);
    expect(dataQueries()).toHaveLength(0);
  });
  it('sorts by any sortable field in both directions, with a stable tie-breaker', async () => {
    const asc = (await q({ collection: 'session_bookings', sort: [{ field: 'amount', dir: 'asc' }], pageSize: 5 })).rows.map((r) => r.amount);
    expect(asc).toEqual([1000, 1100, 1200, 1300, 1400]);
    const desc = (
      await q({
        collection: 'session_bookings',
        sort: [
          { field: 'status', dir: 'desc' },
          { field: 'amount', dir: 'desc' },
        ],
        pageSize: 3,
      })
    ).rows;
    expect(desc.map((r) => [r.status, r.amount])).toEqual([
      ['pending', 3500],
      ['pending', 3000],
      ['pending', 2500],
    ]);
    await expectBadRequest(q({ collection: 'session_bookings', sort: [{ field: 'mode', dir: 'asc' }] }), /not sortable/);
  });
  it('pages without overlap and reports the total', async () => {
    const seen = new Set<string>();
    for (let page = 1; page <= 4; page++) {
      const r = await q({ collection: 'session_bookings', page, pageSize: 8 });
      expect(r.total).toBe(30);
      expect(r.rows.length).toBe(page < 4 ? 8 : 6);
      for (const row of r.rows) seen.add(row.id);
    }
    expect(seen.size).toBe(30);
  });
  it('count modes: none skips the count; exact counts', async () => {
    const none = await q({ collection: 'session_bookings', count: 'none', pageSize: 1 });
    expect(none).toMatchObject({ counted: false, total: -1 });
    expect(dataQueries().some((c) => c.commandName === 'count' || c.commandName === 'aggregate')).toBe(false);
    expect((await q({ collection: 'session_bookings', count: 'exact', pageSize: 1 })).total).toBe(30);
  });
  it('rejects a page size over 200', async () => {
    await expectBadRequest(q({ collection: 'users', pageSize: 201 }));
  });
});

describe('keyword search', () => {
  it('matches whole words of searchable fields, all words required, accent- and case-insensitive', async () => {
    expect(await names({ text: 'priya' })).toEqual(['Priya Sharma']);
    expect(await names({ text: 'MUMBAI' })).toEqual(['Kabir (Test) Khan', 'Priya Sharma']);
    expect(await names({ text: 'mumbai student' })).toEqual(['Priya Sharma']);
    expect(await names({ text: 'jose' })).toEqual(['José Fernandes']);
    expect(await names({ text: 'pri' })).toEqual([]);
    expect(await names({ text: 'pri*' })).toEqual(['Priya Sharma']);
  });
  it('uses the _kw keyword array, not a regex scan of the fields', async () => {
    await names({ text: 'priya' });
    const find = dataQueries().find((c) => c.commandName === 'find')!;
    expect(JSON.stringify(find.command.filter)).toContain('_kw');
    expect(JSON.stringify(find.command.filter)).not.toContain('$regex');
  });
  it('personal fields (email) are searchable only by roles that may see them', async () => {
    expect((await q({ collection: 'users', text: 'outlook' }, 'moderator')).rows.map((r) => r.name)).toEqual(['Rahul Verma']);
    expect((await q({ collection: 'users', text: 'outlook' }, 'analyst')).rows).toEqual([]);
    // Names and health-related tags likewise: an analyst cannot find a member by either.
    expect((await q({ collection: 'users', text: 'rahul' }, 'moderator')).rows.map((r) => r.email)).toEqual(['rahul.v@outlook.com']);
    expect((await q({ collection: 'users', text: 'rahul' }, 'analyst')).rows).toEqual([]);
    expect((await q({ collection: 'users', text: 'stress' }, 'analyst')).rows).toEqual([]);
  });
  it('refuses free text on a collection without keywords, and text without words', async () => {
    await expectBadRequest(q({ collection: 'audit_logs', text: 'export' }), /not available/);
    await expectBadRequest(q({ collection: 'users', text: '!! ?' }), /no word/);
  });
});

describe('masking and permissions per role', () => {
  it('masks personal fields for roles without data.personal.read', async () => {
    for (const role of BUILTIN_ROLE_KEYS) {
      if (!can(role, 'data.members.read')) continue;
      const row = (await q({ collection: 'users', where: cond('city', 'eq', 'Delhi') }, role)).rows[0]!;
      expect(row.city, role).toBe('Delhi');
      if (can(role, 'data.personal.read')) {
        expect(row.name, role).toBe('Rahul Verma');
        expect(row.email, role).toBe('rahul.v@outlook.com');
        expect(row.phone, role).toBe('+919800000002');
        expect(row.tags, role).toEqual(['stress']);
      } else {
        // A member's full name and health-related tags are special-category data: masked like the email.
        expect(row.name, role).toBe(MASK);
        expect(row.email, role).toBe(MASK);
        expect(row.phone, role).toBe(MASK);
        expect(row.tags, role).toBe(MASK);
      }
    }
  });
  it('refuses filtering or sorting on personal fields without the permission', async () => {
    const err = await q({ collection: 'users', where: cond('email', 'contains', 'gmail') }, 'analyst').catch((e) => e);
    expect((err as TRPCError).code).toBe('FORBIDDEN');
    const err2 = await q({ collection: 'users', sort: [{ field: 'email', dir: 'asc' }] }, 'viewer').catch((e) => e);
    expect((err2 as TRPCError).code).toBe('FORBIDDEN');
    expect(dataQueries()).toHaveLength(0);
  });
  it('each role reads exactly the collections its permissions allow (FORBIDDEN otherwise)', async () => {
    for (const role of BUILTIN_ROLE_KEYS) {
      for (const key of SEARCH_KEYS) {
        const res = await q({ collection: key, pageSize: 1, count: 'none' }, role).then(
          () => 'ok',
          (e: TRPCError) => e.code,
        );
        expect(res, `${role} × ${key}`).toBe(can(role, SEARCH_REGISTRY[key].read) ? 'ok' : 'FORBIDDEN');
      }
    }
  });
  it('never returns _kw or undeclared fields', async () => {
    const row = (await q({ collection: 'users', pageSize: 1 })).rows[0]!;
    expect(Object.keys(row)).not.toContain('_kw');
    expect(Object.keys(row).sort()).toEqual(['id', ...Object.keys(SEARCH_REGISTRY.users.fields)].sort());
  });
});

describe('injection attempts: BAD_REQUEST, and no query runs', () => {
  const attempts: [string, unknown][] = [
    ['$where as a condition key', { collection: 'users', where: { op: 'and', conditions: [{ $where: 'sleep(1000)' }] } }],
    ['$where as a field', { collection: 'users', where: cond('$where', 'eq', 'this.a == 1') }],
    ['$-prefixed field', { collection: 'users', where: cond('$expr', 'eq', 'x') }],
    ['$or smuggled into the group', { collection: 'users', where: { op: 'and', conditions: [], $or: [{}] } }],
    ['operator object as a value', { collection: 'users', where: cond('name', 'eq', { $ne: null }) }],
    ['object inside an in-list', { collection: 'users', where: cond('name', 'in', [{ $gt: '' }]) }],
    ['dotted path outside the registry', { collection: 'users', where: cond('email.length', 'eq', 3) }],
    ['dotted path to an internal field', { collection: 'users', where: cond('_kw.0', 'eq', 'x') }],
    ['prototype key as field', { collection: 'users', where: cond('__proto__', 'eq', 'x') }],
    ['constructor as field', { collection: 'users', where: cond('constructor', 'eq', 'x') }],
    ['unknown collection', { collection: 'admins' }],
    ['system collection by another name', { collection: 'system.users' }],
    ['unknown operator', { collection: 'users', where: cond('name', 'regex', '.*') }],
    ['operator not fitting the type', { collection: 'users', where: cond('createdAt', 'contains', '2026') }],
    ['wrong value type (string for number)', { collection: 'session_bookings', where: cond('amount', 'gt', '1000') }],
    ['wrong value type (number for date)', { collection: 'session_bookings', where: cond('scheduledAt', 'gt', 5) }],
    ['bad date', { collection: 'session_bookings', where: cond('scheduledAt', 'gt', 'yesterday') }],
    ['enum value outside the list', { collection: 'users', where: cond('status', 'eq', 'Active') }],
    ['bad objectId', { collection: 'session_bookings', where: cond('userId', 'eq', 'not-an-id') }],
    ['regex bomb length', { collection: 'users', where: cond('name', 'contains', '(a+)+'.repeat(40)) }],
    ['sort on $natural', { collection: 'users', sort: [{ field: '$natural', dir: 'asc' }] }],
    ['unknown top-level key', { collection: 'users', $where: '1' }],
  ];
  for (const [label, input] of attempts) {
    it(label, async () => {
      await expectBadRequest(as().search.query(input as SearchInput));
      expect(dataQueries(), 'no query may run').toHaveLength(0);
    });
  }
  it('a regex-bomb pattern within the length limit is matched literally (and fast)', async () => {
    const t0 = Date.now();
    expect(await names({ where: cond('name', 'contains', '(a+)+$') })).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
  it('error messages name the problem', async () => {
    await expectBadRequest(q({ collection: 'users', where: cond('nope', 'eq', 'x') }), /Unknown field "nope"/);
    await expectBadRequest(q({ collection: 'users', where: cond('createdAt', 'contains', 'x') }), /Operator "contains" does not fit field "createdAt"/);
    await expectBadRequest(q({ collection: 'session_bookings', where: cond('amount', 'gt', 'x') }), /"amount" expects a number/);
  });
});

describe('saved searches', () => {
  it('create, list (own only), re-run, delete', async () => {
    const query = {
      collection: 'users',
      where: cond('city', 'eq', 'Mumbai'),
      sort: [{ field: 'createdAt', dir: 'asc' as const }],
      pageSize: 50,
      count: 'capped' as const,
    };
    const { id } = await as('analyst').search.saved.create({ name: 'Mumbai members', query, columns: ['name', 'city'] });
    const mine = await as('analyst').search.saved.list();
    expect(mine.map((s) => s.name)).toEqual(['Mumbai members']);
    expect(mine[0]!.columns).toEqual(['name', 'city']);
    expect(await as('viewer').search.saved.list()).toEqual([]);
    const rerun = await as('analyst').search.query({ ...(mine[0]!.query as SearchInput), page: 1 });
    expect(rerun.rows.map((r) => r.id)).toHaveLength(2);
    expect(rerun.rows.every((r) => r.name === MASK && r.city === 'Mumbai')).toBe(true);
    const dup = await as('analyst')
      .search.saved.create({ name: 'Mumbai members', query })
      .catch((e: TRPCError) => e.code);
    expect(dup).toBe('CONFLICT');
    const other = await as('viewer')
      .search.saved.delete({ id })
      .catch((e: TRPCError) => e.code);
    expect(other).toBe('NOT_FOUND');
    await as('analyst').search.saved.delete({ id });
    expect(await as('analyst').search.saved.list()).toEqual([]);
  });
  it('refuses to save a query that cannot run, or on a collection the role cannot read', async () => {
    await expectBadRequest(as('analyst').search.saved.create({ name: 'bad', query: { collection: 'users', where: cond('$where', 'eq', 1) } as never }));
    const e = await as('content_manager')
      .search.saved.create({ name: 'x', query: { collection: 'users' } as never })
      .catch((x: TRPCError) => x.code);
    expect(e).toBe('FORBIDDEN');
  });
  it('is audited', async () => {
    const { id } = await as('admin').search.saved.create({ name: 'audited', query: { collection: 'users' } as never });
    const entry = await db.collection('audit_logs').findOne({ action: 'search.saved.create', 'target.id': id });
    expect(entry).toMatchObject({ result: 'success', target: { type: 'saved_search', label: 'audited' } });
  });
});

describe('hot page cache', () => {
  it('serves a repeated page without a query, every role masked its own way, fresh after a write is announced', async () => {
    const input = { collection: 'users' as const, sort: [{ field: 'createdAt' as const, dir: 'desc' as const }], pageSize: 5, count: 'none' as const };
    const first = await q(input);
    expect(dataQueries().filter((c) => c.command.find === 'users')).toHaveLength(1);
    commands.length = 0;
    const again = await q(input);
    expect(again.rows).toEqual(first.rows);
    expect(dataQueries().filter((c) => c.command.find === 'users')).toHaveLength(0);
    // one entry, masked per request: a role without personal-data access gets masks, not the cached names
    const viewer = BUILTIN_ROLE_KEYS.find((r) => can(r, 'data.members.read') && !can(r, 'data.personal.read'))!;
    const masked = await q(input, viewer);
    expect(masked.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(masked.rows.every((r) => r.name === MASK)).toBe(true);
    expect(dataQueries().filter((c) => c.command.find === 'users')).toHaveLength(0);

    // a write the product does not know of (the platform's own) shows once the entry is dropped
    const _id = new ObjectId();
    await db
      .collection('users')
      .insertOne(withKeywords('users', { _id, name: 'Newest Member', email: 'newest@x.local', status: 'active', createdAt: new Date() }));
    try {
      expect((await q(input)).rows[0]!.id).toBe(first.rows[0]!.id);
      invalidate(db, 'users'); // what recordsChanged / the live bus do for the product's writes
      expect((await q(input)).rows[0]!.id).toBe(_id.toHexString());
    } finally {
      await db.collection('users').deleteOne({ _id });
      invalidate(db, 'users');
    }
  });
});
