'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { StatusBadge } from '@/components/ui/status-badge';
import { Time } from '@/components/ui/time';

/** The messages sent to one member (member drawer). Shown to roles with messaging.reports.read; nothing for others. */
export function MemberMessages({ memberId }: { memberId: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.messaging.outbox.list.queryOptions({ memberId, limit: 20 }, { retry: false }));
  const code = (q.error as { data?: { code?: string } } | null)?.data?.code;
  if (code === 'FORBIDDEN') return null;
  return (
    <section aria-labelledby="member-messages-title" data-testid="member-messages">
      <h3 id="member-messages-title">Messages</h3>
      {q.isPending && <p className="muted">Loading…</p>}
      {q.error && <p className="form-error">{q.error.message}</p>}
      {q.data && q.data.rows.length === 0 && <p className="muted">No messages sent to this member.</p>}
      {q.data && q.data.rows.length > 0 && (
        <ul className="feed">
          {q.data.rows.map((m) => (
            <li key={m.id}>
              <StatusBadge status={m.status} /> {m.subject} <span className="muted small">({m.templateKey})</span> <Time value={m.sentAt ?? m.createdAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
