/**
 * GET /api/ready — readiness: 200 {"status":"ok","checks":{...}} when the database answers a ping within
 * 1.5 s and start-up work (indexes, the member directory snapshot) is done, else 503 {"status":"unavailable","checks":{...}} naming the
 * failed check (server/ops/readiness.ts). No session needed; the result is reused for 500 ms.
 */
import { getDb, mongoClient } from '@/server/db/client';
import { memberDirectoryWarm } from '@/server/analytics/members';
import { env } from '@/server/env';
import { readinessProbe } from '@/server/ops/readiness';

export const dynamic = 'force-dynamic';

const g = globalThis as unknown as { __acubeReadiness?: ReturnType<typeof readinessProbe> };
const probe = (g.__acubeReadiness ??= readinessProbe({
  ping: () => mongoClient().db(env().MONGODB_DB).command({ ping: 1 }),
  // Indexes, then the analytics member directory's stored snapshot loaded (a few reads) or found unusable:
  // never the ~25 s scan that replaces an unusable one (server/analytics/members.ts).
  startup: async () => memberDirectoryWarm(await getDb()),
}));

export async function GET() {
  const r = await probe();
  return Response.json(r.body, { status: r.httpStatus, headers: { 'Cache-Control': 'no-store' } });
}
