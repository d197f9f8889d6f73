/**
 * Small, fast, seeded pseudo-random number generator (mulberry32) with helpers.
 *
 * Deterministic: the same seed always yields the same sequence. Not suitable for
 * anything security related — it is for reproducible demo / test data only.
 */

/** Mix a string into a 32-bit seed (FNV-1a followed by a murmur3-style finaliser). */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = `${String(part)}\u0000`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;
  /** The seed this generator was created with (after normalisation to uint32). */
  readonly seed: number;

  constructor(seed: number | string = 1) {
    this.seed = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
    this.state = this.seed;
  }

  /** Next raw 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Independent generator derived from this generator's seed and a label (does not advance this one). */
  fork(label: string | number): Rng {
    return new Rng(hashSeed(this.seed, label));
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max < min`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Uniformly chosen element. */
  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick() from an empty array');
    return arr[Math.floor(this.next() * arr.length)]!;
  }

  /** Element chosen with probability proportional to its weight. */
  weighted<T>(pairs: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    if (!(total > 0)) throw new RangeError('weighted() needs a positive total weight');
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1]![0];
  }

  /**
   * Pre-compiled weighted picker for hot loops: O(log n) per draw, no allocation.
   * Equivalent in distribution to `weighted(pairs)`.
   */
  weightedPicker<T>(pairs: ReadonlyArray<readonly [T, number]>): () => T {
    const values = pairs.map((p) => p[0]);
    const cum = new Float64Array(pairs.length);
    let total = 0;
    pairs.forEach(([, w], i) => {
      total += w;
      cum[i] = total;
    });
    if (!(total > 0)) throw new RangeError('weightedPicker() needs a positive total weight');
    return () => values[upperBound(cum, this.next() * total)]!;
  }

  /** `k` distinct elements (order random). If k >= arr.length, a shuffled copy. */
  sample<T>(arr: readonly T[], k: number): T[] {
    const copy = arr.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      const tmp = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = tmp;
    }
    copy.length = n;
    return copy;
  }

  /** Shuffled copy (Fisher–Yates). */
  shuffle<T>(arr: readonly T[]): T[] {
    return this.sample(arr, arr.length);
  }

  /** Standard normal via Box–Muller (mean 0, sd 1), scaled. */
  normal(mean = 0, sd = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Log-normal: exp(normal(mu, sigma)). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Date uniformly between `from` and `to` (ms or Date), in [from, to). */
  dateBetween(from: Date | number, to: Date | number): Date {
    return new Date(this.timeBetween(from, to));
  }

  /** Epoch ms uniformly in [from, to), integer. */
  timeBetween(from: Date | number, to: Date | number): number {
    const a = typeof from === 'number' ? from : from.getTime();
    const b = typeof to === 'number' ? to : to.getTime();
    return Math.floor(a + this.next() * (b - a));
  }

  /** Fill `buf` (from `offset`, `length` bytes) with random bytes. */
  fillBytes(buf: Uint8Array, offset = 0, length = buf.length - offset): Uint8Array {
    let i = offset;
    const end = offset + length;
    while (i < end) {
      let x = this.u32();
      for (let k = 0; k < 4 && i < end; k++, i++) {
        buf[i] = x & 0xff;
        x >>>= 8;
      }
    }
    return buf;
  }

  /** Random lower-case alphanumeric string. */
  alnum(length: number): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < length; i++) s += chars[Math.floor(this.next() * 36)];
    return s;
  }

  /** Random decimal digit string (may start with 0). */
  digits(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += Math.floor(this.next() * 10);
    return s;
  }
}

/** Index of the first element of sorted `cum` strictly greater than `x` (clamped to the last index). */
export function upperBound(cum: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Create a seeded generator. */
export function createRng(seed: number | string = 1): Rng {
  return new Rng(seed);
}

/** Bare mulberry32 as a function returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}
