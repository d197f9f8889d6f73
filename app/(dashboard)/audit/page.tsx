import { SectionGate } from '@/components/ui/section-gate';
import { AuditLog } from '@/components/audit/audit-log';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  const role = access.operator.role;
  return (
    <SectionGate section="audit">
      <AuditLog canExport={can(role, 'audit.read') && can(role, 'export')} />
    </SectionGate>
  );
}
