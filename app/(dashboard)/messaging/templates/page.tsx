import { SectionGate } from '@/components/ui/section-gate';
import { TemplatesPage } from '@/components/messaging/templates-page';

export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <SectionGate section="templates">
      <TemplatesPage />
    </SectionGate>
  );
}
