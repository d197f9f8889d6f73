import { redirect } from 'next/navigation';
import { DashboardHome } from '@/components/dashboard/home';
import { pageOperator, sectionAllowed } from '@/server/auth/page-guard';
import { dashboardWidgetList } from '@/server/dashboard/get';
import { visibleSections } from '@/server/permissions';
import { Forbidden } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null; // the layout shows the database error
  if (!sectionAllowed(access.operator, 'dashboard')) {
    // a custom role without the dashboard lands on its first section instead
    const first = visibleSections(access.operator.role)[0];
    if (first) redirect(first.href);
    return <Forbidden what="any section" />;
  }
  // The role's widget list comes with the page, so each widget's request starts when the page hydrates instead of
  // after a dashboard.list round trip (issue 12, round 7). It depends on the role only (as dashboard.list).
  return <DashboardHome widgets={dashboardWidgetList(access.operator)} />;
}
