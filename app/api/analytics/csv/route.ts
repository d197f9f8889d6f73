/** GET /api/analytics/csv?view=retention&from=…&to=…&interval=… — a view's table as CSV (analytics.read). */
import { getDb } from '@/server/db/client';
import { loadOperator } from '@/server/auth/session';
import { sessionIdentity } from '@/server/trpc/context';
import { can } from '@/server/permissions';
import { AppError, HTTP_STATUS } from '@/server/errors';
import { analyticsCsv } from '@/server/analytics/csv';
import { csvQuery } from '@/server/analytics/schema';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';

async function handleGet(req: Request) {
  let db;
  try {
    db = await getDb();
  } catch {
    return Response.json({ error: 'The database is unreachable.' }, { status: 503 });
  }
  const operator = await loadOperator(db, await sessionIdentity());
  if (!operator) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  if (!can(operator.role, 'analytics.read')) return Response.json({ error: 'Your role cannot read analytics.' }, { status: 403 });
  const q = Object.fromEntries(new URL(req.url).searchParams);
  const v = csvQuery.safeParse(q);
  if (!v.success) return Response.json({ error: 'Unknown view.' }, { status: 400 });
  try {
    const { filename, csv } = await analyticsCsv(db, v.data.view, q, operator.role);
    return new Response(csv, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
    });
  } catch (e) {
    if (e instanceof AppError) return Response.json({ error: e.message }, { status: HTTP_STATUS[e.code] });
    console.error('[api/analytics/csv]', e);
    return Response.json({ error: 'Something went wrong on the server. It has been logged.' }, { status: 500 });
  }
}

export const GET = withRouteMetrics('/api/analytics/csv', handleGet);
