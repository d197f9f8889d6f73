import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="audit">
      <NotBuiltYet title="Audit log" issue="issue #5 — the audit log viewer; entries are already being recorded" />
    </SectionGate>
  );
}
