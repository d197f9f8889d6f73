import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { signInAs, sidebarItems } from './fixtures';

const SHOTS = '.data/test-results';

test('analyst opens every analytics view, changes the interval and downloads the retention CSV', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await signInAs(page, 'analyst');
  await page.getByTestId('sidebar').getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('heading', { name: 'Analytics', exact: true })).toBeVisible();
  await expect(page.getByText('All times UTC')).toBeVisible();

  // Active users: weekly by default, then daily.
  const au = page.getByTestId('view-active-users');
  await expect(au.locator('tbody tr').first()).toBeVisible();
  await expect(au.locator('tbody tr').first().locator('td').first()).toHaveText(/^\d{4}-W\d{2}$/);
  await page.getByLabel('Interval').selectOption('day');
  await expect(au.locator('tbody tr').first().locator('td').first()).toHaveText(/^\d{4}-\d{2}-\d{2}$/);
  await expect(au.locator('.recharts-surface').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/analytics-active-users.png`, fullPage: true });
  await page.getByLabel('Interval').selectOption('week');

  // Retention table with the weighted average row, then CSV.
  await page.getByRole('tab', { name: 'Retention' }).click();
  const table = page.getByTestId('retention-table');
  await expect(table.locator('tbody tr').first()).toContainText('Weighted average');
  expect(await table.locator('tbody tr').count()).toBeGreaterThan(5);
  await page.getByLabel('Retention mode').selectOption('recurring');
  await expect(table.locator('tbody tr').nth(1).locator('td').nth(2)).toContainText('100.0%');
  await page.screenshot({ path: `${SHOTS}/analytics-retention.png`, fullPage: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('view-retention').getByTestId('csv-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^retention-recurring-on-week-.*\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^cohort \(UTC\),size,week 0 count,week 0 %/);
  expect(csv).toContain('weighted average');

  for (const [tab, id] of [
    ['Lifecycle', 'view-lifecycle'],
    ['Stickiness', 'view-stickiness'],
    ['Feature usage', 'view-features'],
    ['At-risk members', 'view-at-risk'],
  ] as const) {
    await page.getByRole('tab', { name: tab }).click();
    const view = page.getByTestId(id);
    await expect(view.locator('table.data').first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/analytics-${id.slice(5)}.png`, fullPage: true });
  }
  // At-risk: personal fields masked for an analyst; sortable.
  const atRisk = page.getByTestId('at-risk-table');
  await expect(atRisk.locator('tbody tr').first().locator('td').nth(7)).toHaveText('••••');
  await atRisk.getByRole('button', { name: 'Days since last active' }).click();
  await expect(atRisk.getByRole('button', { name: 'Days since last active' })).toContainText('▼');
  // No API keys tab for an analyst.
  await expect(page.getByRole('tab', { name: 'API keys' })).toHaveCount(0);
});

test('viewer: no analytics section, and its procedures answer FORBIDDEN', async ({ page }) => {
  await signInAs(page, 'viewer');
  expect(await sidebarItems(page)).not.toContain('Analytics');
  await page.goto('/analytics');
  await expect(page.getByText('Not available to your role')).toBeVisible();
  const input = encodeURIComponent(JSON.stringify({ json: { from: '2026-01-01', to: '2026-01-31', interval: 'week' } }));
  for (const proc of ['activeUsers', 'retention', 'lifecycle', 'stickiness', 'featureUsage']) {
    const res = await page.request.get(`/api/trpc/analytics.${proc}?input=${input}`);
    expect(res.status(), proc).toBe(403);
    expect((await res.json()).error.json.data.code).toBe('FORBIDDEN');
  }
  expect((await page.request.get('/api/analytics/csv?view=retention&from=2026-01-01&to=2026-01-31')).status()).toBe(403);
});

test('super admin creates an API key; POST /api/events stores good events and rejects bad ones', async ({ page, request }) => {
  await signInAs(page, 'super_admin');
  await page.goto('/analytics');
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByLabel('Key name').fill('e2e platform');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key').locator('code').textContent())!;
  expect(key).toMatch(/^acube_ek_/);
  await page.screenshot({ path: `${SHOTS}/analytics-keys.png`, fullPage: true });

  const none = await request.post('/api/events', { data: { events: [] } });
  expect(none.status()).toBe(401);
  // A real member id from the at-risk or search data: take one through tRPC as the super admin.
  const ar = await page.request.get(
    `/api/trpc/analytics.atRisk?input=${encodeURIComponent(JSON.stringify({ json: { asOf: new Date().toISOString().slice(0, 10) } }))}`,
  );
  const rows = (await ar.json()).result.data.json.rows as Array<{ userId: string }>;
  expect(rows.length).toBeGreaterThan(0);
  const userId = rows[0]!.userId;
  const ts = new Date().toISOString();
  const res = await request.post('/api/events', {
    headers: { authorization: `Bearer ${key}` },
    data: {
      events: [
        { eventId: `e2e-${Date.now()}`, userId, name: 'app.opened', ts },
        { eventId: 'e2e-bad', userId, name: 'Not A Name', ts },
        { eventId: 'e2e-future', userId, name: 'app.opened', ts: '2999-01-01T00:00:00Z' },
      ],
    },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.accepted).toBe(1);
  expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2]);

  // rotation: a new key shown once; both work during the overlap; the old one is marked as replaced
  const keysTable = page.getByRole('table', { name: 'API keys' });
  const oldRow = keysTable.getByRole('row').filter({ hasText: key.slice(0, 15) });
  await oldRow.getByRole('button', { name: 'Rotate' }).click();
  const rot = page.getByTestId('rotate-key');
  await rot.getByLabel('Overlap').selectOption('1');
  await rot.getByRole('button', { name: 'Issue the new key' }).click();
  await expect(page.getByTestId('new-key').locator('code')).not.toHaveText(key);
  const newKey = (await page.getByTestId('new-key').locator('code').textContent())!;
  expect(newKey).toMatch(/^acube_ek_/);
  const one = (k: string) =>
    request.post('/api/events', {
      headers: { authorization: `Bearer ${k}` },
      data: { events: [{ eventId: `e2e-rot-${k.slice(-6)}-${Date.now()}`, userId, name: 'app.opened', ts: new Date().toISOString() }] },
    });
  expect((await one(newKey)).status()).toBe(200);
  expect((await one(key)).status()).toBe(200);
  await expect(oldRow).toContainText('replaced');
  await oldRow.getByRole('button', { name: 'Usage' }).click();
  await expect(page.getByTestId('key-usage')).toContainText('requests in 30 days');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Revoke' }).first().click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(page.getByText('revoked').first()).toBeVisible();
});
