import { Readable } from 'node:stream';
import { idInput } from '@/server/backup/schema';
import { openBackupFile } from '@/server/backup/service';
import { writeAudit } from '@/server/audit/service';
import { AppError } from '@/server/errors';
import { clientIp } from '@/server/auth/options';
import { errorResponse, guard, jsonError } from '../../guard';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Streams a backup archive (mongodump --archive --gzip format). */
async function handleGet(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const parsed = idInput.safeParse(await ctx.params);
  if (!parsed.success) return jsonError(400, 'Not a backup id.');
  const g = await guard('backup.read');
  if (g instanceof Response) return g;
  const audit = (result: 'success' | 'denied', error: string | null = null) =>
    writeAudit(g.db, {
      actor: { id: g.op.admin._id.toHexString(), email: g.op.admin.email, role: g.op.role.key },
      action: 'backup.download',
      target: { type: 'backup', id: parsed.data.id },
      result,
      error,
      ip: clientIp(req.headers),
      userAgent: req.headers.get('user-agent'),
    });
  try {
    // Archives holding credentials (admins' password hashes, API key hashes) need backup.download.credentials.
    const f = await openBackupFile(g.db, parsed.data.id, g.op.role);
    await audit('success');
    return new Response(Readable.toWeb(f.stream) as ReadableStream, {
      headers: {
        'content-type': 'application/gzip',
        'content-length': String(f.size),
        'content-disposition': `attachment; filename="${f.filename}"`,
        'cache-control': 'no-store',
      },
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'FORBIDDEN') await audit('denied', e.message).catch(() => undefined);
    return errorResponse(e);
  }
}

export const GET = withRouteMetrics('/api/backups/[id]/download', handleGet);
