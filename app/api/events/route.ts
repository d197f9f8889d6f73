/**
 * POST /api/events — the A-Cube platform sends member activity here.
 * Authorization: Bearer <API key> (created by a super admin in Analytics → API keys).
 * Body: {"events": [{eventId, userId, name, ts, source?, props?}, ...]} (1..500 events).
 * Answers 200 {received, accepted, duplicates, rejected: [{index, eventId, reasons}]}:
 * bad events are rejected one by one, the good ones are stored; resending is harmless. The analytics
 * rollups take the stored events from a queue a moment later (server/analytics/queue.ts).
 */
import { getDb } from '@/server/db/client';
import { AppError, HTTP_STATUS } from '@/server/errors';
import { ingestEvents } from '@/server/analytics/ingest';
import { verifyApiKey } from '@/server/analytics/keys';
import { scheduleDrain } from '@/server/analytics/queue';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';
const MAX_BODY = 4 * 1024 * 1024;

const json = (status: number, body: unknown) => Response.json(body, { status });

async function handlePost(req: Request) {
  let db;
  try {
    db = await getDb();
  } catch {
    return json(503, { error: 'The database is unreachable.' });
  }
  const key = await verifyApiKey(db, req.headers.get('authorization'));
  if (!key) return json(401, { error: 'Missing, unknown or revoked API key. Send "Authorization: Bearer <key>".' });
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY) return json(413, { error: `The body is limited to ${MAX_BODY} bytes.` });
  const text = await req.text();
  if (text.length > MAX_BODY) return json(413, { error: `The body is limited to ${MAX_BODY} bytes.` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json(400, { error: 'The body is not valid JSON.' });
  }
  const events = Array.isArray(body) ? body : (body as { events?: unknown } | null)?.events;
  try {
    const result = await ingestEvents(db, events, { rollup: 'queue' });
    if (result.accepted) scheduleDrain(db);
    return json(200, result);
  } catch (e) {
    if (e instanceof AppError) return json(HTTP_STATUS[e.code], { error: e.message });
    console.error('[api/events]', e);
    return json(500, { error: 'Something went wrong on the server. It has been logged.' });
  }
}

export const POST = withRouteMetrics('/api/events', handlePost);
