import { z } from 'zod';
import { importUpload, UPLOAD_LIMIT_BYTES } from '@/server/backup/service';
import { writeAudit } from '@/server/audit/service';
import { clientIp } from '@/server/auth/options';
import { errorResponse, guard, jsonError } from '../guard';
import { withRouteMetrics } from '@/server/metrics/registry';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const query = z.object({ note: z.string().trim().max(300).default('') });

/**
 * Upload an archive as the raw request body (application/gzip or octet-stream). It is
 * stored, fully verified (gzip, format, every CRC) and listed only when valid.
 */
async function handlePost(req: Request) {
  const g = await guard('backup.upload');
  if (g instanceof Response) return g;
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return jsonError(400, 'Invalid note.');
  const len = Number(req.headers.get('content-length') ?? 0);
  if (len > UPLOAD_LIMIT_BYTES) return jsonError(413, `The upload is larger than ${UPLOAD_LIMIT_BYTES / 1024 / 1024} MB.`);
  if (!req.body) return jsonError(400, 'Send the archive as the request body.');
  const actor = { id: g.op.admin._id.toHexString(), email: g.op.admin.email, role: g.op.role.key };
  const audit = (result: 'success' | 'failure', details: unknown, error?: string) =>
    writeAudit(g.db, { actor, action: 'backup.upload', target: null, details, result, error: error ?? null, ip: clientIp(req.headers), userAgent: req.headers.get('user-agent') });
  try {
    const b = await importUpload(g.db, req.body as unknown as AsyncIterable<Uint8Array>, { id: actor.id, email: actor.email }, q.data.note);
    await audit('success', { id: b.id, collections: b.collections.length, totalDocs: b.totalDocs, sizeBytes: b.sizeBytes });
    return Response.json({ backup: b }, { status: 201 });
  } catch (e) {
    await audit('failure', null, (e as Error).message);
    return errorResponse(e);
  }
}

export const POST = withRouteMetrics('/api/backups/upload', handlePost);
