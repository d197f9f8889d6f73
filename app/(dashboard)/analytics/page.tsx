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
      <AnalyticsPage canKeys={can(role, 'analytics.keys')} canSeeMembers={can(role, 'data.members.read')} />
    </SectionGate>
  );
}
