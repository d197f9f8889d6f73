/** GET /api/analytics/csv?view=retention&from=…&to=…&interval=… — a view's table as CSV (analytics.read). */
import { analyticsCsv } from '@/server/analytics/csv';
import { csvQuery } from '@/server/analytics/schema';
import { writeAudit } from '@/server/audit/service';
import { defineRoute, jsonError } from '@/server/http/route';
import { ROUTE_SPECS } from '@/server/http/routes';

export const dynamic = 'force-dynamic';

export const GET = defineRoute(ROUTE_SPECS.analyticsCsv, async ({ req, db, operator, ip, userAgent }) => {
  const q = Object.fromEntries(new URL(req.url).searchParams);
  const v = csvQuery.safeParse(q);
  if (!v.success) return jsonError(400, 'BAD_REQUEST', 'Unknown view.');
  const op = operator!;
  const { filename, csv } = await analyticsCsv(db, v.data.view, q, op.role);
  // These files can hold member emails (for roles with personal data): who took which one is audited.
  await writeAudit(db, {
    actor: { id: op.admin._id.toHexString(), email: op.admin.email, role: op.role.key },
    action: 'analytics.csv',
    target: { type: 'analytics', id: v.data.view, label: filename },
    input: q,
    result: 'success',
    ip,
    userAgent,
  });
  return new Response(csv, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
  });
});
