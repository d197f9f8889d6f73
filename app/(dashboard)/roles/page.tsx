import { SectionGate } from '@/components/ui/section-gate';
import { RolesAndAdmins } from '@/components/roles/roles-page';
import { pageOperator } from '@/server/auth/page-guard';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null;
  const { admin, role } = access.operator;
  return (
    <SectionGate section="roles">
      <RolesAndAdmins permissions={[...role.permissions]} selfId={admin._id.toHexString()} />
    </SectionGate>
  );
}
