import { SectionGate } from '@/components/ui/section-gate';
import { ContentEditor } from '@/components/content/editor';
import { ContentTypeSchema, ObjectIdString } from '@/server/content/schema';
import { pageOperator } from '@/server/auth/page-guard';
import { can } from '@/server/permissions';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

const Params = z.object({ type: ContentTypeSchema, id: z.union([ObjectIdString, z.literal('new')]) });

export default async function Page({ params }: { params: Promise<{ type: string; id: string }> }) {
  const parsed = Params.safeParse(await params);
  const access = await pageOperator();
  const canSeeRegistrations = access.kind === 'ok' && can(access.operator.role, 'data.registrations.read');
  return (
    <SectionGate section="content">
      {parsed.success ? (
        <ContentEditor type={parsed.data.type} id={parsed.data.id === 'new' ? null : parsed.data.id} canSeeRegistrations={canSeeRegistrations} />
      ) : (
        <div className="card error" role="alert">
          <h1>Not found</h1>
          <p>This address does not name a blog post, event or career posting.</p>
        </div>
      )}
    </SectionGate>
  );
}
