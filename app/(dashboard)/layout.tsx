import type { ReactNode } from 'react';
import { pageOperator } from '@/server/auth/page-guard';
import { visibleSections } from '@/server/permissions';
import { Shell } from '@/components/ui/shell';
import { DbDown } from '@/components/ui/states';
import { LiveProvider } from '@/components/live/live-provider';

export const dynamic = 'force-dynamic';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const access = await pageOperator();
  if (access.kind === 'db-down') return <DbDown message={access.message} />;
  const { admin, role } = access.operator;
  const sections = visibleSections(role).map(({ key, href, label }) => ({ key, href, label }));
  return (
    <LiveProvider>
      <Shell user={{ name: admin.name, email: admin.email, roleLabel: role.label }} sections={sections}>
        {children}
      </Shell>
    </LiveProvider>
  );
}
