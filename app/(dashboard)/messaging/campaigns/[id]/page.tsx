import { notFound } from 'next/navigation';
import { SectionGate } from '@/components/ui/section-gate';
import { CampaignDetail } from '@/components/messaging/campaign-detail';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[0-9a-f]{24}$/i.test(id)) notFound();
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  return (
    <SectionGate section="campaigns">
      <CampaignDetail id={id} canSend={can(access.operator.role, 'messaging.campaigns.send')} />
    </SectionGate>
  );
}
