import { defineConfig } from '@playwright/test';
import { E2E_METRICS_TOKEN } from './e2e/metrics-token';

const PORT = Number(process.env.E2E_PORT || 3100);

/**
 * Browser tests against the production server (`scripts/serve.mjs`, what `npm start` runs: Next.js plus the
 * direct tRPC path) on a build in .next-test (scripts/test.mjs builds it), with Debian's Chromium (never a
 * downloaded browser). e2e/live.spec.ts starts its second instance with plain `next start`, so both ways of
 * serving tRPC are walked.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.data/test-results/e2e.json' }]],
  outputDir: '.data/test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://localhost:${PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `node scripts/serve.mjs -p ${PORT}`,
    url: `http://localhost:${PORT}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      NEXT_DIST_DIR: '.next-test',
      NEXTAUTH_URL: `http://localhost:${PORT}`,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || 'e2e-secret-not-for-production-000000000',
      MONGODB_URI: process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017',
      MONGODB_DB: process.env.E2E_DB || 'acube_e2e',
      ACUBE_EMBEDDED: '1',
      BACKUP_DIR: '.data/backups-e2e',
      NEXT_TELEMETRY_DISABLED: '1',
      METRICS_TOKEN: E2E_METRICS_TOKEN,
    },
  },
});
