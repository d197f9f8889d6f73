import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test/db';
import { cacheStats, cached, clearCaches, invalidate } from './cache';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb('cache');
  clearCaches();
});
afterAll(() => t.drop());

describe('result cache tiers', () => {
  it('serves a value with its age, counts hits and misses, and computes concurrent misses once', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return calls;
    };
    const before = cacheStats().counts;
    const [a, b] = await Promise.all([cached(t.db, 'counts', 'k1', ['users'], load), cached(t.db, 'counts', 'k1', ['users'], load)]);
    expect(calls).toBe(1);
    expect(a.value).toBe(1);
    expect(b.value).toBe(1);
    const c = await cached(t.db, 'counts', 'k1', ['users'], load);
    expect(c.hit).toBe(true);
    expect(c.computedAt.getTime()).toBe(a.computedAt.getTime());
    const after = cacheStats().counts;
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(2);
  });

  it('a write invalidating a tag makes the next read fresh; other tags stay cached', async () => {
    let n = 0;
    const load = async () => ++n;
    await cached(t.db, 'dashboard', 'users-count', ['users'], load);
    await cached(t.db, 'dashboard', 'blogs-count', ['blogs'], load);
    invalidate(t.db, 'users');
    expect((await cached(t.db, 'dashboard', 'users-count', ['users'], load)).hit).toBe(false);
    expect((await cached(t.db, 'dashboard', 'blogs-count', ['blogs'], load)).hit).toBe(true);
  });

  it('serves a stale value at once and refreshes it in the background when asked to', async () => {
    let n = 0;
    const load = async () => ++n;
    const first = await cached(t.db, 'hot', 'swr', [], load);
    // age the entry past the tier's 30 s
    (first as { computedAt: Date }).computedAt.setTime(Date.now() - 31_000);
    const stale = await cached(t.db, 'hot', 'swr', [], load, { staleWhileRevalidate: true });
    expect(stale.hit).toBe(true);
    expect(stale.value).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await cached(t.db, 'hot', 'swr', [], load, { staleWhileRevalidate: true });
    expect(fresh.value).toBe(2);
    // without staleWhileRevalidate an expired value is recomputed before answering
    (fresh as { computedAt: Date }).computedAt.setTime(Date.now() - 31_000);
    expect((await cached(t.db, 'hot', 'swr', [], load)).value).toBe(3);
  });
});
