import { SectionGate } from '@/components/ui/section-gate';
import { NotBuiltYet } from '@/components/ui/states';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="backups">
      <NotBuiltYet title="Backups" issue="issue #6 — backup and restore" />
    </SectionGate>
  );
}
