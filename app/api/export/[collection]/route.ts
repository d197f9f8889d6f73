import { getDb } from '@/server/db/client';
import { loadOperator } from '@/server/auth/session';
import { clientIp } from '@/server/auth/options';
import { sessionIdentity } from '@/server/trpc/context';
import { exportResponse } from '@/server/export/service';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/export/<collection>?format=csv|json|ndjson&q=<URL-encoded search JSON>&columns=a,b&bom=1 */
async function handleGet(req: Request, ctx: { params: Promise<{ collection: string }> }) {
  const { collection } = await ctx.params;
  let db;
  try {
    db = await getDb();
  } catch (e) {
    return Response.json({ error: { code: 'UNAVAILABLE', message: (e as Error).message } }, { status: 503 });
  }
  const operator = await loadOperator(db, await sessionIdentity());
  return exportResponse(db, operator, collection, new URL(req.url), {
    ip: clientIp(req.headers),
    userAgent: req.headers.get('user-agent'),
    signal: req.signal,
  });
}

export const GET = withRouteMetrics('/api/export/[collection]', handleGet);
