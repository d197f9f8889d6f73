import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="exports">
      <NotBuiltYet title="Exports" issue="issue #3 — streaming CSV/JSON export" />
    </SectionGate>
  );
}
