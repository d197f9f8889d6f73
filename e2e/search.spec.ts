import { expect, test } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import { signInAs } from './fixtures';

const shots = '.data/test-results';

test('build a two-condition search, restore it from the URL after reload, export CSV and read the file', async ({ page }) => {
  await signInAs(page, 'analyst');
  await page.goto('/search');
  await page.getByLabel('Collection', { exact: true }).selectOption('session_bookings');

  // Condition 1: status is confirmed
  await page.getByRole('button', { name: '+ Condition' }).click();
  const c0 = page.getByTestId('condition-0');
  await c0.getByLabel('Field').selectOption('status');
  await c0.getByLabel('Operator').selectOption('eq');
  await c0.getByLabel('Value').selectOption('confirmed');
  // Condition 2: amount ≥ 1000
  await page.getByRole('button', { name: '+ Condition' }).click();
  const c1 = page.getByTestId('condition-1');
  await c1.getByLabel('Field').selectOption('amount');
  await c1.getByLabel('Operator').selectOption('gte');
  await c1.getByLabel('Value').fill('1000');
  await page.getByRole('button', { name: 'Search', exact: true }).click();

  await expect(page).toHaveURL(/\/search\?q=/);
  const results = page.getByTestId('results');
  await expect(results).toBeVisible();
  const countText = await page.getByTestId('result-count').textContent();
  const total = Number(countText!.replace(/[^0-9]/g, ''));
  expect(total).toBeGreaterThan(0);
  // Every row shown satisfies both conditions
  const statusCol = await results.locator('thead th').allTextContents();
  const si = statusCol.findIndex((h) => h.startsWith('Status'));
  const ai = statusCol.findIndex((h) => h.startsWith('Amount'));
  for (const row of await results.locator('tbody tr').all()) {
    const cells = await row.locator('td').allTextContents();
    expect(cells[si]).toBe('confirmed');
    expect(Number(cells[ai])).toBeGreaterThanOrEqual(1000);
  }
  await page.screenshot({ path: `${shots}/search-results.png`, fullPage: true });

  const url = page.url();
  await page.reload();
  await expect(page).toHaveURL(url);
  await expect(page.getByTestId('condition-0').getByLabel('Field')).toHaveValue('status');
  await expect(page.getByTestId('condition-0').getByLabel('Value')).toHaveValue('confirmed');
  await expect(page.getByTestId('condition-1').getByLabel('Field')).toHaveValue('amount');
  await expect(page.getByTestId('condition-1').getByLabel('Operator')).toHaveValue('gte');
  await expect(page.getByTestId('condition-1').getByLabel('Value')).toHaveValue('1000');
  await expect(page.getByTestId('result-count')).toHaveText(countText!);

  // Row detail drawer
  await results.locator('tbody tr').first().click();
  await expect(page.getByRole('dialog', { name: 'Record detail' })).toBeVisible();
  await page.screenshot({ path: `${shots}/search-drawer.png` });
  await page.getByRole('button', { name: 'Close' }).click();

  // Export CSV: same filter; the file is read back with a CSV parser
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^session_bookings-\d{4}-\d{2}-\d{2}T.*\.csv$/);
  const text = fs.readFileSync((await file.path())!, 'utf8');
  const records = parse(text, { columns: true }) as Record<string, string>[];
  expect(records.length).toBe(total);
  for (const r of records) {
    expect(r.status).toBe('confirmed');
    expect(Number(r.amount)).toBeGreaterThanOrEqual(1000);
    expect(r.notes === '' || r.notes === '••••').toBe(true); // analyst: personal data masked
  }
  await expect(page.getByTestId('export-status')).toContainText('Download started');
  await page.screenshot({ path: `${shots}/search-exported.png`, fullPage: true });

  // The export is listed on the Exports page
  await page.goto('/exports');
  await expect(page.getByTestId('recent-exports')).toContainText('Session bookings');
  await page.screenshot({ path: `${shots}/exports-page.png`, fullPage: true });
});

test('free-text search and saved searches', async ({ page }) => {
  await signInAs(page, 'moderator');
  await page.goto('/search');
  await page.getByLabel('Collection', { exact: true }).selectOption('users');
  await page.getByLabel('Search words').fill('mumbai');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('results')).toBeVisible();
  const cities = await page.getByTestId('results').locator('tbody tr td:nth-child(4)').allTextContents();
  expect(cities.length).toBeGreaterThan(0);
  expect(new Set(cities)).toEqual(new Set(['Mumbai']));
  await page.getByLabel('Saved search name').fill('Mumbai members');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Mumbai members (Members)' })).toBeVisible();
  await page.goto('/search');
  await page.getByRole('button', { name: 'Mumbai members (Members)' }).click();
  await expect(page.getByLabel('Search words')).toHaveValue('mumbai');
  await expect(page.getByTestId('results')).toBeVisible();
});

test('viewer cannot export (no button, 403 from the route)', async ({ page }) => {
  await signInAs(page, 'viewer');
  await page.goto('/search?q=' + encodeURIComponent(JSON.stringify({ collection: 'blogs', page: 1, pageSize: 20 })));
  await expect(page.getByTestId('results')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Export', exact: true })).toHaveCount(0);
  const res = await page.request.get('/api/export/blogs?format=csv');
  expect(res.status()).toBe(403);
});
