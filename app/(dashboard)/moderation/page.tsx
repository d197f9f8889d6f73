import { SectionGate } from '@/components/ui/section-gate';
import { ModerationQueue } from '@/components/moderation/queue';
import { ModerationUrlFilters } from '@/server/moderation/schema';
import { pageOperator } from '@/server/auth/page-guard';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  // URL filters (the dashboard's queue tiles link here pre-filtered) are validated; malformed values fall back
  const f = ModerationUrlFilters.parse({ kind: first(sp.kind), view: first(sp.view), claimed: first(sp.claimed), sort: first(sp.sort), item: first(sp.item) });
  const access = await pageOperator();
  const me = access.kind === 'ok' ? access.operator.admin._id.toHexString() : '';
  return (
    <SectionGate section="moderation">
      <ModerationQueue initial={f} me={me} />
    </SectionGate>
  );
}
