/**
 * The client's IP address, as far as it can be trusted (sign-in rate limits, audit log).
 *
 * X-Forwarded-For is written by whoever sends the request, so it is believed only as far as the
 * operator says there are proxies in front of the app: `TRUST_PROXY` = the number of proxy hops
 * (default 0). With 0 the address is the TCP peer's (the socket); with N it is the Nth entry from the
 * right of X-Forwarded-For (each trusted proxy appends the address it received the request from), or
 * the leftmost entry when there are fewer.
 *
 * Route handlers of the App Router never see the socket, and Next.js fills X-Forwarded-For with the
 * socket address only when the client did not send one. So `installClientIpHook()` (called from
 * `instrumentation.ts`, in the same process as the HTTP server) resolves the address from the socket
 * before Next.js handles the request and writes it into `x-acube-client-ip`, replacing anything the
 * client sent under that name; `clientIp()` reads it. Without the hook (not a Node.js server of ours)
 * the address is `unknown` unless TRUST_PROXY says X-Forwarded-For can be believed.
 */
import http from 'node:http';
import https from 'node:https';

export const CLIENT_IP_HEADER = 'x-acube-client-ip';

const HOOK = Symbol.for('acube.clientIpHook');
type HookState = { installed: boolean };
const state = ((globalThis as Record<symbol, unknown>)[HOOK] ??= { installed: false }) as HookState;

/** TRUST_PROXY: a whole number of proxy hops, 0 (default) to believe none. */
export function trustProxyHops(value = process.env.TRUST_PROXY): number {
  if (value === undefined || value.trim() === '') return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new Error(`TRUST_PROXY must be a whole number of proxy hops (0–20), not "${value}"`);
  return n;
}

function normalize(ip: string | null | undefined): string | null {
  if (!ip) return null;
  let s = ip.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  if (s.toLowerCase().startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(s)) return null; // only IPv4 / IPv6 text; anything else is not an address
  return s;
}

/** The client address from the socket peer and X-Forwarded-For, believing `hops` proxies. */
export function resolveClientIp(socketIp: string | null | undefined, forwardedFor: string | string[] | null | undefined, hops: number): string {
  if (hops > 0) {
    const raw = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
    const chain = raw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (chain.length > 0) return normalize(chain[Math.max(0, chain.length - hops)]) ?? 'unknown';
  }
  return normalize(socketIp) ?? 'unknown';
}

/** Resolve the client address from the socket of every incoming HTTP request of this process. */
export function installClientIpHook(hops = trustProxyHops()): void {
  if (state.installed) return;
  state.installed = true;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function patchedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') {
        const req = args[0] as http.IncomingMessage;
        req.headers[CLIENT_IP_HEADER] = resolveClientIp(req.socket?.remoteAddress, req.headers['x-forwarded-for'], hops);
      }
      return emit.call(this, event, ...args);
    } as typeof Server.prototype.emit;
  }
}

export function clientIpHookInstalled(): boolean {
  return state.installed;
}

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** The client address of a request's headers (see the top of this file). */
export function clientIp(headers: unknown): string {
  if (state.installed) return headerOf(headers, CLIENT_IP_HEADER) ?? 'unknown';
  return resolveClientIp(null, headerOf(headers, 'x-forwarded-for'), trustProxyHops());
}
