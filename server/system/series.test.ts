import { describe, expect, it } from 'vitest';
import { BUCKETS_MS, quantileMs } from './series';

describe('series histogram', () => {
  it('p95 is the upper bound of the bucket holding the 95th percentile', () => {
    const b = new Array(BUCKETS_MS.length + 1).fill(0);
    b[0] = 90; // ≤ 5 ms
    b[7] = 10; // ≤ 1000 ms
    expect(quantileMs(b, 0.5)).toBe(5);
    expect(quantileMs(b, 0.9)).toBe(5);
    expect(quantileMs(b, 0.95)).toBe(1000);
  });
  it('empty is null; the overflow bucket reads as beyond the last bound', () => {
    expect(quantileMs(new Array(BUCKETS_MS.length + 1).fill(0), 0.95)).toBeNull();
    const b = new Array(BUCKETS_MS.length + 1).fill(0);
    b[BUCKETS_MS.length] = 1;
    expect(quantileMs(b, 0.95)).toBeGreaterThan(BUCKETS_MS[BUCKETS_MS.length - 1]);
  });
});
