import type { ReactNode } from 'react';
import { pageOperator, sectionAllowed } from '@/server/auth/page-guard';
import { SECTIONS, type SectionKey } from '@/server/permissions';
import { Forbidden } from './states';

/** Server-side guard for a section page: the sidebar hides it, this refuses it. */
export async function SectionGate({ section, children }: { section: SectionKey; children: ReactNode }) {
  const access = await pageOperator();
  if (access.kind !== 'ok') return null; // the layout already shows the database error
  if (!sectionAllowed(access.operator, section)) {
    return <Forbidden what={`the ${SECTIONS.find((s) => s.key === section)!.label} section`} />;
  }
  return <>{children}</>;
}
