/**
 * Round trips a person waits for (issue 12, round 7: the click-through at 25× the demo data, docs/benchmarks.md):
 * the dashboard's widgets do not wait for a dashboard.list request, the record drawer asks for its related records
 * with the record (not after it), and the references in search results are not prefetched (each prefetch rendered
 * /search on the server).
 */
import { expect, test, type Request } from '@playwright/test';
import { signInAs } from './fixtures';

const trpcProcs = (r: Request) => {
  const u = new URL(r.url());
  return u.pathname.startsWith('/api/trpc/') ? u.pathname.slice('/api/trpc/'.length).split(',') : [];
};

test('the dashboard asks for its widgets without a dashboard.list round trip first', async ({ page }) => {
  await signInAs(page, 'super_admin');
  const asked: string[][] = [];
  page.on('request', (r) => {
    const p = trpcProcs(r);
    if (p.length) asked.push(p);
  });
  await page.goto('/');
  await expect(page.getByTestId('widget-counts').getByTestId('count-tiles')).toBeVisible();
  const firstWidget = asked.findIndex((p) => p.includes('dashboard.widget'));
  expect(firstWidget).toBeGreaterThanOrEqual(0);
  // the list came with the page: nothing asked for it before the first widget
  expect(asked.slice(0, firstWidget).filter((p) => p.includes('dashboard.list'))).toEqual([]);
});

test('the record drawer asks for the related records before the record has answered', async ({ page }) => {
  await signInAs(page, 'super_admin');
  await page.goto('/search');
  await page.getByLabel('Collection', { exact: true }).selectOption('users');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const rows = page.getByTestId('results').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  let relatedAskedAt = Infinity;
  let recordAnsweredAt = Infinity;
  page.on('request', (r) => {
    if (trpcProcs(r).includes('search.related')) relatedAskedAt = Math.min(relatedAskedAt, Date.now());
  });
  page.on('requestfinished', (r) => {
    if (trpcProcs(r).includes('search.record')) recordAnsweredAt = Math.min(recordAnsweredAt, Date.now());
  });
  await rows.first().click();
  await expect(page.getByTestId('record-drawer').getByTestId('related-records')).toBeVisible();
  expect(recordAnsweredAt).toBeLessThan(Infinity);
  expect(relatedAskedAt).toBeLessThanOrEqual(recordAnsweredAt);
});

test('references in the results are links that are not prefetched', async ({ page }) => {
  await signInAs(page, 'super_admin');
  await page.goto('/search');
  await page.getByLabel('Collection', { exact: true }).selectOption('session_bookings');
  const drawerPages: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/search' && u.searchParams.has('open')) drawerPages.push(r.url());
  });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const links = page.getByTestId('results').getByTestId('relation-link');
  await expect(links.first()).toBeVisible();
  expect(await links.count()).toBeGreaterThan(2);
  // the router prefetches links as they come into view, at once; give it time to
  await page.waitForTimeout(2_000);
  expect(drawerPages).toEqual([]);
  // a click still opens the referenced record in the drawer
  await links.first().click();
  await expect(page.getByTestId('record-drawer').getByTestId('drawer-title')).toBeVisible();
});
