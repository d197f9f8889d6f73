import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/trpc/root';
import { createContext } from '@/server/trpc/context';
import { isSameOrigin } from '@/server/http/origin';
import { env } from '@/server/env';
import { registerTrpcNodeHandler } from '@/server/trpc/node-handler';

export const dynamic = 'force-dynamic';

// scripts/serve.mjs serves most tRPC calls through this module's instance without Next.js's request
// handling (server/trpc/node-handler.ts); this handler takes the rest.
registerTrpcNodeHandler();

const refuse = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });

async function handler(req: Request) {
  if (req.method === 'POST') {
    // Only JSON: form posts and raw bodies need no CORS preflight, so a foreign page could send them.
    const type = req.headers.get('content-type')?.split(';', 1)[0]?.trim().toLowerCase();
    if (type !== 'application/json') return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send tRPC calls as application/json.');
    if (!isSameOrigin(req)) return refuse(403, 'FORBIDDEN', 'Cross-site request refused.');
  }
  let ctxRef: Awaited<ReturnType<typeof createContext>> | undefined;
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: env().TRPC_MAX_BATCH,
    createContext: async () => (ctxRef = await createContext(req)),
    responseMeta({ errors }) {
      const headers = new Headers({ 'cache-control': 'no-store' });
      if (ctxRef?.retryAfter && errors.some((e) => e.code === 'TOO_MANY_REQUESTS')) headers.set('retry-after', String(ctxRef.retryAfter));
      return { headers };
    },
  });
}

export { handler as GET, handler as POST };
