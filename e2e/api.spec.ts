import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, ROLE_EMAIL } from './fixtures';
import { E2E_METRICS_TOKEN } from './metrics-token';

/** The same flow as curl: csrf token, credentials callback, then tRPC with the session cookie. */
test('HTTP sign-in yields a session cookie with which me.get answers the role', async ({ request }) => {
  const anon = await request.get('/api/trpc/me.get');
  expect(anon.status()).toBe(401);

  const { csrfToken } = await (await request.get('/api/auth/csrf')).json();
  expect(csrfToken).toBeTruthy();
  const cb = await request.post('/api/auth/callback/credentials', {
    form: { csrfToken, email: ROLE_EMAIL.analyst, password: DEMO_PASSWORD, json: 'true' },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(cb.status());
  const cookies = await request.storageState();
  expect(cookies.cookies.map((c) => c.name)).toContain('next-auth.session-token');

  const me = await request.get('/api/trpc/me.get');
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.result.data.json).toMatchObject({ email: ROLE_EMAIL.analyst, role: 'analyst' });

  const forbidden = await request.post('/api/trpc/me.changePassword', {
    data: { json: { currentPassword: 'x', newPassword: 'short' } },
  });
  expect(forbidden.status()).toBe(400);
  const err = await forbidden.json();
  expect(err.error.json.data.code).toBe('BAD_REQUEST');
  expect(err.error.json.data.zodError.fieldErrors.newPassword[0]).toMatch(/12 characters/);
});

/** Issue 17: security headers on pages and API answers; the client IP is the socket's, not a forged X-Forwarded-For. */
test('security headers on pages and API; no-store on data answers', async ({ request }) => {
  for (const path of ['/signin', '/api/trpc/me.get', '/api/auth/csrf']) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h['x-frame-options'], path).toBe('DENY');
    if (path.startsWith('/api/')) expect(h['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'");
    else {
      expect(h['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
      expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
      // the scripts of the page carry that nonce (and the page works: every other test signs in through it)
      const nonce = /'nonce-([^']+)'/.exec(h['content-security-policy']!)![1]!;
      const html = await res.text();
      expect(html).toContain(`nonce="${nonce}"`);
      expect(html).not.toMatch(/<script(?![^>]*nonce=)[^>]*>[^<]/);
    }
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['referrer-policy'], path).toBe('same-origin');
    expect(h['permissions-policy'], path).toBe('camera=(), microphone=(), geolocation=()');
    expect(h['strict-transport-security'], path).toBeUndefined(); // the test app runs on http://
    if (path.startsWith('/api/')) expect(h['cache-control'], path).toContain('no-store');
  }
});

/** Issue 16: the server the tests run (scripts/serve.mjs, as `npm start`) serves tRPC without Next.js's request handling. */
test('tRPC calls take the direct path of scripts/serve.mjs once the route module is loaded', async ({ request }) => {
  await request.get('/api/trpc/me.get'); // the first call may go through Next.js, which loads the module
  const res = await request.get('/api/trpc/me.get');
  expect(res.status()).toBe(401);
  // Next.js's route handling marks every answer it serves with its RSC vary header; the direct path does not
  expect(res.headers()['vary'] ?? '').not.toContain('rsc');
  expect(res.headers()['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
});

/** Issue 12 (ingestion round 7): POST /api/events takes the same kind of direct path, with the same headers and checks. */
test('POST /api/events takes the direct path of scripts/serve.mjs once the route module is loaded', async ({ request }) => {
  const post = () => request.post('/api/events', { data: { events: [] }, headers: { authorization: 'Bearer acube_not_a_key' } });
  await post(); // the first call may go through Next.js, which loads the module
  const res = await post();
  expect(res.status()).toBe(401);
  expect((await res.json()).error.code).toBe('UNAUTHORIZED');
  const h = res.headers();
  expect(h['vary'] ?? '').not.toContain('rsc');
  expect(h['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['cache-control']).toContain('no-store');
  // another method still goes through Next.js: the route answers 405 there
  expect((await request.get('/api/events')).status()).toBe(405);
});

test('a forged X-Forwarded-For does not change the IP the sign-in is recorded (and limited) under', async ({ playwright, baseURL }) => {
  const probe = `xff-probe-${Date.now()}@nowhere.test`;
  const anon = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { 'x-forwarded-for': '6.6.6.6', 'x-acube-client-ip': '7.7.7.7' } });
  const { csrfToken } = await (await anon.get('/api/auth/csrf')).json();
  await anon.post('/api/auth/callback/credentials', { form: { csrfToken, email: probe, password: 'wrong-password', json: 'true' }, maxRedirects: 0 });
  await anon.dispose();

  const sup = await playwright.request.newContext({ baseURL });
  const csrf = (await (await sup.get('/api/auth/csrf')).json()).csrfToken;
  await sup.post('/api/auth/callback/credentials', {
    form: { csrfToken: csrf, email: ROLE_EMAIL.super_admin, password: DEMO_PASSWORD, json: 'true' },
    maxRedirects: 0,
  });
  const res = await sup.get(`/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ json: { target: probe, action: 'auth.signIn' } }))}`);
  expect(res.status()).toBe(200);
  const items = (await res.json()).result.data.json.items as Array<{ ip: string | null }>;
  expect(items).toHaveLength(1);
  expect(items[0]!.ip).not.toBe('6.6.6.6');
  expect(items[0]!.ip).not.toBe('7.7.7.7');
  expect(items[0]!.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  await sup.dispose();
});

/** Issue 16: liveness and readiness answer without a session. */
test('GET /api/health and /api/ready answer 200 without a session', async ({ request }) => {
  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  expect(health.headers()['cache-control']).toContain('no-store');

  const ready = await request.get('/api/ready');
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', startup: 'ok' } });
  expect(ready.headers()['cache-control']).toContain('no-store');
});

/**
 * Issue 16: in the real server, requests served by other bundles (tRPC, NextAuth, the driver under them)
 * show in the one registry the metrics route reads; the token is required.
 */
test('GET /api/metrics: 401 without the token; with it, the tRPC, route and MongoDB figures of other bundles', async ({ request }) => {
  expect((await request.get('/api/metrics')).status()).toBe(401);
  expect((await request.get('/api/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status()).toBe(401);

  expect((await request.get('/api/trpc/me.get')).status()).toBe(401);
  expect((await request.get('/api/auth/csrf')).status()).toBe(200);
  const res = await request.get('/api/metrics', { headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` } });
  expect(res.status()).toBe(200);
  const text = await res.text();
  expect(text).toMatch(/^acube_trpc_errors_total\{procedure="me\.get",code="UNAUTHORIZED"\} [1-9]/m);
  expect(text).toMatch(/^acube_trpc_request_duration_seconds_count\{procedure="me\.get",type="query",code="UNAUTHORIZED"\} [1-9]/m);
  expect(text).toMatch(/^acube_http_request_duration_seconds_count\{route="\/api\/auth\/\[\.\.\.nextauth\]",method="GET",status="200"\} [1-9]/m);
  expect(text).toMatch(/^acube_mongodb_command_duration_seconds_count\{command="ping",outcome="succeeded"\} [1-9]/m);
  expect(text).toMatch(/^acube_cache_hits_total\{tier="dashboard"\} \d+/m);
});

/** Issue 17, item 6: budgets answer 429 with Retry-After; cross-site and form posts are refused. */
test('a burst over the analytics CSV budget answers 429 with Retry-After; cross-site writes are refused', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(ROLE_EMAIL.analyst);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sidebar')).toBeVisible();
  const url = '/api/analytics/csv?view=retention&from=2026-01-01&to=2026-01-07&interval=day';
  const statuses: number[] = [];
  let limited = null as null | { status: number; retryAfter: string | undefined; body: { error: { code: string; message: string } } };
  for (let i = 0; i < 40 && !limited; i++) {
    const r = await page.request.get(url);
    statuses.push(r.status());
    if (r.status() === 429) limited = { status: 429, retryAfter: r.headers()['retry-after'], body: await r.json() };
  }
  // 30 a minute (an earlier test may have spent some of this minute's budget): 200s, then 429
  expect(limited).not.toBeNull();
  expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
  expect(statuses.length - 1).toBeLessThanOrEqual(30);
  expect(statuses.length - 1).toBeGreaterThanOrEqual(25);
  expect(Number(limited!.retryAfter)).toBeGreaterThan(0);
  expect(limited!.body.error.code).toBe('TOO_MANY_REQUESTS');

  // a foreign page posting to tRPC: refused by Origin, and a form post (no CORS preflight) by its content type
  const foreign = await page.request.post('/api/trpc/me.changePassword', {
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    data: { json: { currentPassword: DEMO_PASSWORD, newPassword: 'pwned-pwned-pwned' } },
  });
  expect(foreign.status()).toBe(403);
  const form = await page.request.post('/api/trpc/me.changePassword', { multipart: { currentPassword: DEMO_PASSWORD, newPassword: 'pwned-pwned-pwned' } });
  expect(form.status()).toBe(415);
  // a batch larger than the cap is refused before anything runs
  const many = Array.from({ length: 31 }, () => 'me.get').join(',');
  const big = await page.request.get(`/api/trpc/${many}?batch=1&input=${encodeURIComponent('{}')}`);
  expect(big.status()).toBe(400);
  expect((await page.request.get('/api/trpc/me.get')).status()).toBe(200);
});
