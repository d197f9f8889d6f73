/**
 * POST /api/events — the A-Cube platform sends member activity here.
 * Authorization: Bearer <API key> (created by a super admin in Analytics → API keys).
 * Body: {"events": [{eventId, userId, name, ts, source?, props?}, ...]} (1..500 events).
 * Answers 200 {received, accepted, duplicates, rejected: [{index, eventId, reasons}]}:
 * bad events are rejected one by one, the good ones are stored; resending is harmless. The analytics
 * rollups take the stored events from a queue a moment later (server/analytics/queue.ts).
 */
import { ingestEvents } from '@/server/analytics/ingest';
import { scheduleDrain } from '@/server/analytics/queue';
import { defineRoute, jsonError } from '@/server/http/route';
import { registerNodeRoute } from '@/server/http/node-route';
import { ROUTE_SPECS } from '@/server/http/routes';

export const dynamic = 'force-dynamic';
const MAX_BODY = 4 * 1024 * 1024;

// Domain errors from ingestEvents (a bad batch) become { error: { code, message } } in defineRoute.
export const POST = defineRoute(ROUTE_SPECS.events, async ({ req, db }) => {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY) return jsonError(413, 'PAYLOAD_TOO_LARGE', `The body is limited to ${MAX_BODY} bytes.`);
  const text = await req.text();
  if (text.length > MAX_BODY) return jsonError(413, 'PAYLOAD_TOO_LARGE', `The body is limited to ${MAX_BODY} bytes.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, 'BAD_REQUEST', 'The body is not valid JSON.');
  }
  const events = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  const result = await ingestEvents(db, events, { rollup: 'queue' });
  if (result.accepted) scheduleDrain(db);
  return Response.json(result);
});

// scripts/serve.mjs serves POST /api/events through this module's instance without Next.js's request
// handling (server/http/node-route.ts); `next start` and the first request take the route above as before.
registerNodeRoute(ROUTE_SPECS.events.route, ROUTE_SPECS.events.method, POST);
