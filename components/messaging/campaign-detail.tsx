'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tile } from '@/components/ui/tile';
import { Time } from '@/components/ui/time';
import { ErrorBox } from '@/components/ui/states';
import { Skeleton } from '@/components/ui/skeleton';
import { useConfirm } from '@/components/ui/modal';
import { formatNumber } from '@/components/ui/format';
import { LineChartBox } from '@/components/charts/charts';

type Report = RouterOutputs['messaging']['campaigns']['report'];
type Uplift = Report['uplift'][number];

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;

function csvOf(r: Report): string {
  const lines = [['metric', 'value'], ...Object.entries(r.counts).map(([k, v]) => [k, String(v)])];
  lines.push([], ['window_days', 'sent_active', 'sent_total', 'holdout_active', 'holdout_total', 'difference', 'ci95_low', 'ci95_high', 'partial']);
  for (const u of r.uplift)
    lines.push(
      [u.days, u.sentActive, u.sentTotal, u.holdoutActive, u.holdoutTotal, u.diff.toFixed(4), u.low.toFixed(4), u.high.toFixed(4), u.partial].map(String),
    );
  lines.push([], ['hour', 'sent', 'opened', 'clicked', 'unsubscribed']);
  for (const p of r.series) lines.push([p.t, p.sent, p.opened, p.clicked, p.unsubscribed].map(String));
  return lines.map((l) => l.join(',')).join('\n');
}

export function CampaignDetail({ id, canSend }: { id: string; canSend: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const confirm = useConfirm();
  const report = useQuery(
    trpc.messaging.campaigns.report.queryOptions(
      { id },
      { refetchInterval: (q) => (['sending', 'scheduled', 'paused'].includes(q.state.data?.campaign.status ?? '') ? 2_000 : false) },
    ),
  );
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.messaging.campaigns.report.queryKey({ id }) });
  const pause = useMutation(trpc.messaging.campaigns.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.messaging.campaigns.resume.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.messaging.campaigns.cancel.mutationOptions({ onSuccess: refresh }));
  if (report.isPending) return <Skeleton lines={8} />;
  if (report.error) return <ErrorBox error={report.error} />;
  const r = report.data;
  const c = r.campaign;
  const total = c.counts.enqueued;
  const done = r.counts.sent + r.counts.failed + r.counts.dead + r.counts.skipped + r.counts.cancelled;
  return (
    <div data-testid="campaign-detail">
      <h1>
        {c.name} <StatusBadge status={c.status} />
      </h1>
      <p className="muted">
        Template {c.templateKey}
        {c.templateVersion ? ` v${c.templateVersion}` : ''} · holdout {c.holdoutPct} % · frequency cap {c.frequencyCapDays} days · created{' '}
        <Time value={c.createdAt} />
        {c.createdBy ? ` by ${c.createdBy}` : ' automatically'}
      </p>
      {canSend && (
        <div className="toolbar">
          {['scheduled', 'sending'].includes(c.status) && (
            <button className="btn secondary" onClick={() => pause.mutate({ id })} disabled={pause.isPending}>
              Pause
            </button>
          )}
          {c.status === 'paused' && (
            <button className="btn secondary" onClick={() => resume.mutate({ id })} disabled={resume.isPending}>
              Resume
            </button>
          )}
          {!['done', 'cancelled'].includes(c.status) && (
            <button
              className="btn secondary"
              onClick={async () => {
                if (
                  await confirm({
                    title: 'Cancel this campaign?',
                    body: 'Messages not sent yet are dropped. Sent ones stay sent.',
                    confirmLabel: 'Cancel campaign',
                    destructive: true,
                  })
                )
                  cancel.mutate({ id });
              }}
            >
              Cancel campaign
            </button>
          )}
          <a className="btn secondary" download={`campaign-${id}.csv`} href={`data:text/csv;charset=utf-8,${encodeURIComponent(csvOf(r))}`}>
            Download CSV
          </a>
        </div>
      )}
      <ErrorBox error={pause.error ?? resume.error ?? cancel.error} />
      <p data-testid="campaign-progress">
        {formatNumber(done)} of {formatNumber(total)} processed
        {total > 0 && <progress value={done} max={total} aria-label="Progress" style={{ marginLeft: 8 }} />}
      </p>
      <div className="tiles">
        <Tile label="Sent (delivered to the SMTP server)" value={formatNumber(r.counts.delivered)} testId="tile-sent" />
        <Tile label="Failed / dead" value={`${formatNumber(r.counts.failed)} / ${formatNumber(r.counts.dead)}`} />
        <Tile label="Opened (approximate)" value={formatNumber(r.counts.opened)} hint="Mail privacy proxies load images: opens overcount" />
        <Tile label="Clicked" value={formatNumber(r.counts.clicked)} testId="tile-clicked" />
        <Tile label="Unsubscribed" value={formatNumber(r.counts.unsubscribed)} testId="tile-unsubscribed" />
        <Tile label="Holdout" value={formatNumber(c.counts.holdout)} />
      </div>
      <h2>Did it bring members back?</h2>
      <p className="muted small">
        Share of each group active again within the window after the send (from activity events), sent vs holdout, with a 95 % interval of the difference.
      </p>
      <DataTable<Uplift>
        testId="uplift-table"
        caption="Uplift"
        rows={r.uplift}
        rowKey={(u) => String(u.days)}
        empty="Shown once the campaign has started."
        columns={[
          { key: 'days', header: 'Within', cell: (u) => `${u.days} days${u.partial ? ' (so far)' : ''}` },
          { key: 'sent', header: 'Sent group', align: 'right', cell: (u) => `${pct(u.sentRate)} (${u.sentActive}/${u.sentTotal})` },
          { key: 'holdout', header: 'Holdout', align: 'right', cell: (u) => `${pct(u.holdoutRate)} (${u.holdoutActive}/${u.holdoutTotal})` },
          { key: 'diff', header: 'Difference', align: 'right', cell: (u) => pp(u.diff) },
          {
            key: 'ci',
            header: '95 % interval',
            align: 'right',
            cell: (u) => (
              <>
                {pp(u.low)} … {pp(u.high)}{' '}
                {u.low > 0 ? (
                  <StatusBadge status="uplift" tone="ok" />
                ) : u.high < 0 ? (
                  <StatusBadge status="worse" tone="bad" />
                ) : (
                  <StatusBadge status="not proven" tone="muted" />
                )}
              </>
            ),
          },
        ]}
      />
      <h2>Over time</h2>
      {r.series.length ? (
        <LineChartBox
          data={r.series}
          x="t"
          label="Messages per hour"
          series={[
            { key: 'sent', label: 'Sent' },
            { key: 'opened', label: 'Opened' },
            { key: 'clicked', label: 'Clicked' },
            { key: 'unsubscribed', label: 'Unsubscribed' },
          ]}
        />
      ) : (
        <p className="muted">Nothing sent yet.</p>
      )}
    </div>
  );
}
