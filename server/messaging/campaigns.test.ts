import { describe, expect, it } from 'vitest';
import { diffInterval, inHoldout } from './campaigns';
import { signToken, verifyToken } from './tokens';

describe('holdout', () => {
  it('is deterministic per campaign and member, and near the requested share', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i.toString(16).padStart(24, '0'));
    const a = ids.filter((m) => inHoldout('c1', m, 10));
    const b = ids.filter((m) => inHoldout('c1', m, 10));
    expect(b).toEqual(a);
    expect(a.length / ids.length).toBeGreaterThan(0.09);
    expect(a.length / ids.length).toBeLessThan(0.11);
    // another campaign draws another group
    const c = ids.filter((m) => inHoldout('c2', m, 10));
    expect(c).not.toEqual(a);
    expect(ids.filter((m) => inHoldout('c1', m, 0))).toHaveLength(0);
  });
});

describe('uplift interval', () => {
  it('is the difference of proportions with a 95 % Wald interval', () => {
    const r = diffInterval(300, 1000, 20, 100);
    expect(r.diff).toBeCloseTo(0.1, 10);
    const se = Math.sqrt((0.3 * 0.7) / 1000 + (0.2 * 0.8) / 100);
    expect(r.low).toBeCloseTo(0.1 - 1.96 * se, 10);
    expect(r.high).toBeCloseTo(0.1 + 1.96 * se, 10);
    expect(diffInterval(0, 0, 1, 2)).toEqual({ diff: 0, low: 0, high: 0 });
  });
});

describe('signed tokens', () => {
  process.env.NEXTAUTH_SECRET ||= 'test-secret-not-for-production-0123456789';
  it('verify intact tokens of the right kind only', () => {
    const t = signToken({ k: 'click', m: 'a'.repeat(24), u: 'https://a.test/x' });
    expect(verifyToken(t, 'click')).toMatchObject({ u: 'https://a.test/x' });
    expect(verifyToken(t, 'open')).toBeNull();
    const [body, sig] = t.split('.');
    expect(verifyToken(`${body}.${sig!.slice(0, -2)}AA`, 'click')).toBeNull();
    const forged = Buffer.from(JSON.stringify({ k: 'click', m: 'a'.repeat(24), u: 'https://evil.test' })).toString('base64url');
    expect(verifyToken(`${forged}.${sig}`, 'click')).toBeNull();
    expect(verifyToken('', 'click')).toBeNull();
    expect(verifyToken('a.b.c', 'click')).toBeNull();
  });
});
