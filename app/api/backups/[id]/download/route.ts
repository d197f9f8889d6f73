import { Readable } from 'node:stream';
import { idInput } from '@/server/backup/schema';
import { openBackupFile } from '@/server/backup/service';
import { writeAudit } from '@/server/audit/service';
import { AppError } from '@/server/errors';
import { defineRoute, errorResponse, jsonError } from '@/server/http/route';
import { ROUTE_SPECS } from '@/server/http/routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Streams a backup archive (mongodump --archive --gzip format). */
export const GET = defineRoute<{ id: string }>(ROUTE_SPECS.backupDownload, async ({ db, operator, params, ip, userAgent }) => {
  const parsed = idInput.safeParse(params);
  if (!parsed.success) return jsonError(400, 'BAD_REQUEST', 'Not a backup id.');
  const op = operator!;
  const audit = (result: 'success' | 'denied', error: string | null = null) =>
    writeAudit(db, {
      actor: { id: op.admin._id.toHexString(), email: op.admin.email, role: op.role.key },
      action: 'backup.download',
      target: { type: 'backup', id: parsed.data.id },
      result,
      error,
      ip,
      userAgent,
    });
  try {
    // Archives holding credentials (admins' password hashes, API key hashes) need backup.download.credentials.
    const f = await openBackupFile(db, parsed.data.id, op.role);
    await audit('success');
    return new Response(Readable.toWeb(f.stream) as ReadableStream, {
      headers: {
        'content-type': 'application/gzip',
        'content-length': String(f.size),
        'content-disposition': `attachment; filename="${f.filename}"`,
      },
    });
  } catch (e) {
    if (e instanceof AppError && e.code === 'FORBIDDEN') await audit('denied', e.message).catch(() => undefined);
    return errorResponse(e, 'backups/download');
  }
});
