import { Suspense } from 'react';
import { SectionGate } from '@/components/ui/section-gate';
import { AnalyticsPage } from '@/components/analytics/analytics-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  const role = access.kind === 'ok' ? access.operator.role : null;
  return (
    <SectionGate section="analytics">
      {/* the view (tab, range, interval, event) is read from the URL */}
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <AnalyticsPage canKeys={can(role, 'analytics.keys')} canSeeMembers={can(role, 'data.members.read')} />
      </Suspense>
    </SectionGate>
  );
}
