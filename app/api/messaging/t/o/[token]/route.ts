/** GET /api/messaging/t/o/<token> — the open pixel: a 1×1 transparent GIF; 400 for a tampered token. */
import { z } from 'zod';
import { getDb } from '@/server/db/client';
import { recordOpen } from '@/server/messaging/tracking';

export const dynamic = 'force-dynamic';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const Params = z.object({ token: z.string().min(10).max(4096) });

export async function GET(_req: Request, ctx: { params: Promise<{ token: string }> }) {
  const p = Params.safeParse(await ctx.params);
  if (!p.success) return new Response('Bad token', { status: 400 });
  const db = await getDb().catch(() => null);
  if (!db) return new Response('Unavailable', { status: 503 });
  if (!(await recordOpen(db, p.data.token))) return new Response('Bad token', { status: 400 });
  return new Response(new Uint8Array(GIF), { headers: { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, private' } });
}
