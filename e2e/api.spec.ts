import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, ROLE_EMAIL } from './fixtures';

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
    expect(h['content-security-policy'], path).toBe("frame-ancestors 'none'");
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['referrer-policy'], path).toBe('same-origin');
    expect(h['permissions-policy'], path).toBe('camera=(), microphone=(), geolocation=()');
    expect(h['strict-transport-security'], path).toBeUndefined(); // the test app runs on http://
    if (path.startsWith('/api/')) expect(h['cache-control'], path).toContain('no-store');
  }
});

test('a forged X-Forwarded-For does not change the IP the sign-in is recorded (and limited) under', async ({ playwright, baseURL }) => {
  const probe = `xff-probe-${Date.now()}@nowhere.test`;
  const anon = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { 'x-forwarded-for': '6.6.6.6', 'x-acube-client-ip': '7.7.7.7' } });
  const { csrfToken } = await (await anon.get('/api/auth/csrf')).json();
  await anon.post('/api/auth/callback/credentials', { form: { csrfToken, email: probe, password: 'wrong-password', json: 'true' }, maxRedirects: 0 });
  await anon.dispose();

  const sup = await playwright.request.newContext({ baseURL });
  const csrf = (await (await sup.get('/api/auth/csrf')).json()).csrfToken;
  await sup.post('/api/auth/callback/credentials', { form: { csrfToken: csrf, email: ROLE_EMAIL.super_admin, password: DEMO_PASSWORD, json: 'true' }, maxRedirects: 0 });
  const res = await sup.get(`/api/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ json: { target: probe, action: 'auth.signIn' } }))}`);
  expect(res.status()).toBe(200);
  const items = (await res.json()).result.data.json.items as Array<{ ip: string | null }>;
  expect(items).toHaveLength(1);
  expect(items[0]!.ip).not.toBe('6.6.6.6');
  expect(items[0]!.ip).not.toBe('7.7.7.7');
  expect(items[0]!.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
  await sup.dispose();
});
