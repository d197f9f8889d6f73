import { SectionGate } from '@/components/ui/section-gate';
import { ContentList } from '@/components/content/content-list';
import { ContentUrlFilters } from '@/server/content/schema';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  // URL filters are validated; anything malformed falls back to the default
  const f = ContentUrlFilters.parse({ type: first(sp.type), status: first(sp.status), author: first(sp.author), q: first(sp.q) });
  return (
    <SectionGate section="content">
      <ContentList initial={f} />
    </SectionGate>
  );
}
