/**
 * Round trips a person waits for (issue 12, round 7: the click-through at 25× the demo data, docs/benchmarks.md):
 * the dashboard's widgets do not wait for a dashboard.list request and those the server has ready come with the page, the record drawer asks for its related records
 * with the record (not after it), and the references in search results are not prefetched (each prefetch rendered
 * /search on the server).
 */
import { expect, test, type Request } from '@playwright/test';
import { signInAs } from './fixtures';

const trpcProcs = (r: Request) => {
  const u = new URL(r.url());
  return u.pathname.startsWith('/api/trpc/') ? u.pathname.slice('/api/trpc/'.length).split(',') : [];
};

test('the dashboard needs no dashboard.list round trip, and a widget the server has ready comes with the page', async ({ page }) => {
  await signInAs(page, 'super_admin');
  const asked: Array<{ procs: string[]; url: string }> = [];
  page.on('request', (r) => {
    const procs = trpcProcs(r);
    if (procs.length) asked.push({ procs, url: decodeURIComponent(r.url()) });
  });
  await page.goto('/');
  await expect(page.getByTestId('widget-counts').getByTestId('count-tiles')).toBeVisible();
  // the list came with the page: nothing asks for it
  expect(asked.filter((a) => a.procs.includes('dashboard.list'))).toEqual([]);

  // The first view computed the counts, so the next one has them at once: they are in the HTML and the page does
  // not ask for them once it has started (me.get is asked when it has).
  asked.length = 0;
  const started = page.waitForResponse((r) => trpcProcs(r.request()).includes('me.get'));
  const res = await page.goto('/');
  expect(await res!.text()).toContain('data-testid="count-tiles"');
  await expect(page.getByTestId('widget-counts').getByTestId('count-tiles')).toBeVisible();
  await started;
  expect(asked.filter((a) => a.procs.includes('dashboard.widget') && a.url.includes('"key":"counts"'))).toEqual([]);
  expect(asked.filter((a) => a.procs.includes('dashboard.list'))).toEqual([]);
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
