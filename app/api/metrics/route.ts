/**
 * GET /api/metrics — Prometheus text format (server/metrics/). Needs `Authorization: Bearer $METRICS_TOKEN`
 * (401 otherwise); answers 404 when METRICS_TOKEN is unset. No session: a scraper is not an operator.
 */
import { getDb } from '@/server/db/client';
import { env } from '@/server/env';
import { metricsResponse } from '@/server/metrics/scrape';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return metricsResponse(req, { token: env().METRICS_TOKEN, db: getDb });
}
