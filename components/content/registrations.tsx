'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { DataTable, type Column } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';
import { formatNumber } from '@/components/ui/format';

type Row = RouterOutputs['content']['registrations']['items'][number];

/** An event's registrations: capacity left, the waitlist in order, members by name (email masked without personal data). */
export function Registrations({ eventId }: { eventId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.content.registrations.queryOptions({ eventId }));
  const d = q.data;
  const columns: Column<Row>[] = [
    { key: 'member', header: 'Member', cell: (r) => r.member.name },
    { key: 'email', header: 'Email', cell: (r) => r.member.email },
    { key: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
    { key: 'waitlistPosition', header: 'Waitlist #', align: 'right', cell: (r) => r.waitlistPosition ?? '' },
    { key: 'createdAt', header: 'Registered', cell: (r) => <Time value={r.createdAt} mode="absolute" /> },
  ];
  return (
    <section aria-labelledby="regs-h" data-testid="registrations">
      <h2 id="regs-h">Registrations</h2>
      {d ? (
        <div className="tiles">
          <div className="tile">
            <div className="tile-label">Capacity</div>
            <div className="tile-value">{formatNumber(d.capacity)}</div>
          </div>
          <div className="tile">
            <div className="tile-label">Capacity left</div>
            <div className="tile-value" data-testid="capacity-left">
              {formatNumber(d.capacityLeft)}
            </div>
          </div>
          <div className="tile">
            <div className="tile-label">Registered</div>
            <div className="tile-value">{formatNumber(d.counts.registered ?? 0)}</div>
          </div>
          <div className="tile">
            <div className="tile-label">Waitlist</div>
            <div className="tile-value">{formatNumber(d.counts.waitlisted ?? 0)}</div>
          </div>
          <div className="tile">
            <div className="tile-label">Cancelled</div>
            <div className="tile-value">{formatNumber(d.counts.cancelled ?? 0)}</div>
          </div>
        </div>
      ) : null}
      <DataTable<Row>
        caption="Event registrations"
        columns={columns}
        rows={d?.items}
        rowKey={(r) => r.id}
        loading={q.isLoading}
        error={q.error}
        empty="Nobody has registered yet."
        compact
      />
      {d && d.notices.total > 0 ? (
        <div className="card" style={{ marginTop: 12 }} data-testid="event-notices">
          <h3>Notices to members ({formatNumber(d.notices.total)})</h3>
          <p className="muted small">Recorded and waiting for the messaging service (status “pending messaging”); they are sent once it is connected.</p>
          <ul className="feed">
            {d.notices.items.map((n) => (
              <li key={n.id}>
                {n.subject} → {n.toName ?? 'member'} <StatusBadge status={n.status} tone="warn" /> <Time value={n.createdAt} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
