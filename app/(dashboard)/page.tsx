import { redirect } from 'next/navigation';
import { DashboardHome } from '@/components/dashboard/home';
import { pageOperator, sectionAllowed } from '@/server/auth/page-guard';
import superjson from 'superjson';
import { dashboardWidgetList, readyWidgets } from '@/server/dashboard/get';
import { getDb } from '@/server/db/client';
import { visibleSections } from '@/server/permissions';
import { Forbidden } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

/** How long the page waits for widget data before it answers without what is not ready. */
const READY_BUDGET_MS = 150;

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
  const widgets = dashboardWidgetList(access.operator);
  // So do the widgets whose data is ready at once (cached): their figures are in the HTML, drawn before the page's
  // scripts have run. Serialized as the tRPC client would receive them (superjson).
  const ready = await readyWidgets(
    await getDb(),
    access.operator,
    widgets.map((w) => w.key),
    READY_BUDGET_MS,
  );
  return <DashboardHome widgets={widgets} ready={{ data: superjson.serialize(ready), at: Date.now() }} />;
}
