import { describe, expect, it } from 'vitest';
import { encode, decode } from 'next-auth/jwt';
import { decodeSessionToken, freshToken, identityOfToken, RENEW_AFTER_S } from './token';

const secret = 'test-secret-not-for-production-0123456789';

describe('session token decoding with a cached key', () => {
  it('reads what NextAuth wrote, exactly as NextAuth reads it', async () => {
    const token = await encode({ secret, token: { adminId: 'a'.repeat(24), sv: 3, authTime: 1_700_000_000, sid: 'sid-1' }, maxAge: 3600 });
    const mine = await decodeSessionToken({ token, secret });
    expect(mine).toEqual(await decode({ token, secret }));
    expect(identityOfToken(mine!)).toEqual({ adminId: 'a'.repeat(24), sessionVersion: 3, authTime: 1_700_000_000, sid: 'sid-1' });
    // the second call uses the cached key and still agrees
    expect(await decodeSessionToken({ token, secret })).toEqual(mine);
  });

  it('refuses a token of another secret, a tampered one and an expired one', async () => {
    const token = await encode({ secret, token: { adminId: 'x' }, maxAge: 3600 });
    await expect(decodeSessionToken({ token, secret: `${secret}-other` })).rejects.toThrow();
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(decodeSessionToken({ token: tampered, secret })).rejects.toThrow();
    const expired = await encode({ secret, token: { adminId: 'x' }, maxAge: -60 });
    await expect(decodeSessionToken({ token: expired, secret })).rejects.toThrow();
    expect(await decodeSessionToken({ token: '', secret })).toBeNull();
  });

  it('uses a token as is only while it is recently renewed', () => {
    const now = Date.now();
    expect(freshToken({ iat: Math.floor(now / 1000) - 10 }, now)).toBe(true);
    expect(freshToken({ iat: Math.floor(now / 1000) - RENEW_AFTER_S - 1 }, now)).toBe(false);
    expect(freshToken({}, now)).toBe(false);
    expect(freshToken({ iat: Math.floor(now / 1000) + 3600 }, now)).toBe(false); // issued "in the future"
  });
});
