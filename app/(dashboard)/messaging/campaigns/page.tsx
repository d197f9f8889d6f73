import { SectionGate } from '@/components/ui/section-gate';
import { CampaignsPage } from '@/components/messaging/campaigns-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  return (
    <SectionGate section="campaigns">
      <CampaignsPage canSend={can(access.operator.role, 'messaging.campaigns.send')} />
    </SectionGate>
  );
}
