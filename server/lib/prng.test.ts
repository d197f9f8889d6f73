import { describe, it, expect } from 'vitest';
import { createRng, hashSeed, mulberry32, upperBound } from './prng';

describe('prng (mulberry32)', () => {
  it('same seed ⇒ same sequence', () => {
    const a = createRng(42);
    const b = createRng(42);
    const seqA = Array.from({ length: 1000 }, () => a.u32());
    const seqB = Array.from({ length: 1000 }, () => b.u32());
    expect(seqA).toEqual(seqB);
  });

  it('matches the reference mulberry32 output', () => {
    // Reference values of the canonical mulberry32 for seed 1.
    const ref = (seed: number) => () => {
      let t = (seed += 0x6d2b79f5);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const r = ref(1);
    const m = mulberry32(1);
    for (let i = 0; i < 100; i++) expect(m()).toBe(r());
  });

  it('different seeds ⇒ different sequences', () => {
    const a = createRng(1);
    const b = createRng(2);
    expect(Array.from({ length: 8 }, () => a.u32())).not.toEqual(Array.from({ length: 8 }, () => b.u32()));
  });

  it('helpers are deterministic and in range', () => {
    const run = (seed: number) => {
      const r = createRng(seed);
      const out: unknown[] = [];
      for (let i = 0; i < 200; i++) {
        const n = r.int(3, 7);
        expect(n).toBeGreaterThanOrEqual(3);
        expect(n).toBeLessThanOrEqual(7);
        const f = r.next();
        expect(f).toBeGreaterThanOrEqual(0);
        expect(f).toBeLessThan(1);
        const d = r.dateBetween(new Date('2025-01-01T00:00:00Z'), new Date('2025-02-01T00:00:00Z'));
        expect(d.getTime()).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 1));
        expect(d.getTime()).toBeLessThan(Date.UTC(2025, 1, 1));
        out.push(
          n,
          f,
          d.getTime(),
          r.pick(['a', 'b', 'c']),
          r.chance(0.3),
          r.weighted([
            ['x', 1],
            ['y', 3],
          ] as const),
          r.normal(),
          r.exponential(2),
        );
      }
      out.push(r.sample([1, 2, 3, 4, 5, 6], 3), r.shuffle([1, 2, 3, 4]), r.alnum(6), r.digits(4));
      return out;
    };
    expect(run(7)).toEqual(run(7));
  });

  it('int covers both ends', () => {
    const r = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(1, 4));
    expect([...seen].sort()).toEqual([1, 2, 3, 4]);
  });

  it('weighted / weightedPicker follow the weights roughly', () => {
    const r = createRng(9);
    const pick = r.weightedPicker([
      ['a', 1],
      ['b', 9],
    ] as const);
    let b = 0;
    let b2 = 0;
    for (let i = 0; i < 10_000; i++) {
      if (pick() === 'b') b++;
      if (
        r.weighted([
          ['a', 1],
          ['b', 9],
        ] as const) === 'b'
      )
        b2++;
    }
    expect(b / 10_000).toBeGreaterThan(0.87);
    expect(b / 10_000).toBeLessThan(0.93);
    expect(b2 / 10_000).toBeGreaterThan(0.87);
    expect(b2 / 10_000).toBeLessThan(0.93);
  });

  it('fork is deterministic and independent of parent progress', () => {
    const a = createRng(5);
    const fa = a.fork('users');
    a.u32();
    a.u32();
    const fb = createRng(5).fork('users');
    expect(fa.u32()).toBe(fb.u32());
    expect(createRng(5).fork('users').u32()).not.toBe(createRng(5).fork('bookings').u32());
    expect(hashSeed('a', 1)).toBe(hashSeed('a', 1));
    expect(hashSeed('a', 1)).not.toBe(hashSeed('a1'));
  });

  it('fillBytes is deterministic', () => {
    const a = createRng(11).fillBytes(new Uint8Array(13));
    const b = createRng(11).fillBytes(new Uint8Array(13));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('upperBound finds the first element > x', () => {
    const cum = [1, 3, 3, 6];
    expect(upperBound(cum, 0)).toBe(0);
    expect(upperBound(cum, 1)).toBe(1);
    expect(upperBound(cum, 2.5)).toBe(1);
    expect(upperBound(cum, 3)).toBe(3);
    expect(upperBound(cum, 5.99)).toBe(3);
    expect(upperBound(cum, 100)).toBe(3);
  });
});
