/**
 * Cross-site request check for state-changing requests (issue 17, items 2 and 3): a POST that carries an
 * `Origin` must come from this app's own origin (the public URL in NEXTAUTH_URL, or the host the request
 * was addressed to); without `Origin`, a browser's `Sec-Fetch-Site: cross-site` is refused. Non-browser
 * clients send neither and still need a session cookie or an API key.
 */
/** What the check reads of a request: a fetch `Request`, or a view of Node's (server/trpc/node-handler.ts). */
export type OriginCheckRequest = Pick<Request, 'method' | 'url'> & { headers: { get(name: string): string | null } };

export function isSameOrigin(req: OriginCheckRequest, publicUrl = process.env.NEXTAUTH_URL): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return true;
  const origin = req.headers.get('origin');
  if (!origin) return req.headers.get('sec-fetch-site') !== 'cross-site';
  if (origin === 'null') return false;
  const allowed = new Set<string>();
  try {
    if (publicUrl) allowed.add(new URL(publicUrl).origin);
  } catch {
    /* an unparsable NEXTAUTH_URL is reported by NextAuth itself */
  }
  const host = req.headers.get('host');
  if (host) {
    const proto = new URL(req.url).protocol;
    allowed.add(`${proto}//${host}`);
  }
  return allowed.has(origin);
}
