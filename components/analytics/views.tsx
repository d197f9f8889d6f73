'use client';
import { useState } from 'react';
import Link from 'next/link';
import { recordHref } from '@/components/search/query-state';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { Empty, ErrorBox } from '@/components/ui/states';
import { BarChartBox, LineChartBox, PALETTE } from '@/components/charts/charts';

export interface Filters {
  from: string;
  to: string;
  interval: 'day' | 'week' | 'month';
  event: string | null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => x.toLocaleString('en-US');

function csvHref(view: string, params: Record<string, string | null | undefined>) {
  const q = new URLSearchParams({ view });
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return `/api/analytics/csv?${q}`;
}

function ViewHeader({ title, explain, href }: { title: string; explain: React.ReactNode; href: string }) {
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

function Loading({ what }: { what: string }) {
  return <p className="muted" role="status">Computing {what}…</p>;
}

const rangeOf = (f: Filters) => ({ from: f.from, to: f.to, interval: f.interval, event: f.event });

// ------------------------------------------------------------------ active users

export function ActiveUsersView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.activeUsers.queryOptions(rangeOf(f)), placeholderData: keepPreviousData });
  return (
    <section className="card an-view" data-testid="view-active-users">
      <ViewHeader
        title="Active users"
        href={csvHref('active-users', rangeOf(f))}
        explain={
          <>
            A member is active on a UTC day when they sent at least one {f.event ? <code>{f.event}</code> : 'event'}. Per {f.interval}: distinct active members, mean DAU, WAU and
            MAU (distinct members active in the 7 / 30 days ending on the period&apos;s last day) and stickiness = mean DAU ÷ MAU.
          </>
        }
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="active users" />}
      {q.data && (
        <>
          <LineChartBox
            data={q.data.points}
            x="period"
            percentRight
            series={[
              { key: 'dau', label: 'DAU (mean)' },
              { key: 'wau', label: 'WAU' },
              { key: 'mau', label: 'MAU' },
              { key: 'stickiness', label: 'DAU/MAU', right: true, color: PALETTE[3] },
            ]}
          />
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th>{f.interval} (UTC)</th>
                  <th>Active members</th>
                  <th>DAU (mean)</th>
                  <th>WAU</th>
                  <th>MAU</th>
                  <th>DAU/MAU</th>
                </tr>
              </thead>
              <tbody>
                {q.data.points.map((p) => (
                  <tr key={p.period}>
                    <td>{p.period}</td>
                    <td>{num(p.active)}</td>
                    <td>{p.dau}</td>
                    <td>{num(p.wau)}</td>
                    <td>{num(p.mau)}</td>
                    <td>{pct(p.stickiness)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ retention

function cellStyle(p: number): React.CSSProperties {
  return { background: `rgba(61, 90, 254, ${(0.08 + p * 0.82).toFixed(3)})`, color: p > 0.45 ? '#fff' : undefined };
}

export function RetentionView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<'first_time' | 'recurring'>('first_time');
  const [criterion, setCriterion] = useState<'on' | 'on_or_after'>('on');
  const input = { ...rangeOf(f), mode, criterion };
  const q = useQuery({ ...trpc.analytics.retention.queryOptions(input), placeholderData: keepPreviousData });
  const d = q.data;
  return (
    <section className="card an-view" data-testid="view-retention">
      <ViewHeader
        title="Retention"
        href={csvHref('retention', input)}
        explain={
          <>
            {mode === 'first_time'
              ? 'First time: each member belongs to the cohort of the period they signed up in (UTC).'
              : 'Recurring: every period in which a member was active starts a cohort of them.'}{' '}
            A cell counts cohort members active {criterion === 'on' ? 'in exactly that period' : 'in that period or any later one'}
            {f.event ? <> (with <code>{f.event}</code>)</> : ''}. The weighted average sums counts and sizes over the cohorts that reached the column. Blank cells lie past the range.
          </>
        }
      />
      <div className="toolbar">
        <label>
          Cohorts{' '}
          <select aria-label="Retention mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="first_time">First time (signup)</option>
            <option value="recurring">Recurring</option>
          </select>
        </label>
        <label>
          Returning{' '}
          <select aria-label="Retention criterion" value={criterion} onChange={(e) => setCriterion(e.target.value as typeof criterion)}>
            <option value="on">On the period</option>
            <option value="on_or_after">On or after the period</option>
          </select>
        </label>
      </div>
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="retention" />}
      {d && d.rows.length > 0 && (
        <>
          <LineChartBox
            height={240}
            data={d.average.map((a, k) => ({ k: `${f.interval} ${k}`, pct: a ? Math.round(a.pct * 1000) / 10 : null }))}
            x="k"
            series={[{ key: 'pct', label: 'Weighted average retention (%)' }]}
          />
          <div className="table-scroll">
            <table className="data retention-table" data-testid="retention-table">
              <thead>
                <tr>
                  <th>Cohort (UTC)</th>
                  <th>Members</th>
                  {d.periods.map((k) => (
                    <th key={k}>
                      {f.interval} {k}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr className="avg-row">
                  <td>Weighted average</td>
                  <td>{num(d.rows.reduce((s, r) => s + r.size, 0))}</td>
                  {d.average.map((a, k) => (
                    <td key={k} style={a && a.size ? cellStyle(a.pct) : undefined}>
                      {a && a.size ? pct(a.pct) : ''}
                    </td>
                  ))}
                </tr>
                {d.rows.map((r) => (
                  <tr key={r.cohort}>
                    <td>{r.cohort}</td>
                    <td>{num(r.size)}</td>
                    {r.cells.map((c, k) => (
                      <td key={k} style={c && r.size ? cellStyle(c.pct) : undefined} title={c ? `${num(c.count)} of ${num(r.size)}` : 'past the range'}>
                        {c && r.size ? (
                          <>
                            {pct(c.pct)}
                            <span className="cell-count">{num(c.count)}</span>
                          </>
                        ) : c ? (
                          '–'
                        ) : (
                          ''
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ lifecycle

export function LifecycleView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.lifecycle.queryOptions(rangeOf(f)), placeholderData: keepPreviousData });
  return (
    <section className="card an-view" data-testid="view-lifecycle">
      <ViewHeader
        title="Lifecycle"
        href={csvHref('lifecycle', rangeOf(f))}
        explain="PostHog's definitions, per period: new = active and signed up in the period; returning = active in this and the previous period; resurrecting = active now, not in the previous period, signed up earlier; dormant = active in the previous period but not this one (drawn below zero)."
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="lifecycle" />}
      {q.data && (
        <>
          <BarChartBox
            data={q.data.points}
            x="period"
            series={[
              { key: 'new', label: 'New', stack: 's', color: '#00a676' },
              { key: 'returning', label: 'Returning', stack: 's', color: '#3d5afe' },
              { key: 'resurrecting', label: 'Resurrecting', stack: 's', color: '#f57c00' },
              { key: 'dormant', label: 'Dormant', stack: 's', color: '#c62828' },
            ]}
          />
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th>{f.interval} (UTC)</th>
                  <th>New</th>
                  <th>Returning</th>
                  <th>Resurrecting</th>
                  <th>Dormant</th>
                </tr>
              </thead>
              <tbody>
                {q.data.points.map((p) => (
                  <tr key={p.period}>
                    <td>{p.period}</td>
                    <td>{num(p.new)}</td>
                    <td>{num(p.returning)}</td>
                    <td>{num(p.resurrecting)}</td>
                    <td>{num(p.dormant)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ stickiness

export function StickinessView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.stickiness.queryOptions(rangeOf(f)), placeholderData: keepPreviousData });
  const unit = `${f.interval}s`;
  return (
    <section className="card an-view" data-testid="view-stickiness">
      <ViewHeader
        title="Stickiness"
        href={csvHref('stickiness', rangeOf(f))}
        explain={`How many members were active on exactly 1, 2, … ${q.data?.periodCount ?? 'N'} ${unit} of the range (share of the ${num(q.data?.activeMembers ?? 0)} members active at least once).`}
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="stickiness" />}
      {q.data && q.data.activeMembers === 0 && <Empty>No member was active in this range.</Empty>}
      {q.data && q.data.activeMembers > 0 && (
        <>
          <BarChartBox data={q.data.rows} x="periods" xLabel={`${unit} active`} series={[{ key: 'members', label: 'Members' }]} />
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th>{unit} active</th>
                  <th>Members</th>
                  <th>% of active members</th>
                </tr>
              </thead>
              <tbody>
                {q.data.rows.map((r) => (
                  <tr key={r.periods}>
                    <td>{r.periods}</td>
                    <td>{num(r.members)}</td>
                    <td>{pct(r.pct)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ feature usage

export function FeatureUsageView({ f }: { f: Filters }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.analytics.featureUsage.queryOptions(rangeOf(f)), placeholderData: keepPreviousData });
  const d = q.data;
  return (
    <section className="card an-view" data-testid="view-features">
      <ViewHeader
        title="Feature usage and session frequency"
        href={csvHref('features', rangeOf(f))}
        explain="Events by type per period; bookings (session.booked) per active member; session frequency = mean number of active days per active member in the period."
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="feature usage" />}
      {d && d.names.length === 0 && <Empty>No events in this range.</Empty>}
      {d && d.names.length > 0 && (
        <>
          <BarChartBox
            data={d.series.map((s) => ({ period: s.period, ...s.byName }))}
            x="period"
            series={d.names.map((n) => ({ key: n, label: n, stack: 'e' }))}
          />
          <LineChartBox
            height={220}
            data={d.series}
            x="period"
            series={[
              { key: 'bookingsPerActive', label: 'Bookings per active member' },
              { key: 'activeDaysPerActive', label: 'Active days per active member' },
            ]}
          />
          <h3>Top features</h3>
          <table className="data">
            <thead>
              <tr>
                <th>Event</th>
                <th>Events</th>
                <th>Members</th>
                <th>% of active members</th>
              </tr>
            </thead>
            <tbody>
              {d.top.map((t) => (
                <tr key={t.name}>
                  <td>
                    <code>{t.name}</code>
                  </td>
                  <td>{num(t.events)}</td>
                  <td>{num(t.members)}</td>
                  <td>{pct(t.memberShare)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Per period</h3>
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th>{f.interval} (UTC)</th>
                  <th>Events</th>
                  <th>Active members</th>
                  <th>Bookings / active</th>
                  <th>Events / active</th>
                  <th>Active days / active</th>
                </tr>
              </thead>
              <tbody>
                {d.series.map((s) => (
                  <tr key={s.period}>
                    <td>{s.period}</td>
                    <td>{num(s.total)}</td>
                    <td>{num(s.activeMembers)}</td>
                    <td>{s.bookingsPerActive}</td>
                    <td>{s.eventsPerActive}</td>
                    <td>{s.activeDaysPerActive}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------ at-risk

const AT_RISK_COLUMNS = [
  { key: 'name', label: 'Member' },
  { key: 'score', label: 'Risk score' },
  { key: 'recencyDays', label: 'Days since last active' },
  { key: 'previousDays', label: 'Active days, 30 before' },
  { key: 'recentDays', label: 'Active days, last 30' },
  { key: 'frequency90', label: 'Active days, last 90' },
] as const;

export function AtRiskView({ f, canSeeMembers }: { f: Filters; canSeeMembers: boolean }) {
  const trpc = useTRPC();
  const [sort, setSort] = useState<(typeof AT_RISK_COLUMNS)[number]['key']>('score');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [page, setPage] = useState(1);
  const input = { asOf: f.to, event: f.event, sort, dir, page, pageSize: 50 };
  const q = useQuery({ ...trpc.analytics.atRisk.queryOptions(input), placeholderData: keepPreviousData });
  const d = q.data;
  const pages = d ? Math.max(1, Math.ceil(d.total / d.pageSize)) : 1;
  const onSort = (k: typeof sort) => {
    if (k === sort) setDir(dir === 'asc' ? 'desc' : 'asc');
    else {
      setSort(k);
      setDir(k === 'name' ? 'asc' : 'desc');
    }
    setPage(1);
  };
  return (
    <section className="card an-view" data-testid="view-at-risk">
      <ViewHeader
        title={`At-risk members as of ${f.to} (UTC)`}
        href={csvHref('at-risk', { asOf: f.to, event: f.event, sort, dir })}
        explain={
          <>
            Members who were engaged (at least 2 active days in the 30 days before the last 30) and are now active on fewer days. Score (0–100) = 50 × recency (days since last
            activity, capped at 30, ÷ 30) + 50 × drop (share of the earlier window&apos;s active days missing in the last 30 days). Members scoring 40 or more are listed. The
            reference day is the range&apos;s &quot;To&quot; day.
          </>
        }
      />
      <ErrorBox error={q.error} />
      {q.isPending && <Loading what="risk scores" />}
      {d && d.total === 0 && <Empty>No member is at risk on {f.to}.</Empty>}
      {d && d.total > 0 && (
        <>
          <p className="muted">{num(d.total)} members at risk.</p>
          <div className="table-scroll">
            <table className="data" data-testid="at-risk-table">
              <thead>
                <tr>
                  {AT_RISK_COLUMNS.map((c) => (
                    <th key={c.key}>
                      <button className="th-sort" onClick={() => onSort(c.key)} aria-label={`Sort by ${c.label}`}>
                        {c.label} {sort === c.key ? (dir === 'asc' ? '▲' : '▼') : ''}
                      </button>
                    </th>
                  ))}
                  <th>Last active</th>
                  <th>Email</th>
                  <th>City</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map((r) => (
                  <tr key={r.userId}>
                    <td>{canSeeMembers ? <Link href={recordHref('users', r.userId)} data-testid="at-risk-member">{r.name}</Link> : r.name}</td>
                    <td>
                      <span className={r.score >= 70 ? 'badge bad' : 'badge'}>{r.score}</span>
                    </td>
                    <td>{r.recencyDays}</td>
                    <td>{r.previousDays}</td>
                    <td>{r.recentDays}</td>
                    <td>{r.frequency90}</td>
                    <td>{r.lastActiveDay}</td>
                    <td>{r.email}</td>
                    <td>{r.city}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="toolbar">
            <button className="btn small secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span className="muted">
              Page {page} of {pages}
            </span>
            <button className="btn small secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}
