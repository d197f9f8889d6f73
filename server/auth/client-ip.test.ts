import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_IP_HEADER, clientIp, installClientIpHook, resolveClientIp, trustProxyHops } from './client-ip';
import { emailDelayMs, SIGNIN_LIMITS } from './rate-limit';

describe('resolveClientIp', () => {
  it('with no trusted proxy, ignores X-Forwarded-For and takes the socket address', () => {
    expect(resolveClientIp('203.0.113.9', '1.2.3.4', 0)).toBe('203.0.113.9');
    expect(resolveClientIp('::ffff:127.0.0.1', '1.2.3.4, 5.6.7.8', 0)).toBe('127.0.0.1');
    expect(resolveClientIp(undefined, '1.2.3.4', 0)).toBe('unknown');
  });
  it('with N hops, takes the Nth entry from the right of X-Forwarded-For', () => {
    const xff = 'forged-by-client, 198.51.100.7, 10.0.0.2';
    expect(resolveClientIp('10.0.0.1', xff, 1)).toBe('10.0.0.2');
    expect(resolveClientIp('10.0.0.1', xff, 2)).toBe('198.51.100.7');
    // fewer entries than hops: the leftmost; garbage is not an address
    expect(resolveClientIp('10.0.0.1', '198.51.100.7', 3)).toBe('198.51.100.7');
    expect(resolveClientIp('10.0.0.1', xff, 3)).toBe('unknown');
    expect(resolveClientIp('10.0.0.1', ['1.1.1.1', '2.2.2.2'], 1)).toBe('2.2.2.2');
    expect(resolveClientIp('10.0.0.1', null, 1)).toBe('10.0.0.1');
  });
  it('TRUST_PROXY must be a small whole number', () => {
    expect(trustProxyHops(undefined)).toBe(0);
    expect(trustProxyHops('2')).toBe(2);
    expect(() => trustProxyHops('true')).toThrow(/TRUST_PROXY/);
    expect(() => trustProxyHops('-1')).toThrow(/TRUST_PROXY/);
  });
});

describe('per-email slow-down', () => {
  it('is free up to the threshold, then doubles up to a ceiling', () => {
    const f = SIGNIN_LIMITS.perEmail.freeFailures;
    expect(emailDelayMs(f - 1)).toBe(0);
    expect(emailDelayMs(f)).toBe(SIGNIN_LIMITS.perEmail.baseDelayMs);
    expect(emailDelayMs(f + 1)).toBe(2 * SIGNIN_LIMITS.perEmail.baseDelayMs);
    expect(emailDelayMs(f + 1000)).toBe(SIGNIN_LIMITS.perEmail.maxDelayMs);
  });
});

describe('client-address hook on a real HTTP server', () => {
  const seen: Array<{ header: string | undefined; ip: string }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ header: req.headers[CLIENT_IP_HEADER] as string | undefined, ip: clientIp(req.headers) });
    res.end('ok');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('replaces a forged X-Forwarded-For and a forged x-acube-client-ip with the socket address', async () => {
    // Before the hook, a client-chosen X-Forwarded-For is not believed either (no trusted proxy).
    expect(clientIp({ 'x-forwarded-for': '6.6.6.6' })).toBe('unknown');
    installClientIpHook(0);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-forwarded-for': '6.6.6.6', [CLIENT_IP_HEADER]: '7.7.7.7' } });
    expect(await res.text()).toBe('ok');
    expect(seen).toEqual([{ header: '127.0.0.1', ip: '127.0.0.1' }]);
  });
});
