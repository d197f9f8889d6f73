import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="search">
      <NotBuiltYet title="Search" issue="issue #3 — advanced search" />
    </SectionGate>
  );
}
