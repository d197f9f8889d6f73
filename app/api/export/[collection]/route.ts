import { exportResponse } from '@/server/export/service';
import { defineRoute } from '@/server/http/route';
import { ROUTE_SPECS } from '@/server/http/routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/export/<collection>?format=csv|json|ndjson&q=<URL-encoded search JSON>&columns=a,b&bom=1 */
export const GET = defineRoute<{ collection: string }>(ROUTE_SPECS.export, ({ req, db, operator, params, ip, userAgent }) =>
  exportResponse(db, operator, params.collection, new URL(req.url), { ip, userAgent, signal: req.signal }),
);
