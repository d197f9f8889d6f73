import { Readable } from 'node:stream';
import { idInput } from '@/server/backup/schema';
import { openBackupFile } from '@/server/backup/service';
import { writeAudit } from '@/server/audit/service';
import { clientIp } from '@/server/auth/options';
import { errorResponse, guard, jsonError } from '../../guard';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Streams a backup archive (mongodump --archive --gzip format). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const parsed = idInput.safeParse(await ctx.params);
  if (!parsed.success) return jsonError(400, 'Not a backup id.');
  const g = await guard('backup.read');
  if (g instanceof Response) return g;
  try {
    const f = await openBackupFile(g.db, parsed.data.id);
    await writeAudit(g.db, {
      actor: { id: g.op.admin._id.toHexString(), email: g.op.admin.email, role: g.op.role.key },
      action: 'backup.download',
      target: { type: 'backup', id: parsed.data.id },
      result: 'success',
      ip: clientIp(req.headers),
      userAgent: req.headers.get('user-agent'),
    });
    return new Response(Readable.toWeb(f.stream) as ReadableStream, {
      headers: {
        'content-type': 'application/gzip',
        'content-length': String(f.size),
        'content-disposition': `attachment; filename="${f.filename}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
