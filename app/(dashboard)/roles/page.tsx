import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="roles">
      <NotBuiltYet title="Roles &amp; Admins" issue="issue #5 — role management" />
    </SectionGate>
  );
}
