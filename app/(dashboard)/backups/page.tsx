import { SectionGate } from '@/components/ui/section-gate';
import { BackupsPage } from '@/components/backups/backups-page';
import { pageOperator } from '@/server/auth/page-guard';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  const permissions = access.kind === 'ok' ? [...access.operator.role.permissions] : [];
  return (
    <SectionGate section="backups">
      <BackupsPage permissions={permissions} />
    </SectionGate>
  );
}
