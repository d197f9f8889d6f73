import { SectionGate } from '@/components/ui/section-gate';
import { SystemPage } from '@/components/system/system-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  return (
    <SectionGate section="system">
      <SystemPage canMaintain={can(access.operator.role, 'system.maintain')} />
    </SectionGate>
  );
}
