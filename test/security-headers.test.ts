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
      'Content-Security-Policy': "frame-ancestors 'none'",
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
  });
});
