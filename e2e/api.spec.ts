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
