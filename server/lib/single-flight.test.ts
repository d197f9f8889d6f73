import { describe, expect, it } from 'vitest';
import { singleFlight } from './single-flight';

describe('singleFlight', () => {
  it('runs one computation for concurrent callers of a key, a new one after it settled', async () => {
    const m = new Map<string, Promise<unknown>>();
    let runs = 0;
    const load = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return runs;
    };
    const [a, b] = await Promise.all([singleFlight(m, 'k', load), singleFlight(m, 'k', load)]);
    expect([a, b, runs, m.size]).toEqual([1, 1, 1, 0]);
    expect(await singleFlight(m, 'k', load)).toBe(2);
  });

  it('does not remember a failure', async () => {
    const m = new Map<string, Promise<unknown>>();
    await expect(singleFlight(m, 'k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await singleFlight(m, 'k', async () => 'up')).toBe('up');
  });
});
