/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so a running app is never disturbed.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['mongodb', '@node-rs/argon2', 'rate-limiter-flexible'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
