import { SectionGate } from '@/components/ui/section-gate';
import { ExportsPage } from '@/components/export/exports-page';
import { QualityPanel } from '@/components/quality/quality-panel';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';
import { COLLECTION_KEYS, REGISTRY } from '@/server/registry';

export const dynamic = 'force-dynamic';

export default async function Page() {
  const access = await pageOperator();
  const role = access.kind === 'ok' ? access.operator.role : null;
  const platform = COLLECTION_KEYS.map((k) => ({ key: k, label: REGISTRY[k].label }));
  return (
    <SectionGate section="exports">
      <h1>Exports</h1>
      <ExportsPage />
      {role && can(role, 'data.validate') && (
        <>
          <h2>Data quality</h2>
          <QualityPanel collections={platform} canFix={can(role, 'data.fix')} />
        </>
      )}
    </SectionGate>
  );
}
