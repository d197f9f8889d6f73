/** API keys (issue 17, item 10): scopes, expiry, rotation with an overlap window, usage per day, last use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { API_KEYS, flushUsage, verifyApiKey, type ApiKeyDoc } from './keys';
import type { AdminDoc } from '../db/collections';

let t: TestDb;
let sa: AdminDoc;
beforeAll(async () => {
  t = await openTestDb('apikeys');
  sa = await makeAdmin(t.db, 'super_admin');
});
afterAll(() => t.drop());

const keys = () => t.db.collection<ApiKeyDoc>(API_KEYS);

describe('API keys', () => {
  it('rotation: the new key works at once, the old one until the overlap ends, then never', async () => {
    const c = callerFor(t.db, sa);
    const { key: oldKey, apiKey } = await c.analytics.keys.create({ name: 'platform' });
    const r = await c.analytics.keys.rotate({ id: apiKey.id, overlapHours: 2 });
    expect(r.apiKey).toMatchObject({ name: 'platform', scopes: ['events:write'], rotatedFrom: apiKey.id, status: 'active' });
    expect(r.old).toMatchObject({ rotatedTo: r.apiKey.id, status: 'expiring' });
    expect(r.old.expiresAt!.getTime() - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000);
    expect(await verifyApiKey(t.db, `Bearer ${r.key}`, { scope: 'events:write' })).toMatchObject({ id: r.apiKey.id });
    expect(await verifyApiKey(t.db, `Bearer ${oldKey}`, { scope: 'events:write' })).toMatchObject({ id: apiKey.id });
    // a second rotation of the old key is refused: rotate the newest
    await expect(c.analytics.keys.rotate({ id: apiKey.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    // the overlap ends (moved into the past here): the old key stops, the new one goes on
    await keys().updateOne({ _id: new ObjectId(apiKey.id) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    await c.analytics.keys.rotate({ id: r.apiKey.id, overlapHours: 1 }); // clears the verification cache in this process
    expect(await verifyApiKey(t.db, `Bearer ${oldKey}`, { scope: 'events:write' })).toBeNull();
    const listed = await c.analytics.keys.list();
    expect(listed.find((k) => k.id === apiKey.id)!.status).toBe('expired');
  });

  it('an expired key and a key without the scope are refused', async () => {
    const c = callerFor(t.db, sa);
    const { key, apiKey } = await c.analytics.keys.create({ name: 'short-lived', expiresInDays: 1 });
    expect(apiKey.status).toBe('expiring');
    expect(await verifyApiKey(t.db, `Bearer ${key}`, { scope: 'events:write' })).not.toBeNull();
    await keys().updateOne({ _id: new ObjectId(apiKey.id) }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    await c.analytics.keys.revoke({ id: (await c.analytics.keys.create({ name: 'cache reset 1' })).apiKey.id }); // clears the cache
    expect(await verifyApiKey(t.db, `Bearer ${key}`, { scope: 'events:write' })).toBeNull();

    const noScope = await c.analytics.keys.create({ name: 'scoped' });
    await keys().updateOne({ _id: new ObjectId(noScope.apiKey.id) }, { $set: { scopes: [] as never[] } });
    await c.analytics.keys.revoke({ id: (await c.analytics.keys.create({ name: 'cache reset 2' })).apiKey.id });
    expect(await verifyApiKey(t.db, `Bearer ${noScope.key}`, { scope: 'events:write' })).toBeNull();
    // scopes are validated on creation
    await expect(c.analytics.keys.create({ name: 'bad scope', scopes: ['admin:all' as 'events:write'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('counts use per day and records the last time and address', async () => {
    const c = callerFor(t.db, sa);
    const { key, apiKey } = await c.analytics.keys.create({ name: 'counted' });
    for (let i = 0; i < 7; i++) await verifyApiKey(t.db, `Bearer ${key}`, { scope: 'events:write', ip: '10.1.2.3' });
    await flushUsage(t.db);
    const usage = await c.analytics.keys.usage({ id: apiKey.id, days: 7 });
    expect(usage).toHaveLength(7);
    expect(usage.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), requests: 7 });
    expect(usage.slice(0, 6).every((d) => d.requests === 0)).toBe(true);
    const listed = (await c.analytics.keys.list()).find((k) => k.id === apiKey.id)!;
    expect(listed.lastUsedIp).toBe('10.1.2.3');
    expect(listed.lastUsedAt).not.toBeNull();
  });
});
