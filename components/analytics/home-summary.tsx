'use client';
import NextLink from 'next/link';
import { Sparkline } from '@/components/charts/sparkline';
import type { ComponentProps } from 'react';
import { formatNumber, formatPercent } from '@/components/ui/format';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import type { homeSummary } from '@/server/analytics/service';

export type AnalyticsHomeData = Awaited<ReturnType<typeof homeSummary>>;

/** These tiles open an analytics view on click; they are not prefetched with every dashboard view. */
const Link = (props: ComponentProps<typeof NextLink>) => <NextLink prefetch={false} {...props} />;

/** Compact analytics for the dashboard home; the data comes from the dashboard's `analytics` widget. */
export function AnalyticsHomeTiles({ data: d }: { data: AnalyticsHomeData }) {
  const lastDau = d.dau.at(-1)?.dau ?? 0;
  return (
    <section className="an-home" data-testid="analytics-home-summary">
      <div className="tiles">
        <Link className="tile tile-link" href="/analytics?tab=active-users&interval=day" data-testid="tile-dau">
          <div className="tile-label">Daily active members, last 30 days (UTC)</div>
          <div className="tile-value">{formatNumber(lastDau)}</div>
          <Sparkline data={d.dau} dataKey="dau" label="daily active members" />
        </Link>
        <Link className="tile tile-link" href="/analytics?tab=retention&interval=week" data-testid="tile-retention">
          <div className="tile-label">Week-1 retention, cohort {d.cohort?.week ?? '—'}</div>
          <div className="tile-value">{d.cohortPending ? 'computing…' : d.cohort?.week1 && d.cohort.size ? formatPercent(d.cohort.week1.pct) : '—'}</div>
          <div className="muted" data-testid={d.cohortPending ? 'cohort-pending' : undefined}>
            {d.cohortPending
              ? 'the member directory is being built after a start; this fills in when it is ready'
              : d.cohort
                ? `${d.cohort.week1?.count ?? 0} of ${d.cohort.size} members who signed up that week`
                : 'no cohort'}
          </div>
          {d.cohortAsOf && (
            <div className="muted small" data-testid="cohort-as-of">
              <UpdatedAgo at={d.cohortAsOf} prefix="sign-ups as of" /> · catching up…
            </div>
          )}
        </Link>
        <Link className="tile tile-link" href="/analytics?tab=at-risk" data-testid="tile-at-risk">
          <div className="tile-label">At-risk members today</div>
          <div className="tile-value">{formatNumber(d.atRiskCount)}</div>
          <div className="muted">activity falling; see Analytics → At-risk</div>
        </Link>
      </div>
    </section>
  );
}
