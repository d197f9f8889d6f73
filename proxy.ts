/**
 * Content-Security-Policy with a fresh nonce per page request (issue 17, item 3). Next.js reads the
 * policy from the request headers and puts the nonce on its own bootstrap and page scripts, so no
 * inline script runs without it: script-src has no 'unsafe-inline'. Styles keep 'unsafe-inline'
 * (React style attributes and the charts' SVG use them; they cannot run code). API answers get their
 * own static policy from next.config.js. Pages render per request (the root layout is dynamic), as
 * nonces require.
 */
import { NextResponse, type NextRequest } from 'next/server';

export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean; https?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const policy = contentSecurityPolicy(nonce, {
    dev: process.env.NODE_ENV === 'development',
    https: /^https:\/\//i.test(process.env.NEXTAUTH_URL ?? ''),
  });
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', policy);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', policy);
  return res;
}

export const config = {
  // Pages only: not the API, not Next's static files, not prefetches (they carry no HTML).
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|favicon\\.ico|icon\\.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
