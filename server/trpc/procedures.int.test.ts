import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { ObjectId } from 'mongodb';
import { allWidgets, callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { collections } from '../db/collections';
import { invalidateOperatorCache } from '../auth/session';
import { BUILTIN_ROLES } from '../permissions';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('procs');
});
afterAll(() => t.drop());

async function code(p: Promise<unknown>) {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof TRPCError ? e.code : String(e);
  }
}

describe('me.get', () => {
  it('answers the role and permissions read from the database', async () => {
    const a = await makeAdmin(t.db, 'analyst');
    const me = await callerFor(t.db, a).me.get();
    expect(me).toMatchObject({ id: a._id.toHexString(), email: a.email, role: 'analyst', roleLabel: 'Analyst' });
    expect(me.permissions).toEqual([...BUILTIN_ROLES.analyst.permissions]);
    expect(me.sections).toEqual(['dashboard', 'search', 'exports', 'analytics', 'campaigns', 'outbox', 'suppressions']);
  });

  it('is UNAUTHORIZED without a session and for an unknown or malformed admin id', async () => {
    expect(await code(callerFor(t.db, null).me.get())).toBe('UNAUTHORIZED');
    const ghost = { _id: new ObjectId(), sessionVersion: 0 } as never;
    expect(await code(callerFor(t.db, ghost).me.get())).toBe('UNAUTHORIZED');
  });

  it('a demotion takes effect on the next request', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const caller = callerFor(t.db, a);
    expect((await caller.me.get()).role).toBe('admin');
    await collections.admins(t.db).updateOne({ _id: a._id }, { $set: { role: 'viewer' } });
    invalidateOperatorCache(); // what the admins service does on every change
    expect((await caller.me.get()).role).toBe('viewer');
    expect(await code(allWidgets(caller))).toBe('OK');
  });

  it('a deactivation or revoked session (sessionVersion bump) ends access on the next request', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const b = await makeAdmin(t.db, 'admin');
    await collections.admins(t.db).updateOne({ _id: a._id }, { $set: { status: 'deactivated' } });
    await collections.admins(t.db).updateOne({ _id: b._id }, { $inc: { sessionVersion: 1 } });
    invalidateOperatorCache();
    expect(await code(callerFor(t.db, a).me.get())).toBe('UNAUTHORIZED');
    expect(await code(callerFor(t.db, b).me.get())).toBe('UNAUTHORIZED');
  });

  it('even without invalidation the cache holds a role at most ~2 seconds', async () => {
    const a = await makeAdmin(t.db, 'admin');
    const caller = callerFor(t.db, a);
    await caller.me.get();
    await collections.admins(t.db).updateOne({ _id: a._id }, { $set: { role: 'viewer' } });
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await caller.me.get()).role).toBe('viewer');
  });
});

const countsOf = async (caller: ReturnType<typeof callerFor>) => {
  const w = (await allWidgets(caller)).find((x) => x.key === 'counts');
  if (!w || w.key !== 'counts' || !w.ok) throw new Error('no counts widget');
  return w.data;
};

describe('dashboard counts widget', () => {
  it('counts only the collections the role may read', async () => {
    await t.db.collection('users').insertMany([{ name: 'a' }, { name: 'b' }]);
    await t.db.collection('blogs').insertOne({ title: 'x' });
    const viewer = await countsOf(callerFor(t.db, await makeAdmin(t.db, 'viewer')));
    expect(viewer.find((c) => c.key === 'users')?.count).toBe(2);
    const content = await countsOf(callerFor(t.db, await makeAdmin(t.db, 'content_manager')));
    expect(content.map((c) => c.key).sort()).toEqual(['blogs', 'careers', 'event_registrations', 'events']);
    expect(content.find((c) => c.key === 'blogs')?.count).toBe(1);
  });
});

describe('database unreachable', () => {
  it('answers SERVICE_UNAVAILABLE quickly instead of hanging, and the error is classified', async () => {
    const { MongoClient } = await import('mongodb');
    const { isConnectionError } = await import('../db/connection-errors');
    const dead = new MongoClient('mongodb://127.0.0.1:9', { serverSelectionTimeoutMS: 500 });
    const started = Date.now();
    const a = { _id: new ObjectId(), sessionVersion: 0 } as never;
    let caught: unknown;
    try {
      await callerFor(dead.db('nowhere'), a).me.get();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TRPCError);
    expect((caught as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    expect(isConnectionError((caught as TRPCError).cause)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    await dead.close();
  });
});
