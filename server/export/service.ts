/**
 * Streaming export: the same validation, permission check, filter, sort and masking as
 * `search.query`, read from one cursor with back-pressure (a document is read only when
 * the client has taken what was sent before), stopped when the client disconnects, and
 * audited with its filter and the number of rows sent.
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import { notifyQuietly } from '../notifications/service';
import { writeAudit } from '../audit/service';
import type { Operator } from '../auth/session';
import { AppError, HTTP_STATUS } from '../errors';
import { can } from '../permissions';
import { SEARCH_REGISTRY, isSearchKey } from '../registry';
import { ExportParams, ExportQuery } from '../search/schema';
import { openExportCursor, toRow } from '../search/service';
import { UTF8_BOM, csvHeader, csvRows, jsonRow } from './csv';

export const EXPORT_ACTION = 'export.download';
/** Rows encoded per chunk handed to the HTTP stream. */
export const CHUNK_ROWS = 500;

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' } as const;

export interface ExportMeta {
  ip?: string;
  userAgent?: string | null;
  signal?: AbortSignal;
  now?: Date;
}

function jsonError(status: number, code: string, message: string, details?: unknown): Response {
  return Response.json({ error: { code, message, details: details ?? null } }, { status, headers: { 'Cache-Control': 'no-store' } });
}

export function exportFileName(collection: string, format: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${collection}-${stamp}Z.${format === 'ndjson' ? 'ndjson' : format}`;
}

/**
 * Answers `GET /api/export/<collection>?format&q&columns&bom` for a signed-in operator
 * (null = no session). Always returns a Response: JSON errors, or the streaming file.
 */
export async function exportResponse(db: Db, operator: Operator | null, collectionParam: string, url: URL, meta: ExportMeta = {}): Promise<Response> {
  if (!operator) return jsonError(401, 'UNAUTHORIZED', 'Sign in to continue.');
  const actor = { id: operator.admin._id.toHexString(), email: operator.admin.email, role: operator.role.key };
  const audit = (result: 'success' | 'failure' | 'denied', input: unknown, details: unknown, error: string | null = null) =>
    writeAudit(db, {
      actor,
      action: EXPORT_ACTION,
      target: {
        type: 'collection',
        id: collectionParam.slice(0, 64),
        label: isSearchKey(collectionParam) ? SEARCH_REGISTRY[collectionParam].label : undefined,
      },
      input,
      details,
      result,
      error,
      ip: meta.ip ?? 'unknown',
      userAgent: meta.userAgent ?? null,
    });

  const params = ExportParams.safeParse({ collection: collectionParam, ...Object.fromEntries(url.searchParams) });
  if (!params.success) return jsonError(400, 'BAD_REQUEST', 'Invalid export parameters.', z.flattenError(params.error));
  const p = params.data;
  const requested = { format: p.format, q: p.q ?? null, columns: p.columns ?? null };

  if (!can(operator.role, 'export')) {
    await audit('denied', requested, null, 'FORBIDDEN: needs "export"');
    return jsonError(403, 'FORBIDDEN', `Your role (${operator.role.label}) lacks the permission "export".`);
  }

  let query: ExportQuery;
  try {
    const parsed = ExportQuery.safeParse(p.q ? JSON.parse(p.q) : { collection: p.collection });
    if (!parsed.success) return jsonError(400, 'BAD_REQUEST', 'Invalid search query in "q".', z.flattenError(parsed.error));
    query = parsed.data;
  } catch {
    return jsonError(400, 'BAD_REQUEST', '"q" is not valid JSON (it must be the URL-encoded JSON of the search input).');
  }

  let opened: Awaited<ReturnType<typeof openExportCursor>>;
  try {
    const columns = p.columns
      ? p.columns
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : null;
    opened = await openExportCursor(db, operator.role, p.collection, query, columns);
  } catch (e) {
    if (e instanceof AppError) {
      if (e.code === 'FORBIDDEN') await audit('denied', requested, null, `FORBIDDEN: ${e.message}`);
      return jsonError(HTTP_STATUS[e.code], e.code, e.message, e.details);
    }
    throw e;
  }

  const { cursor, columns, collection, personal } = opened;
  const format = p.format;
  const enc = new TextEncoder();
  const started = Date.now();
  let rows = 0;
  let bytes = 0;
  let headerSent = false;
  let finished = false;

  const finish = async (outcome: 'completed' | 'aborted' | 'failed', err?: unknown) => {
    if (finished) return;
    finished = true;
    meta.signal?.removeEventListener('abort', onAbort);
    await cursor.close().catch(() => undefined);
    await audit(
      outcome === 'failed' ? 'failure' : 'success',
      { collection, format, filter: query, columns, bom: p.bom === '1' },
      { rows, bytes, outcome, ms: Date.now() - started },
      outcome === 'failed' ? String(err instanceof Error ? err.message : err).slice(0, 300) : outcome === 'aborted' ? 'client disconnected' : null,
    );
    // The bell (and the Exports page's history, live): a download that ran to its end or failed.
    if (outcome !== 'aborted') {
      const label = isSearchKey(collection) ? SEARCH_REGISTRY[collection].label : collection;
      notifyQuietly(db, {
        kind: outcome === 'completed' ? 'export.ready' : 'export.failed',
        title: outcome === 'completed' ? `Export ready: ${label}` : `Export failed: ${label}`,
        body: outcome === 'completed' ? `${rows} row(s), ${format.toUpperCase()}.` : String(err instanceof Error ? err.message : err).slice(0, 300),
        href: '/exports',
        adminId: actor.id,
      });
    }
  };
  const onAbort = () => void finish('aborted');
  meta.signal?.addEventListener('abort', onAbort);

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (finished) return controller.close();
          if (!headerSent) {
            headerSent = true;
            const head = format === 'csv' ? (p.bom === '1' ? UTF8_BOM : '') + csvHeader(columns) : format === 'json' ? '[' : '';
            if (head) {
              const b = enc.encode(head);
              bytes += b.byteLength;
              controller.enqueue(b); // the first byte leaves before the first document is read
              return;
            }
          }
          const batch: Record<string, unknown>[] = [];
          while (batch.length < CHUNK_ROWS) {
            if (finished) break;
            // Only what is already buffered is taken without waiting, except for the first row.
            const doc = batch.length === 0 || cursor.bufferedCount() > 0 ? await cursor.next() : null;
            if (!doc) break;
            batch.push(toRow(collection, doc, personal, columns));
          }
          if (finished) return controller.close();
          if (batch.length === 0) {
            if (format === 'json') {
              const tail = enc.encode(rows === 0 ? ']\n' : '\n]\n');
              bytes += tail.byteLength;
              controller.enqueue(tail);
            }
            await finish('completed'); // audited before the client sees the end of the file
            controller.close();
            return;
          }
          let text: string;
          if (format === 'csv') text = csvRows(batch, columns);
          else if (format === 'ndjson') text = batch.map((r) => jsonRow(r, columns)).join('\n') + '\n';
          else text = (rows === 0 ? '\n' : ',\n') + batch.map((r) => jsonRow(r, columns)).join(',\n');
          rows += batch.length;
          const b = enc.encode(text);
          bytes += b.byteLength;
          controller.enqueue(b);
        } catch (e) {
          await finish('failed', e);
          controller.error(e);
        }
      },
      async cancel() {
        await finish('aborted');
      },
    },
    { highWaterMark: 1 },
  );

  return new Response(stream, {
    status: 200,
    headers: {
      'Content-Type': CONTENT_TYPE[format],
      'Content-Disposition': `attachment; filename="${exportFileName(collection, format, meta.now)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Export-Columns': columns.join(','),
    },
  });
}
