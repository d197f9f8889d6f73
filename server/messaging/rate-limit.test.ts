import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './rate-limit';
import { backoffMs } from './outbox';

describe('SlidingWindow', () => {
  it('allows at most `limit` in any window, including across a window edge', () => {
    let t = 0;
    const w = new SlidingWindow(3, 1000, () => t);
    for (let i = 0; i < 3; i++) {
      expect(w.waitMs()).toBe(0);
      w.take();
      t += 100;
    }
    // t = 300: the 4th must wait until the first leaves the window (t = 1000)
    expect(w.waitMs()).toBe(700);
    t = 999;
    expect(w.waitMs()).toBe(1);
    t = 1000;
    expect(w.waitMs()).toBe(0);
    w.take();
    // a fixed window would let three more through at t = 1000; the sliding one lets none until 1100
    expect(w.waitMs()).toBe(100);
  });
});

describe('backoffMs', () => {
  it('doubles per attempt with jitter in [½, 1] and is capped', () => {
    expect(backoffMs(1, 1000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, () => 1)).toBe(4000);
    expect(backoffMs(3, 1000, () => 0)).toBe(2000);
    expect(backoffMs(40, 1000, () => 1)).toBe(6 * 3_600_000);
  });
});
