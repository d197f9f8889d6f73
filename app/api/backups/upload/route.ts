import { z } from 'zod';
import { importUpload, UPLOAD_LIMIT_BYTES } from '@/server/backup/service';
import { writeAudit } from '@/server/audit/service';
import { defineRoute, errorResponse, jsonError } from '@/server/http/route';
import { ROUTE_SPECS } from '@/server/http/routes';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const query = z.object({ note: z.string().trim().max(300).default('') });
// A browser can send text/plain or a form from a foreign page without a CORS preflight: only archive types.
const ARCHIVE_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream']);

/**
 * Upload an archive as the raw request body (application/gzip or octet-stream). It is
 * stored, fully verified (gzip, format, every CRC) and listed only when valid.
 */
export const POST = defineRoute(ROUTE_SPECS.backupUpload, async ({ req, db, operator, ip, userAgent }) => {
  const type = req.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!ARCHIVE_TYPES.has(type)) return jsonError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the archive as application/gzip.');
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return jsonError(400, 'BAD_REQUEST', 'Invalid note.');
  const len = Number(req.headers.get('content-length') ?? 0);
  if (len > UPLOAD_LIMIT_BYTES) return jsonError(413, 'PAYLOAD_TOO_LARGE', `The upload is larger than ${UPLOAD_LIMIT_BYTES / 1024 / 1024} MB.`);
  if (!req.body) return jsonError(400, 'BAD_REQUEST', 'Send the archive as the request body.');
  const op = operator!;
  const actor = { id: op.admin._id.toHexString(), email: op.admin.email, role: op.role.key };
  const audit = (result: 'success' | 'failure', details: unknown, error?: string) =>
    writeAudit(db, { actor, action: 'backup.upload', target: null, details, result, error: error ?? null, ip, userAgent });
  try {
    const b = await importUpload(db, req.body as unknown as AsyncIterable<Uint8Array>, { id: actor.id, email: actor.email }, q.data.note);
    await audit('success', { id: b.id, collections: b.collections.length, totalDocs: b.totalDocs, sizeBytes: b.sizeBytes });
    return Response.json({ backup: b }, { status: 201 });
  } catch (e) {
    await audit('failure', null, (e as Error).message);
    return errorResponse(e, 'backups/upload');
  }
});
