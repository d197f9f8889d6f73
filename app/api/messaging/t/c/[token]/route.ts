/**
 * GET /api/messaging/t/c/<token> — a tracked link: records the click and redirects (302) to the URL the
 * token signs, which was in the rendered message. Tampered or foreign tokens: 400, no redirect.
 */
import { z } from 'zod';
import { getDb } from '@/server/db/client';
import { recordClick } from '@/server/messaging/tracking';

export const dynamic = 'force-dynamic';
const Params = z.object({ token: z.string().min(10).max(4096) });

export async function GET(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const p = Params.safeParse(await ctx.params);
  if (!p.success) return new Response('Bad link', { status: 400 });
  const db = await getDb().catch(() => null);
  if (!db) return new Response('Unavailable', { status: 503 });
  const url = await recordClick(db, p.data.token);
  if (!url) return new Response('This link is not valid.', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(null, { status: 302, headers: { Location: url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
}
