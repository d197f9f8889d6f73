/**
 * The export route's service against FerretDB: permissions, same filter/sort/masking as
 * search, CSV round-trip through a real CSV parser, JSON / NDJSON validity, audit entries
 * (completed and client-disconnected).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ObjectId } from 'mongodb';
import { adminsForAllRoles, openTestDb, type TestDb } from '../../test/db';
import { loadOperator, type Operator } from '../auth/session';
import { BUILTIN_ROLE_KEYS, type BuiltinRole } from '../permissions';
import { MASK } from '../registry';
import { withKeywords } from '../search/keywords';
import { EXPORT_ACTION, exportResponse } from './service';

let t: TestDb;
const ops = {} as Record<BuiltinRole, Operator>;

const tricky = [
  { name: 'Comma, Person', city: 'Mumbai', notes: 'says "hello", then leaves' },
  { name: 'Line\nBreak', city: 'Pune', notes: 'first\r\nsecond' },
  { name: '=HYPERLINK("http://evil")', city: '+Delhi', notes: '@SUM(1)' },
  { name: '-2+3', city: '\tTabbed', notes: '\rCR' },
  { name: 'Ünïcødé 日本語 😀', city: 'Goa', notes: null },
];

beforeAll(async () => {
  t = await openTestDb('export');
  const admins = await adminsForAllRoles(t.db);
  for (const r of BUILTIN_ROLE_KEYS) ops[r] = (await loadOperator(t.db, { adminId: admins[r]._id.toHexString(), sessionVersion: admins[r].sessionVersion }))!;
  await t.db.collection('users').insertMany(
    tricky.map((u, i) =>
      withKeywords('users', {
        _id: new ObjectId(`66a00000000000000000000${i}`),
        ...u,
        email: `user${i}@example.com`,
        status: i % 2 ? 'inactive' : 'active',
        tags: ['a', 'b,c'],
        createdAt: new Date(Date.UTC(2026, 0, i + 1, 12, 30)),
      }),
    ),
  );
  await t.db.collection('session_bookings').insertMany(
    Array.from({ length: 2600 }, (_, i) => ({
      userId: new ObjectId(),
      psychologistId: new ObjectId(),
      scheduledAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
      status: i % 2 ? 'confirmed' : 'pending',
      amount: i,
      createdAt: new Date(),
    })),
  );
});
afterAll(() => t.drop());

const url = (collection: string, params: Record<string, string>) => new URL(`http://x/api/export/${collection}?${new URLSearchParams(params)}`);
const run = (role: BuiltinRole | null, collection: string, params: Record<string, string>, signal?: AbortSignal) =>
  exportResponse(t.db, role ? ops[role] : null, collection, url(collection, params), { ip: '127.0.0.1', userAgent: 'vitest', signal });
const q = (o: unknown) => JSON.stringify(o);
const lastAudit = () => t.db.collection('audit_logs').find({ action: EXPORT_ACTION }).sort({ at: -1, _id: -1 }).limit(1).next();

describe('export permissions', () => {
  it('401 without a session, 403 without export (viewer), 403 without read of the collection, 400 on bad input', async () => {
    expect((await run(null, 'users', {})).status).toBe(401);
    expect((await run('viewer', 'users', {})).status).toBe(403);
    expect(await lastAudit()).toMatchObject({ result: 'denied', actor: { role: 'viewer' } });
    expect((await run('content_manager', 'users', {})).status).toBe(403);
    expect((await run('analyst', 'audit_logs', {})).status).toBe(403);
    expect((await run('admin', 'admins', {})).status).toBe(400);
    expect((await run('admin', 'users', { q: '{not json' })).status).toBe(400);
    const bad = await run('admin', 'users', {
      q: q({ collection: 'users', where: { op: 'and', conditions: [{ field: '$where', operator: 'eq', value: 1 }] } }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/Unknown field "\$where"/);
    expect((await run('admin', 'users', { columns: 'name,passwordHash' })).status).toBe(400);
    expect((await run('admin', 'users', { format: 'xml' })).status).toBe(400);
  });
});

describe('CSV', () => {
  it('round-trips commas, quotes, new lines and unicode; neutralises formula-looking cells; ISO dates; BOM option', async () => {
    const res = await run('super_admin', 'users', {
      format: 'csv',
      bom: '1',
      columns: 'name,city,notes,tags,createdAt,email',
      q: q({ collection: 'users', sort: [{ field: 'createdAt', dir: 'asc' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="users-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv"$/);
    const buf = new Uint8Array(await res.arrayBuffer());
    expect([...buf.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
    const text = new TextDecoder().decode(buf);
    const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual(['name', 'city', 'notes', 'tags', 'createdAt', 'email']);
    expect(records.map((r) => r.name)).toEqual(['Comma, Person', 'Line\nBreak', `'=HYPERLINK("http://evil")`, `'-2+3`, 'Ünïcødé 日本語 😀']);
    expect(records.map((r) => r.city)).toEqual(['Mumbai', 'Pune', `'+Delhi`, `'\tTabbed`, 'Goa']);
    expect(records.map((r) => r.notes)).toEqual(['says "hello", then leaves', 'first\r\nsecond', `'@SUM(1)`, `'\rCR`, '']);
    expect(JSON.parse(records[0]!.tags!)).toEqual(['a', 'b,c']);
    expect(records[0]!.createdAt).toBe('2026-01-01T12:30:00.000Z');
    expect(records[0]!.email).toBe('user0@example.com');
    const audit = await lastAudit();
    expect(audit).toMatchObject({ result: 'success', target: { type: 'collection', id: 'users' }, details: { rows: 5, outcome: 'completed' } });
  });
  it('masks personal columns for roles without data.personal.read, same as search', async () => {
    const text = await (await run('analyst', 'users', { columns: 'name,email' })).text();
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(5);
    expect(new Set(records.map((r) => r.email))).toEqual(new Set([MASK]));
  });
  it('applies the same filter and sort as search, across many chunks', async () => {
    const text = await (
      await run('analyst', 'session_bookings', {
        columns: 'amount,status',
        q: q({
          collection: 'session_bookings',
          where: { op: 'and', conditions: [{ field: 'status', operator: 'eq', value: 'confirmed' }] },
          sort: [{ field: 'amount', dir: 'desc' }],
        }),
      })
    ).text();
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(1300);
    expect(records[0]).toEqual({ amount: '2599', status: 'confirmed' });
    expect(records.at(-1)).toEqual({ amount: '1', status: 'confirmed' });
    const amounts = records.map((r) => Number(r.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
  });
});

describe('JSON and NDJSON', () => {
  it('JSON is a valid array (also when empty); NDJSON is one object per line', async () => {
    const arr = JSON.parse(await (await run('admin', 'session_bookings', { format: 'json', columns: 'amount,scheduledAt' })).text());
    expect(arr).toHaveLength(2600);
    expect(Object.keys(arr[0])).toEqual(['amount', 'scheduledAt']);
    expect(arr[0].scheduledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const empty = JSON.parse(await (await run('admin', 'users', { format: 'json', q: q({ collection: 'users', text: 'nobodyatall' }) })).text());
    expect(empty).toEqual([]);
    const nd = (await (await run('admin', 'users', { format: 'ndjson' })).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(nd).toHaveLength(5);
  });
});

describe('streaming and disconnects', () => {
  it('stops reading when the client goes away and audits the rows sent', async () => {
    const ac = new AbortController();
    const res = await run('admin', 'session_bookings', { format: 'csv' }, ac.signal);
    const reader = res.body!.getReader();
    await reader.read(); // header
    await reader.read(); // first chunk of rows
    await reader.cancel();
    ac.abort();
    await new Promise((r) => setTimeout(r, 200));
    const audit = await lastAudit();
    expect(audit).toMatchObject({ result: 'success', error: 'client disconnected', details: { outcome: 'aborted' } });
    const sent = (audit!.details as { rows: number }).rows;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(2600);
  });
});
