/**
 * POST /api/messaging/unsubscribe?token=… — RFC 8058 one-click unsubscribe (the target of the
 * List-Unsubscribe header; mail clients POST "List-Unsubscribe=One-Click"). No session, no cookie, no
 * redirect: 200 when done, 400 for a tampered token. Idempotent.
 * GET shows a page with a button (a GET never unsubscribes: link scanners prefetch GETs).
 */
import { z } from 'zod';
import { getDb } from '@/server/db/client';
import { clientIp } from '@/server/auth/client-ip';
import { verifyToken } from '@/server/messaging/tokens';
import { oneClickUnsubscribe } from '@/server/messaging/preferences';
import { esc, page } from '@/server/messaging/pages';

export const dynamic = 'force-dynamic';
const Query = z.object({ token: z.string().min(10).max(4096) });

function payload(req: Request) {
  const q = Query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return null;
  const p = verifyToken(q.data.token, 'unsub');
  return p ? { token: q.data.token, p } : null;
}

export async function POST(req: Request) {
  const r = payload(req);
  if (!r) return new Response('This unsubscribe link is not valid.', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const db = await getDb().catch(() => null);
  if (!db) return new Response('Unavailable', { status: 503 });
  await oneClickUnsubscribe(db, r.p, clientIp(req.headers));
  return page('Unsubscribed', `<p class="ok" role="status">${esc(r.p.a ?? '')} will no longer receive ${esc(r.p.c ?? '')} emails.</p>`);
}

export async function GET(req: Request) {
  const r = payload(req);
  if (!r) return page('Link not valid', '<p>This unsubscribe link is not valid.</p>', 400);
  return page(
    'Unsubscribe',
    `<form method="post" action="/api/messaging/unsubscribe?token=${esc(encodeURIComponent(r.token))}"><p>Stop ${esc(r.p.c ?? '')} emails to ${esc(r.p.a ?? '')}?</p><p><button type="submit">Unsubscribe</button></p></form>`,
  );
}
