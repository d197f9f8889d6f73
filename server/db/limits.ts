/**
 * Time limits for queries the user shapes (issue 17, item 6): maxTimeMS on search rows and counts and on
 * the audit log, so one wide search cannot hold the database for minutes. MongoDB and the embedded FerretDB
 * both stop such a query with MaxTimeMSExpired (code 50); our FerretDB patches make its `count` command
 * honour maxTimeMS too (scripts/ferretdb-patches/acube_maxtime.go).
 */
import { env } from '../env';

export function userQueryMaxMs(): number {
  return env().USER_QUERY_MAX_TIME_MS;
}

export function isTimeLimitError(e: unknown): boolean {
  const x = e as { code?: unknown; codeName?: unknown } | null;
  return !!x && (x.code === 50 || x.codeName === 'MaxTimeMSExpired');
}

export function narrowYourSearch(): string {
  const s = Math.round(userQueryMaxMs() / 100) / 10;
  return `This query ran for more than ${s} s and was stopped. Narrow your search: add a condition on an exact value or a shorter date range, or sort by another column.`;
}
