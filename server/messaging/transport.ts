/**
 * SMTP delivery through nodemailer (a pooled transport per SMTP_URL), and the classification of its
 * errors: 5xx is permanent (a hard bounce when the recipient was refused), 4xx and connection errors
 * are temporary (retried with backoff).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { buildRaw } from './mime';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export type SendOutcome = { ok: true; response: string } | { ok: false; permanent: boolean; hardBounce: boolean; error: string };

export function smtpUrl(): string {
  const u = process.env.SMTP_URL;
  if (!u) throw new Error('SMTP_URL is not set: `npm start` starts the embedded Mailpit and sets it; in production set it to your provider.');
  return u;
}

export function mailFrom(): string {
  return process.env.MAIL_FROM || 'A-Cube <no-reply@acube.local>';
}

/**
 * Pooled SMTP connections: SMTP_MAX_CONNECTIONS, else 8 for a provider (providers cap concurrent
 * connections) and 32 for the embedded Mailpit (MAILPIT_API is set exactly when `npm start` / `npm test`
 * run it). Mailpit answers each message ~50 ms after its data whatever its CPU (not pipelined; measured with
 * scripts/bench/mailpit-smtp.ts: 2 connections 41 msg/s, 8 → 131, 16 → 225), so the rate is connections ÷
 * latency until the CPU is the limit: campaigns of 2,000–3,000 members went 104 msg/s (8) → 115 (16) → 177 (32).
 */
export function smtpConnections(): number {
  return Number(process.env.SMTP_MAX_CONNECTIONS || (process.env.MAILPIT_API ? 32 : 8));
}

const g = globalThis as unknown as { __acubeSmtp?: Map<string, Transporter> };
const pools = (g.__acubeSmtp ??= new Map());

export function transporter(url = smtpUrl()): Transporter {
  let t = pools.get(url);
  if (!t) {
    // The URL is parsed here and merged: given `{ url, pool, … }`, nodemailer reads the URL alone and drops
    // every other option, so the "pool" was one connection per message (measured: 400 connects for 400
    // messages) and the timeouts were the defaults. URL query options (?tls.rejectUnauthorized=…) still apply.
    t = nodemailer.createTransport({
      ...parseConnectionUrl(url),
      pool: true,
      maxConnections: smtpConnections(),
      // a connection is replaced after this many messages (providers cap messages per connection)
      maxMessages: Number(process.env.SMTP_MAX_MESSAGES || 1_000),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    pools.set(url, t);
  }
  return t;
}

/** Closes the pooled connections (tests, benchmarks, shutdown). */
export function closeTransports(): void {
  for (const t of pools.values()) t.close();
  pools.clear();
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

export function classifySmtpError(e: unknown): Extract<SendOutcome, { ok: false }> {
  const err = (e ?? {}) as SmtpError;
  const rc = typeof err.responseCode === 'number' ? err.responseCode : null;
  const error = `${rc ? `${rc} ` : ''}${err.response || err.message || String(e)}`.slice(0, 500);
  if (rc !== null && rc >= 500 && rc < 600) {
    // refused at RCPT TO (or a 55x "mailbox unavailable / no such user"): the address is bad, suppress it
    const hardBounce = /RCPT/i.test(err.command ?? '') || ([550, 551, 553].includes(rc) && !/MAIL FROM/i.test(err.command ?? ''));
    return { ok: false, permanent: true, hardBounce, error };
  }
  return { ok: false, permanent: false, hardBounce: false, error };
}

/**
 * Sends one message. The message is built in one pass (mime.ts) and sent as is: nodemailer's MIME tree and
 * its per-part stream transforms were ~2 ms of the app's ~4.5 ms per message. It is built here, before
 * anything is awaited, into one Buffer (the bytes nodemailer would make of the string when it streams it):
 * the message's strings — HTML, text part, the MIME source — are garbage before the message waits for a
 * pooled connection and the server's reply (~0.2 s with 64 in flight), instead of living through it and
 * being promoted to V8's old space. Measured over a 100,000 campaign (docs/benchmarks.md, messaging round 6):
 * promoted per message sent ~37 KB before, ~24–28 KB after; the heap's sampled peak +86 → +31–34 MB.
 * The caller should drop its own reference to `mail` once this returns.
 */
export function sendMail(mail: OutgoingMail, url?: string): Promise<SendOutcome> {
  let built: { raw: Buffer; envelope: { from: string; to: string[] } };
  try {
    const { raw, envelope } = buildRaw(mail);
    built = { raw: Buffer.from(raw, 'utf8'), envelope };
  } catch (e) {
    return Promise.resolve(classifySmtpError(e));
  }
  return deliver(built, url);
}

async function deliver(built: { raw: Buffer; envelope: { from: string; to: string[] } }, url?: string): Promise<SendOutcome> {
  try {
    const info = await transporter(url).sendMail(built);
    return { ok: true, response: String(info.response ?? '') };
  } catch (e) {
    return classifySmtpError(e);
  }
}

/**
 * After a crash, a message found mid-send may or may not have been accepted. When the SMTP server is
 * the embedded Mailpit (MAILPIT_API set by `npm start` / `npm test`), ask it: a message whose
 * Message-ID it holds is marked sent instead of being sent again. Against another SMTP server this
 * answers null (unknown) and the message is sent again with the same Message-ID and idempotency
 * header, which receivers use to drop the copy (README: Messaging, exactly once).
 */
export async function wasDelivered(messageId: string): Promise<boolean | null> {
  const api = process.env.MAILPIT_API;
  if (!api) return null;
  try {
    const r = await fetch(`${api.replace(/\/+$/, '')}/api/v1/search?limit=1&query=${encodeURIComponent(`message-id:"${messageId}"`)}`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!r.ok) return null;
    const body = (await r.json()) as { messages_count?: number; messages?: unknown[] };
    return (body.messages?.length ?? 0) > 0;
  } catch {
    return null;
  }
}
