/**
 * Live dashboard tiles (server/live/tiles.ts) through the real subscription and bus: a moderation write made
 * through the app reaches a subscriber who may read contacts as one `tiles` event naming the collection, not
 * one who may not; a burst of writes is one event; the tile the event names is recomputed on the next read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { callerFor, makeAdmin, openTestDb, type TestDb } from '../../test/db';
import { listen } from '../../test/live';
import { flushTiles, recordsChanged, TILES_COALESCE_MS } from './tiles';
import type { AdminDoc } from '../db/collections';

let t: TestDb;
let moderator: AdminDoc;
let contentManager: AdminDoc;
const contactIds: ObjectId[] = [];

beforeAll(async () => {
  t = await openTestDb('tiles');
  moderator = await makeAdmin(t.db, 'moderator');
  contentManager = await makeAdmin(t.db, 'content_manager');
  for (let i = 0; i < 6; i++) {
    const _id = new ObjectId();
    contactIds.push(_id);
    await t.db.collection('contacts').insertOne({
      _id,
      name: `Sender ${i}`,
      email: `s${i}@example.com`,
      subject: `Hello ${i}`,
      message: 'Hi',
      status: 'new',
      version: 0,
      createdAt: new Date(),
    });
  }
});
afterAll(() => t.drop());

const tilesWith = (tag: string) => (i: { type: string; data: Record<string, unknown> }) =>
  i.type === 'tiles' && Array.isArray(i.data.tags) && (i.data.tags as string[]).includes(tag);

describe('live dashboard tiles', () => {
  it('a moderation write reaches who may read contacts (one event), not who may not; the tile is fresh on the next read', async () => {
    const mod = callerFor(t.db, moderator);
    const before = await mod.dashboard.widget({ key: 'pendingActions' });
    if (!before.ok || before.key !== 'pendingActions') throw new Error('widget failed');
    expect(before.data.find((x) => x.key === 'contacts')?.count).toBe(6);
    // a cached read: same computedAt
    const cachedRead = await mod.dashboard.widget({ key: 'pendingActions' });
    expect(cachedRead.ok && cachedRead.computedAt).toEqual(before.computedAt);

    const a = await listen(t.db, moderator);
    const b = await listen(t.db, contentManager);
    try {
      await a.until((i) => i.type === 'hello');
      await b.until((i) => i.type === 'hello');
      // a burst: three status changes through the app within the coalescing window
      for (const id of contactIds.slice(0, 3)) await mod.moderation.setStatus({ kind: 'contacts', id: id.toHexString(), version: 0, to: 'in_progress' });
      const ev = await a.until(tilesWith('contacts'));
      expect(ev.data.tags).toEqual(['contacts']);
      // the content manager (no data.community.read) hears nothing of it, also after the window
      await new Promise((r) => setTimeout(r, TILES_COALESCE_MS + 1_500));
      expect(b.items.filter((x) => tilesWith('contacts')(x.item))).toHaveLength(0);
      expect(a.items.filter((x) => tilesWith('contacts')(x.item))).toHaveLength(1);
      // the tile is recomputed: new numbers, a new "updated" time
      const after = await mod.dashboard.widget({ key: 'pendingActions' });
      if (!after.ok || after.key !== 'pendingActions') throw new Error('widget failed');
      expect(after.data.find((x) => x.key === 'contacts')?.count).toBe(3);
      expect(after.computedAt!.getTime()).toBeGreaterThan(before.computedAt!.getTime());

      // blogs changed: only the holder of data.content.read (the content manager) hears of it
      recordsChanged(t.db, 'blogs');
      await b.until(tilesWith('blogs'));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(a.items.filter((x) => tilesWith('blogs')(x.item))).toHaveLength(0);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('continuous ingestion (activity_events) is published once per dashboard cache age, not per drain step', async () => {
    const analyst = await makeAdmin(t.db, 'analyst');
    const c = await listen(t.db, analyst);
    try {
      await c.until((i) => i.type === 'hello');
      for (let i = 0; i < 5; i++) recordsChanged(t.db, 'activity_events');
      recordsChanged(t.db, 'users');
      await c.until(tilesWith('users'));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(c.items.filter((x) => tilesWith('activity_events')(x.item))).toHaveLength(0);
      flushTiles(t.db); // what the 5-minute timer does
      const ev = await c.until(tilesWith('activity_events'));
      expect(ev.data.tags).toEqual(['activity_events']);
    } finally {
      await c.close();
    }
  }, 60_000);
});
