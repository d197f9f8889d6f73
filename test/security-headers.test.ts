import { describe, expect, it } from 'vitest';
// @ts-expect-error next.config.js is plain JavaScript without types
import { securityHeaders } from '../next.config.js';

type Rule = { source: string; headers: { key: string; value: string }[] };
const headersOf = (rules: Rule[], source: string) => Object.fromEntries(rules.find((r) => r.source === source)!.headers.map((h) => [h.key, h.value]));

describe('security headers (next.config.js)', () => {
  it('every page: no framing, nosniff, same-origin referrer, no camera/microphone/geolocation', () => {
    const all = headersOf(securityHeaders({ NEXTAUTH_URL: 'http://localhost:3000' }), '/:path*');
    expect(all).toEqual({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    });
  });
  it('HSTS only when the public URL is https', () => {
    expect(headersOf(securityHeaders({ NEXTAUTH_URL: 'https://admin.acube.example' }), '/:path*')['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(headersOf(securityHeaders({}), '/:path*')['Strict-Transport-Security']).toBeUndefined();
  });
  it('API answers (tRPC included) are not stored', () => {
    expect(headersOf(securityHeaders({}), '/api/:path*')).toEqual({ 'Cache-Control': 'no-store' });
    expect(headersOf(securityHeaders({}), '/api/:path((?!messaging/).*)')).toEqual({ 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'" });
  });
});

describe('page CSP (proxy.ts)', () => {
  it('scripts only with the nonce (no unsafe-inline), no framing, no plugins; a new nonce per request', async () => {
    const { contentSecurityPolicy, proxy } = await import('../proxy');
    const p = contentSecurityPolicy('abc123');
    const script = p.split('; ').find((d) => d.startsWith('script-src'))!;
    expect(script).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(p).toContain("frame-ancestors 'none'");
    expect(p).toContain("object-src 'none'");
    expect(p).toContain("base-uri 'self'");
    expect(contentSecurityPolicy('n', { https: true })).toContain('upgrade-insecure-requests');
    const { NextRequest } = await import('next/server');
    const a = proxy(new NextRequest('http://localhost/search')).headers.get('content-security-policy')!;
    const b = proxy(new NextRequest('http://localhost/search')).headers.get('content-security-policy')!;
    const nonceOf = (s: string) => /'nonce-([^']+)'/.exec(s)![1]!;
    expect(nonceOf(a)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
  });
});
