import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="analytics">
      <NotBuiltYet title="Analytics" issue="issue #4 — engagement and retention analytics" />
    </SectionGate>
  );
}
