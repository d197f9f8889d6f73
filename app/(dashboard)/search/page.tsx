import { Suspense } from 'react';
import { SectionGate } from '@/components/ui/section-gate';
import { SearchPage } from '@/components/search/search-page';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  const canExport = access.kind === 'ok' && can(access.operator.role, 'export');
  return (
    <SectionGate section="search">
      <h1>Search</h1>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <SearchPage canExport={canExport} />
      </Suspense>
    </SectionGate>
  );
}
