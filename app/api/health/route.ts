/**
 * GET /api/health — liveness: 200 {"status":"ok"} while the process serves requests. No database call,
 * no session, nothing about the configuration (readiness, with the database, is GET /api/ready).
 */
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
