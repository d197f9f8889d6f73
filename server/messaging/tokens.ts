/**
 * Signed tokens for the links in messages (open pixel, click redirect, one-click unsubscribe, the
 * preferences page): base64url(JSON payload) + '.' + base64url(HMAC-SHA256), keyed by MESSAGING_SECRET
 * (or NEXTAUTH_SECRET). Verification is constant-time; any change to payload or signature is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenKind = 'open' | 'click' | 'unsub' | 'prefs';

export interface TokenPayload {
  k: TokenKind;
  /** message id (hex) for open / click / unsub */
  m?: string;
  /** recipient address for unsub / prefs */
  a?: string;
  /** category for unsub */
  c?: string;
  /** target URL for click: only URLs of the rendered message are ever signed */
  u?: string;
}

function secret(): string {
  const s = process.env.MESSAGING_SECRET || process.env.NEXTAUTH_SECRET;
  if (!s) throw new Error('MESSAGING_SECRET or NEXTAUTH_SECRET must be set to sign message links');
  return `acube-messaging:${s}`;
}

function mac(body: string): Buffer {
  return createHmac('sha256', secret()).update(body).digest();
}

export function signToken(p: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(p)).toString('base64url');
  return `${body}.${mac(body).toString('base64url')}`;
}

/** The payload when the token is intact and of the expected kind; null otherwise (the route answers 400). */
export function verifyToken(token: string | null | undefined, kind: TokenKind): TokenPayload | null {
  if (!token || token.length > 4096) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(sig)) return null;
  const want = mac(body);
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  try {
    const p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    if (!p || typeof p !== 'object' || p.k !== kind) return null;
    return p;
  } catch {
    return null;
  }
}

/** Public base URL of the app for links in messages. */
export function appUrl(): string {
  return (process.env.APP_URL || process.env.NEXTAUTH_URL || 'http://localhost:3000').replace(/\/+$/, '');
}
