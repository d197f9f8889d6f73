/**
 * Security headers on every answer (issue 17). Pages get a Content-Security-Policy with a per-request
 * nonce from proxy.ts; API answers (data, never HTML to run) get a policy that allows nothing. Framing
 * is refused by both the CSP `frame-ancestors` and X-Frame-Options. HSTS only when the public URL is
 * https (decided when the app is built: `headers()` is baked into the build). Data answers of the
 * API (tRPC, exports, backups, analytics CSV, auth) are never stored by browsers or proxies.
 */
export function securityHeaders(env = process.env) {
  const common = [
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'same-origin' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  ];
  if (/^https:\/\//i.test(env.NEXTAUTH_URL ?? '')) {
    common.push({ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' });
  }
  return [
    { source: '/:path*', headers: common },
    {
      source: '/api/:path*',
      headers: [{ key: 'Cache-Control', value: 'no-store' }],
    },
    {
      // Data answers allow nothing; the public messaging pages (preferences, unsubscribe) are HTML and
      // send their own policy (server/messaging/pages.ts).
      source: '/api/:path((?!messaging/).*)',
      headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }],
    },
  ];
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so a running app is never disturbed.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['mongodb', '@node-rs/argon2', 'rate-limiter-flexible', 'prom-client'],
  typescript: { ignoreBuildErrors: false },
  async headers() {
    return securityHeaders();
  },
};

export default nextConfig;
