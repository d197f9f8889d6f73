import { SectionGate } from '@/components/ui/section-gate';
import { OutboxPage } from '@/components/messaging/outbox-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  const role = access.operator.role;
  return (
    <SectionGate section="outbox">
      <OutboxPage canRetry={can(role, 'messaging.campaigns.send')} canSearchAddress={can(role, 'data.personal.read')} />
    </SectionGate>
  );
}
