/**
 * The tRPC path that scripts/serve.mjs serves without Next.js (server/trpc/node-handler.ts), on a real HTTP
 * server and the test FerretDB: the same answers and guards as the route handler (session from the cookie,
 * JSON only, same origin, batch limit, security headers), a live subscription over SSE, and a cookie due
 * for renewal left to Next.js untouched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encode } from 'next-auth/jwt';

const DB_NAME = vi.hoisted(() => {
  const name = `t_nodehandler_${Math.random().toString(16).slice(2, 10)}`;
  process.env.MONGODB_DB = name; // getDb() of the handler opens this database
  process.env.NEXTAUTH_SECRET ||= 'test-secret-not-for-production-0123456789';
  return name;
});

import { MongoClient } from 'mongodb';
import { TEST_URI, makeAdmin } from '../../test/db';
import { ensureIndexes } from '../db/indexes';
import { env } from '../env';
import type { AdminDoc } from '../db/collections';
import { handleTrpcNode, registerTrpcNodeHandler, TRPC_NODE_HANDLER, type HeaderList } from './node-handler';

const HEADERS: HeaderList = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" },
];

let client: MongoClient;
let server: http.Server;
let base: string;
let admin: AdminDoc;
let viewer: AdminDoc;
let passedOn = 0;

async function cookieFor(a: AdminDoc, issuedSecondsAgo = 0): Promise<string> {
  const claims = { adminId: a._id.toHexString(), sv: a.sessionVersion, authTime: Math.floor(Date.now() / 1000) - 60, sid: `sid-${a._id}` };
  if (issuedSecondsAgo > 0) {
    // next-auth's encode stamps iat with the clock: move only Date back for the stamp
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - issuedSecondsAgo * 1000);
  }
  try {
    return `next-auth.session-token=${await encode({ secret: env().NEXTAUTH_SECRET ?? '', token: claims, maxAge: 3600 })}`;
  } finally {
    vi.useRealTimers();
  }
}

beforeAll(async () => {
  client = new MongoClient(TEST_URI);
  await client.connect();
  const db = client.db(DB_NAME);
  await ensureIndexes(db);
  admin = await makeAdmin(db, 'super_admin');
  viewer = await makeAdmin(db, 'viewer');
  server = http.createServer(async (req, res) => {
    if (await handleTrpcNode(req, res, HEADERS)) return;
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

const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { headers: cookie ? { cookie } : {} });

describe('tRPC without Next.js (scripts/serve.mjs)', () => {
  it('answers with the session in the cookie, and the route’s headers', async () => {
    const res = await get('/api/trpc/me.get', await cookieFor(admin));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { result: { data: { json: { email: string; role: string } } } };
    expect(body.result.data.json).toMatchObject({ email: admin.email, role: 'super_admin' });
  });

  it('batches, and enforces permissions per call', async () => {
    const res = await get('/api/trpc/me.get,admins.list?batch=1&input=%7B%7D', await cookieFor(viewer));
    const body = (await res.json()) as Array<{ result?: unknown; error?: { json: { data: { code: string } } } }>;
    expect(body).toHaveLength(2);
    expect(body[0]!.result).toBeDefined();
    expect(body[1]!.error?.json.data.code).toBe('FORBIDDEN');
  });

  it('refuses without a session, with a forged cookie, and for a deactivated operator', async () => {
    expect((await get('/api/trpc/me.get')).status).toBe(401);
    expect((await get('/api/trpc/me.get', 'next-auth.session-token=not-a-token')).status).toBe(401);
    await client
      .db(DB_NAME)
      .collection('admins')
      .updateOne({ _id: viewer._id }, { $set: { status: 'deactivated' } });
    const { invalidateOperatorCache } = await import('../auth/session');
    invalidateOperatorCache();
    expect((await get('/api/trpc/me.get', await cookieFor(viewer))).status).toBe(401);
    await client
      .db(DB_NAME)
      .collection('admins')
      .updateOne({ _id: viewer._id }, { $set: { status: 'active' } });
    invalidateOperatorCache();
  });

  it('leaves a cookie due for renewal to Next.js, untouched', async () => {
    const before = passedOn;
    const res = await get('/api/trpc/me.get', await cookieFor(admin, 400));
    expect(res.status).toBe(299);
    expect(await res.text()).toBe('next');
    expect(passedOn).toBe(before + 1);
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('refuses non-JSON and cross-site posts, and oversized batches, like the route', async () => {
    const cookie = await cookieFor(admin);
    const url = `${base}/api/trpc/notifications.markRead`;
    const body = JSON.stringify({ json: { all: true } });
    const plain = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'text/plain' }, body });
    expect(plain.status).toBe(415);
    const foreign = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: 'https://evil.example' }, body });
    expect(foreign.status).toBe(403);
    const same = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/json', origin: base }, body });
    expect(same.status).toBe(200);
    const many = Array.from({ length: env().TRPC_MAX_BATCH + 1 }, () => 'me.get').join(',');
    expect((await get(`/api/trpc/${many}?batch=1&input=%7B%7D`, cookie)).status).toBe(400);
  });

  it('streams a live subscription over server-sent events', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${base}/api/trpc/live.events?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
      headers: { cookie: await cookieFor(admin), accept: 'text/event-stream' },
      signal: ctl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"hello"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctl.abort();
    expect(text).toContain('event: connected');
    expect(text).toContain('"type":"hello"');
  });

  it('is what the route module registers for the server to find', () => {
    registerTrpcNodeHandler();
    expect((globalThis as Record<symbol, unknown>)[TRPC_NODE_HANDLER]).toBe(handleTrpcNode);
  });
});
