'use client';
/** Warnings on the dashboard (issue 16): the System alerts that the operator's role can act on, each linking to where to act. */
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';

export function DashboardAlerts() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.system.alerts.queryOptions(), refetchInterval: 5 * 60_000 });
  if (!q.data?.length) return null; // nothing to act on (or not loaded yet): no banner
  return (
    <div className="card warn" role="alert" data-testid="dashboard-alerts">
      <ul className="plain">
        {q.data.map((a) => (
          <li key={a.key}>
            {a.message} <Link href={a.href}>{a.key === 'backup' ? 'Go to Backups' : 'Open System'}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
