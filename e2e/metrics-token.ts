/** METRICS_TOKEN of the e2e server (playwright.config.ts), so the metrics spec can scrape it. Not a secret. */
export const E2E_METRICS_TOKEN = 'e2e-metrics-token-not-for-production';
