'use client';
import NextLink from 'next/link';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { formatBytes, formatDate, formatNumber } from '@/components/ui/format';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tile } from '@/components/ui/tile';
import type { ComponentProps, ReactNode } from 'react';
import type { WidgetKey, WidgetResult } from '@/server/dashboard/widgets';
import { AnalyticsHomeTiles } from '@/components/analytics/home-summary';
import { recordHref, searchHref } from '@/components/search/query-state';
import { targetHref } from '@/components/audit/target-href';

/**
 * Links inside tiles open on click and are not prefetched: a dashboard view prefetched every one in sight (searches,
 * moderation items, records: ~18 server renders per view, 10–110 ms each, while the tiles were loading).
 */
function Link(props: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={false} {...props} />;
}

/** The search behind a number (null: the role cannot search that collection, so no link). */
const drillHref = (d: Parameters<typeof searchHref>[0] | null | undefined) => (d ? searchHref(d) : undefined);

type DataFor<K extends WidgetKey> = Extract<WidgetResult, { key: K; ok: true }>['data'];
const n = (x: number) => formatNumber(x);
const when = (d: Date | string | null) => formatDate(d);

/** One renderer per widget key (see server/dashboard/widgets.ts for how to add a widget). */
const RENDERERS: { [K in WidgetKey]: (data: DataFor<K>) => ReactNode } = {
  counts: (data) =>
    data.length === 0 ? (
      <p className="muted">Your role cannot read any platform collection.</p>
    ) : (
      <div className="tiles" data-testid="count-tiles">
        {data.map((c) => (
          <Tile key={c.key} label={c.label} value={n(c.count)} href={drillHref(c.drill)} testId={`tile-${c.key}`} />
        ))}
      </div>
    ),
  systemStatus: (d) => (
    <dl className="kv">
      <dt>Database ping</dt>
      <dd>{d.pingMs} ms</dd>
      <dt>Server</dt>
      <dd>{d.ferretdbVersion ? `FerretDB ${d.ferretdbVersion} (speaks MongoDB ${d.serverVersion})` : `MongoDB ${d.serverVersion}`}</dd>
      <dt>Node.js</dt>
      <dd>{d.node}</dd>
      <dt>Uptime</dt>
      <dd>{Math.round(d.uptimeSeconds / 60)} min</dd>
      <dt>Documents</dt>
      <dd>
        <details>
          <summary>
            {n(d.collections.reduce((s, c) => s + c.count, 0))} in {d.collections.length} collections
          </summary>
          <table className="data compact">
            <caption className="visually-hidden">Documents per collection</caption>
            <tbody>
              {d.collections.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td className="num">{n(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </dd>
    </dl>
  ),
  adminActivity: (d) => (
    <div>
      <p className="muted">
        Last 24 h: {n(d.last24h.success ?? 0)} succeeded · {n(d.last24h.failure ?? 0)} failed · {n(d.last24h.denied ?? 0)} denied
      </p>
      {d.recent.length === 0 ? (
        <p className="muted">No admin actions recorded yet.</p>
      ) : (
        <ul className="feed">
          {d.recent.map((e) => (
            <li key={e.id}>
              <StatusBadge status={e.result} /> <code>{e.action}</code>{' '}
              {e.target && <span>→ {targetHref(e.targetRef) ? <Link href={targetHref(e.targetRef)!}>{e.target}</Link> : e.target}</span>}
              <div className="muted small">
                {e.actor ?? 'anonymous'} · {when(e.at)}
              </div>
            </li>
          ))}
        </ul>
      )}
      <Link href="/audit">Open the audit log →</Link>
    </div>
  ),
  pendingActions: (d) => (
    <div className="tiles">
      {d.map((p) => (
        <Tile key={p.key} label={p.label} value={n(p.count)} href={p.href} testId={`pending-${p.key}`} />
      ))}
    </div>
  ),
  moderationQueues: (d) => (
    <div className="queues">
      {(
        [
          ['Contact messages (new / in progress)', d.contacts],
          ['Volunteer applications', d.volunteers],
        ] as const
      ).map(([label, q]) => (
        <div key={label}>
          <h4>
            <Link href={label.startsWith('Contact') ? '/moderation?kind=contacts&view=new' : '/moderation?kind=volunteers&view=applied'}>
              {label}: {n(q.count)}
            </Link>
          </h4>
          {q.items.length === 0 ? (
            <p className="muted">Queue is empty.</p>
          ) : (
            <ul className="feed">
              {q.items.map((i) => (
                <li key={i.id}>
                  <Link href={`/moderation?kind=${label.startsWith('Contact') ? 'contacts' : 'volunteers'}&view=${i.status}&item=${i.id}`}>{i.title}</Link>{' '}
                  <span className="muted">{i.sub}</span>
                  <div className="muted small">
                    {i.status} · since {when(i.createdAt)}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
    </div>
  ),
  analytics: (d) => <AnalyticsHomeTiles data={d} />,
  backupHealth: (d) => (
    <div data-testid="backup-health">
      {d.lastFailure && (!d.lastSuccess || new Date(d.lastFailure) > new Date(d.lastSuccess)) && (
        <p className="badge tone-bad">The last backup failed ({when(d.lastFailure)})</p>
      )}
      <dl className="kv">
        <dt>Last success</dt>
        <dd>{d.lastSuccess ? when(d.lastSuccess) : <StatusBadge status="never" />}</dd>
        <dt>Newest verified</dt>
        <dd>{d.newestVerified ? when(d.newestVerified) : <StatusBadge status="none verified" tone="bad" />}</dd>
        <dt>Next scheduled</dt>
        <dd>{d.nextScheduledRun ? when(d.nextScheduledRun) : 'no schedule'}</dd>
        <dt>Backups kept</dt>
        <dd>
          {n(d.count)} · {formatBytes(d.storageUsedBytes)}
        </dd>
      </dl>
      <Link href="/backups">Open backups →</Link>
    </div>
  ),
  dataQuality: (d) => {
    if (!d.computedAt)
      return (
        <div data-testid="data-quality">
          <p className="muted" data-testid="data-quality-never">
            Not computed yet. The maintenance job &ldquo;Data-quality summary&rdquo; computes it every six hours; an operator who may run maintenance can run it
            now on the <Link href="/system">System page</Link>.
          </p>
          <Link href="/exports">Check a collection now →</Link>
        </div>
      );
    const bad = d.rows.filter((c) => c.problems > 0);
    return (
      <div data-testid="data-quality">
        {bad.length === 0 ? (
          <p className="badge tone-ok">No problems found in {d.rows.length} collections.</p>
        ) : (
          <table className="data compact">
            <thead>
              <tr>
                <th>Collection</th>
                <th>Problems</th>
                <th>Safely fixable</th>
              </tr>
            </thead>
            <tbody>
              {bad.map((c) => (
                <tr key={c.collection}>
                  <td>{c.label}</td>
                  <td className="num">{n(c.problems)}</td>
                  <td className="num">{n(c.fixable)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">
          Computed by the maintenance job &ldquo;Data-quality summary&rdquo; (<Link href="/system">System page</Link>: run it now there).
        </p>
        <Link href="/exports">Review and fix →</Link>
      </div>
    );
  },
  content: (d) => (
    <div>
      <div className="tiles">
        <Tile label="Draft blogs" value={n(d.blogs.draft)} href={drillHref(d.drill.blogsDraft)} />
        <Tile label="Published blogs" value={n(d.blogs.published)} href={drillHref(d.drill.blogsPublished)} />
        <Tile label="Upcoming events" value={n(d.upcomingCount)} href={drillHref(d.drill.upcoming)} />
        <Tile label="Open careers" value={n(d.careersOpen)} href={drillHref(d.drill.careersOpen)} />
      </div>
      {d.upcoming.length > 0 && (
        <ul className="feed">
          {d.upcoming.map((e) => (
            <li key={e.id}>
              {d.eventsReadable ? <Link href={recordHref('events', e.id)}>{e.title}</Link> : e.title} <StatusBadge status={e.status} />
              <div className="muted small">{when(e.startsAt)}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  ),
};

export function Widget({ w }: { w: WidgetResult }) {
  const render = RENDERERS[w.key] as (data: unknown) => ReactNode;
  return (
    <section className={`card widget widget-${w.key}`} data-testid={`widget-${w.key}`} data-widget={w.key}>
      <h2>{w.title}</h2>
      {w.ok && w.computedAt && <UpdatedAgo at={w.computedAt} />}
      {w.ok ? render(w.data) : <div className="form-error">{w.error}</div>}
    </section>
  );
}
