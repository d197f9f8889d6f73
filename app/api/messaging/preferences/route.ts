/**
 * GET  /api/messaging/preferences?token=…[&unsubscribe=<category>] — the public preferences page, reached
 *      by the signed link in every email (no session). 400 for a tampered token.
 * POST /api/messaging/preferences?token=… — saves the form (each change recorded as consent), then 303 back.
 */
import { z } from 'zod';
import { getDb } from '@/server/db/client';
import { clientIp } from '@/server/auth/client-ip';
import { verifyToken } from '@/server/messaging/tokens';
import { getPreferences, setPreferences } from '@/server/messaging/preferences';
import { page, preferencesPage } from '@/server/messaging/pages';
import { OPTIONAL_CATEGORIES, type Category } from '@/server/messaging/model';

export const dynamic = 'force-dynamic';
const Query = z.object({
  token: z.string().min(10).max(4096),
  unsubscribe: z.enum(OPTIONAL_CATEGORIES).optional(),
  saved: z.literal('1').optional(),
});

function parse(req: Request) {
  const u = new URL(req.url);
  const q = Query.safeParse(Object.fromEntries(u.searchParams));
  if (!q.success) return null;
  const p = verifyToken(q.data.token, 'prefs');
  if (!p?.a) return null;
  return { q: q.data, address: p.a };
}

const bad = () => page('Link not valid', '<p>This link is not valid. Use the link in your most recent email.</p>', 400);

export async function GET(req: Request) {
  const r = parse(req);
  if (!r) return bad();
  const db = await getDb().catch(() => null);
  if (!db) return page('Unavailable', '<p>Please try again in a minute.</p>', 503);
  const view = await getPreferences(db, r.address);
  return preferencesPage(view, `/api/messaging/preferences?token=${encodeURIComponent(r.q.token)}`, {
    saved: r.q.saved === '1',
    unsubscribe: r.q.unsubscribe ?? null,
  });
}

export async function POST(req: Request) {
  const r = parse(req);
  if (!r) return bad();
  const text = (await req.text()).slice(0, 10_000);
  const form = new URLSearchParams(text);
  if (form.get('_form') !== '1') return page('Link not valid', '<p>Unexpected form.</p>', 400);
  const changes: Partial<Record<Category, boolean>> = {};
  for (const c of OPTIONAL_CATEGORIES) changes[c] = form.get(c) === 'on';
  const db = await getDb().catch(() => null);
  if (!db) return page('Unavailable', '<p>Please try again in a minute.</p>', 503);
  await setPreferences(db, r.address, changes, 'preferences_page', clientIp(req.headers));
  return new Response(null, {
    status: 303,
    headers: { Location: `/api/messaging/preferences?token=${encodeURIComponent(r.q.token)}&saved=1`, 'Cache-Control': 'no-store' },
  });
}
