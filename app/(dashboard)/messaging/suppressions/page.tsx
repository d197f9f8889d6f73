import { SectionGate } from '@/components/ui/section-gate';
import { SuppressionsPage } from '@/components/messaging/suppressions-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  return (
    <SectionGate section="suppressions">
      <SuppressionsPage canManage={can(access.operator.role, 'messaging.campaigns.send')} />
    </SectionGate>
  );
}
