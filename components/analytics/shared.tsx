'use client';
import type { ReactNode } from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import { UpdatedAgo } from '@/components/ui/updated-ago';

export interface Filters {
  from: string;
  to: string;
  interval: 'day' | 'week' | 'month';
  event: string | null;
}

export const rangeOf = (f: Filters) => ({ from: f.from, to: f.to, interval: f.interval, event: f.event });

export function csvHref(view: string, params: Record<string, string | null | undefined>) {
  const q = new URLSearchParams({ view });
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return `/api/analytics/csv?${q}`;
}

/**
 * placeholderData that keeps the previous result only while the interval is the same: rows of weeks never sit
 * under a "day" header while the new data loads (the table shows a skeleton instead).
 */
export function keepWhileSameInterval<T>(interval: string) {
  return (prev: T | undefined, prevQuery: { queryKey: readonly unknown[] } | undefined): T | undefined => {
    const key = prevQuery?.queryKey[1] as { input?: { interval?: string } } | undefined;
    return key?.input?.interval === interval ? prev : undefined;
  };
}

export function ViewHeader({ title, explain, href }: { title: string; explain: ReactNode; href: string }) {
  return (
    <div className="an-head">
      <div>
        <h2>{title}</h2>
        <p className="muted an-explain">{explain}</p>
      </div>
      <a className="btn secondary small" href={href} download data-testid="csv-download">
        Download CSV
      </a>
    </div>
  );
}

/** The period cell of a table: its key, and "incomplete" while the period is not over. */
export function PeriodCell({ period, incomplete }: { period: string; incomplete: boolean }) {
  return (
    <>
      {period}
      {incomplete ? (
        <>
          {' '}
          <StatusBadge status="incomplete" tone="warn" title="This period is not over yet (or runs past the range): its numbers are partial." />
        </>
      ) : null}
    </>
  );
}

export const intervalLabel = (i: Filters['interval']) => (i === 'day' ? 'Day' : i === 'week' ? 'Week' : 'Month');

/** While a fresh server answers from its stored member directory and catches up (sign-up cohorts may lack the newest members). */
export function SignupsAsOf({ asOf }: { asOf: Date | string | null | undefined }) {
  if (!asOf) return null;
  return (
    <p className="muted small" role="status" data-testid="signups-as-of">
      Sign-ups <UpdatedAgo at={asOf} prefix="as of" />: the server has just started and is catching up; these figures refresh when it has.
    </p>
  );
}

/** Polls a result computed from a member directory that was still catching up, until it is not. */
export const refetchWhileCatchingUp = (q: { state: { data?: { signupsAsOf?: unknown } | undefined } }) => (q.state.data?.signupsAsOf ? 5_000 : false);
