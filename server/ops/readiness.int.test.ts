import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { openTestDb, type TestDb } from '../../test/db';
import { checkReadiness, readinessProbe } from './readiness';

let t: TestDb;
let dead: MongoClient;

/** A port nothing listens on: bound by us for a moment, then closed. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

beforeAll(async () => {
  t = await openTestDb('ready');
  dead = new MongoClient(`mongodb://127.0.0.1:${await closedPort()}`, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
});
afterAll(async () => {
  await dead.close();
  await t.drop();
});

const done = () => Promise.resolve();

describe('readiness', () => {
  it('200 when the database answers a ping and start-up is done', async () => {
    const r = await checkReadiness({ ping: () => t.db.command({ ping: 1 }), startup: done });
    expect(r).toEqual({ httpStatus: 200, body: { status: 'ok', checks: { database: 'ok', startup: 'ok' } } });
  });

  it('503 naming the database when the server is unreachable (a closed port)', async () => {
    const r = await checkReadiness({ ping: () => dead.db('x').command({ ping: 1 }), startup: done });
    expect(r.httpStatus).toBe(503);
    expect(r.body).toEqual({ status: 'unavailable', checks: { database: 'unreachable', startup: 'ok' } });
  });

  it('503 with database "timeout" when the ping does not answer within the timeout', async () => {
    const slow = new MongoClient(`mongodb://127.0.0.1:${await closedPort()}`, { serverSelectionTimeoutMS: 3_000 });
    try {
      const started = Date.now();
      const r = await checkReadiness({ ping: () => slow.db('x').command({ ping: 1 }), startup: done, timeoutMs: 200 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(r.httpStatus).toBe(503);
      expect(r.body.checks.database).toBe('timeout');
    } finally {
      await slow.close();
    }
  });

  it('503 naming start-up while it runs, and when it failed', async () => {
    const ping = () => t.db.command({ ping: 1 });
    const running = await checkReadiness({ ping, startup: () => new Promise(() => undefined), timeoutMs: 200 });
    expect(running.httpStatus).toBe(503);
    expect(running.body.checks).toEqual({ database: 'ok', startup: 'pending' });
    const failed = await checkReadiness({ ping, startup: () => Promise.reject(new Error('indexes: boom mongodb://user:secret@host')) });
    expect(failed.body.checks).toEqual({ database: 'ok', startup: 'failed' });
    expect(JSON.stringify(failed.body)).not.toContain('secret');
  });

  it('the probe reuses one result for its cache period and shares a check between concurrent callers', async () => {
    let pings = 0;
    let up = true;
    const probe = readinessProbe(
      {
        ping: async () => {
          pings++;
          if (!up) throw new Error('down');
          return t.db.command({ ping: 1 });
        },
        startup: done,
      },
      300,
    );
    const [a, b] = await Promise.all([probe(), probe()]);
    expect(a.httpStatus).toBe(200);
    expect(b).toBe(a);
    expect(pings).toBe(1);
    up = false;
    expect((await probe()).httpStatus).toBe(200); // still the cached answer
    expect(pings).toBe(1);
    await new Promise((r) => setTimeout(r, 350));
    const after = await probe();
    expect(after.httpStatus).toBe(503);
    expect(after.body.checks.database).toBe('unreachable');
    expect(pings).toBe(2);
  });
});
