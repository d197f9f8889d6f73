/**
 * POST /api/events as scripts/serve.mjs serves it without Next.js (server/http/node-route.ts), on a real HTTP
 * server and the test FerretDB: the route module registers its own handler, and the answers over the Node path
 * are those of the handler called with a fetch Request (status, body, the route's headers), for stored events,
 * a resent batch, bad JSON, an empty batch and a missing key; another method is left to Next.js.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const DB_NAME = vi.hoisted(() => {
  const name = `t_noderoute_${Math.random().toString(16).slice(2, 10)}`;
  process.env.MONGODB_DB = name; // getDb() of the route opens this database
  return name;
});

import { MongoClient, ObjectId } from 'mongodb';
import { TEST_URI } from '../../test/db';
import { ensureIndexes } from '../db/indexes';
import { createApiKey } from '../analytics/keys';
import { NODE_ROUTES, type HeaderList, type NodeRouteHandler } from './node-route';
import { POST } from '../../app/api/events/route';

const HEADERS: HeaderList = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" },
];

let client: MongoClient;
let server: http.Server;
let base: string;
let key: string;
let passedOn = 0;
const member = new ObjectId();

beforeAll(async () => {
  client = new MongoClient(TEST_URI);
  await client.connect();
  const db = client.db(DB_NAME);
  await ensureIndexes(db);
  await db.collection('users').insertOne({ _id: member, name: 'M', createdAt: new Date('2026-01-01') });
  ({ key } = await createApiKey(db, 'node route test', null));
  const table = (globalThis as Record<symbol, unknown>)[NODE_ROUTES] as Map<string, NodeRouteHandler> | undefined;
  const route = table?.get('/api/events');
  server = http.createServer(async (req, res) => {
    if (route && req.url === '/api/events' && (await route(req, res, HEADERS))) return;
    passedOn++; // what Next.js's handler would get
    res.statusCode = 299;
    res.end('next');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await client?.db(DB_NAME).dropDatabase();
  await client?.close();
});

const ev = (eventId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  userId: member.toHexString(),
  name: 'blog.read',
  ts: new Date(Date.now() - 60_000).toISOString(),
  ...extra,
});

/** The same call over the Node path and to the route handler itself. */
async function both(body: string, auth: string | null = `Bearer ${key}`) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const viaNode = await fetch(`${base}/api/events`, { method: 'POST', headers, body });
  const viaRoute = await POST(new Request('http://localhost/api/events', { method: 'POST', headers, body }));
  return { viaNode, nodeBody: await viaNode.json(), viaRoute, routeBody: await viaRoute.json() };
}

describe('POST /api/events without Next.js (scripts/serve.mjs)', () => {
  it('is registered by the route module', () => {
    const table = (globalThis as Record<symbol, unknown>)[NODE_ROUTES] as Map<string, NodeRouteHandler> | undefined;
    expect(table?.has('/api/events')).toBe(true);
  });

  it('stores the events and answers as the route does, with the path’s headers; a resent batch is duplicates', async () => {
    const res = await fetch(`${base}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [ev('n1'), ev('n2'), ev('n3', { name: 'DROP TABLE' }), ev('n4', { userId: new ObjectId().toHexString() })] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toMatchObject({ received: 4, accepted: 2, duplicates: 0 });
    expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 3]);
    expect(
      await client
        .db(DB_NAME)
        .collection('activity_events')
        .countDocuments({ eventId: { $in: ['n1', 'n2'] } }),
    ).toBe(2);

    // the same batch again, once over each path: nothing new stored
    const { viaNode, nodeBody, viaRoute, routeBody } = await both(JSON.stringify({ events: [ev('n1'), ev('n2')] }));
    expect(viaNode.status).toBe(200);
    expect(nodeBody).toEqual({ received: 2, accepted: 0, duplicates: 2, rejected: [] });
    expect(routeBody).toEqual(nodeBody);
    expect(viaRoute.status).toBe(viaNode.status);
  });

  it('refuses what the route refuses, with the same answers', async () => {
    for (const [body, auth] of [
      ['{not json', `Bearer ${key}`],
      [JSON.stringify({ events: [] }), `Bearer ${key}`],
      [JSON.stringify({ events: [ev('x1')] }), null],
      [JSON.stringify({ events: [ev('x2')] }), 'Bearer acube_not_a_key'],
    ] as const) {
      const { viaNode, nodeBody, viaRoute, routeBody } = await both(body, auth);
      expect(viaNode.status).toBeGreaterThanOrEqual(400);
      expect(viaNode.status).toBe(viaRoute.status);
      expect(nodeBody).toEqual(routeBody);
      expect(viaNode.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('refuses a body over the limit from its Content-Length, before the body is read', async () => {
    // 64 MB declared, 1 KB sent: the answer must come without waiting for (or holding) the rest.
    const port = Number(new URL(base).port);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/events',
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.write('x'.repeat(1024));
      setTimeout(() => reject(new Error('no answer within 5 s: the body was being read')), 5_000).unref();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('leaves other methods to Next.js', async () => {
    const before = passedOn;
    const res = await fetch(`${base}/api/events`);
    expect(res.status).toBe(299);
    expect(passedOn).toBe(before + 1);
  });
});
