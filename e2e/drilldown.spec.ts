import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { MongoClient, type ObjectId } from 'mongodb';
import { signInAs } from './fixtures';

const SHOTS = '.data/test-results';

/** No serious or critical axe violation on the page as it is (the drawer with its related records open). */
async function axeClean(page: Page, label: string) {
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
  expect(bad, label).toEqual([]);
}

/** A seeded member with bookings (read from the e2e database, the way a person would know an email). */
async function memberWithBookings(): Promise<{ id: string; name: string; email: string; bookings: number }> {
  const client = new MongoClient(process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017');
  await client.connect();
  try {
    const db = client.db(process.env.E2E_DB || 'acube_e2e');
    const counts = new Map<string, number>();
    for (const b of await db
      .collection('session_bookings')
      .find({}, { projection: { userId: 1 } })
      .toArray()) {
      const k = (b.userId as ObjectId).toHexString();
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const users = await db
      .collection('users')
      .find({}, { projection: { name: 1, email: 1 } })
      .toArray();
    // a member with 2+ bookings and an email no other member's contains
    for (const u of users) {
      const n = counts.get(u._id.toHexString()) ?? 0;
      if (n >= 2 && typeof u.email === 'string' && users.filter((x) => String(x.email).includes(u.email)).length === 1) {
        return { id: u._id.toHexString(), name: String(u.name), email: u.email, bookings: n };
      }
    }
    throw new Error('no member with bookings in the e2e data');
  } finally {
    await client.close();
  }
}

test("a booking found by its member's email in one condition; names link to the member; Back returns", async ({ page }) => {
  const m = await memberWithBookings();
  await signInAs(page, 'admin');
  const t0 = Date.now();
  await page.getByTestId('sidebar').getByRole('link', { name: 'Search' }).click();
  await page.getByLabel('Collection', { exact: true }).selectOption('session_bookings');
  await page.getByRole('button', { name: '+ Condition' }).click();
  const c0 = page.getByTestId('condition-0');
  await c0.getByLabel('Field').selectOption({ label: 'Member email' });
  await c0.getByLabel('Operator').selectOption('contains');
  await c0.getByLabel('Value').fill(m.email.toUpperCase());
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByTestId('results');
  await expect(page.getByTestId('result-count')).toHaveText(`${m.bookings} records`);
  const ms = Date.now() - t0;
  console.log(`found ${m.bookings} bookings of ${m.email} by email in ${ms} ms (from the dashboard, as a person clicks)`);
  // the member column shows the name and email, not an id
  const links = results.getByTestId('relation-link').filter({ hasText: m.name });
  expect(await links.count()).toBeGreaterThanOrEqual(m.bookings);
  await expect(results.getByText(/^[0-9a-f]{24}$/)).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/drill-bookings-by-email.png`, fullPage: true });
  const searchUrl = page.url();

  // open a booking, then its member from the drawer: the member's drawer lists their bookings
  await results.locator('tbody tr').first().click();
  const drawer = page.getByTestId('record-drawer');
  await expect(drawer.getByTestId('drawer-title')).toBeVisible();
  const bookingUrl = page.url();
  expect(bookingUrl).toContain('open=session_bookings%3A');
  await drawer.getByTestId('relation-link').filter({ hasText: m.name }).first().click();
  await expect(page).toHaveURL(new RegExp(`open=users%3A${m.id}`));
  await expect(drawer.getByTestId('drawer-title')).toHaveText(m.name);
  await expect(drawer.getByTestId('related-session_bookings')).toContainText(`Session bookings: ${m.bookings}`);
  await page.screenshot({ path: `${SHOTS}/drill-member-drawer.png` });
  await expect(drawer.getByTestId('skeleton')).toHaveCount(0);
  await axeClean(page, 'member drawer with related records');
  // keyboard: Tab stays inside the drawer
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
  }

  // Back: the booking again, then the search without a drawer
  await page.goBack();
  await expect(page).toHaveURL(bookingUrl);
  await expect(drawer.getByTestId('drawer-title')).not.toHaveText(m.name);
  await page.goBack();
  await expect(page).toHaveURL(searchUrl);
  await expect(page.getByTestId('record-drawer')).toHaveCount(0);
  await expect(page.getByTestId('result-count')).toHaveText(`${m.bookings} records`);
});

test('an analyst sees related members masked and cannot filter bookings by member email', async ({ page }) => {
  await signInAs(page, 'analyst');
  await page.goto('/search');
  await page.getByLabel('Collection', { exact: true }).selectOption('session_bookings');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const results = page.getByTestId('results');
  await expect(results.locator('tbody tr').first()).toBeVisible();
  await expect(results.getByTestId('relation-link').first()).toContainText('••••');
  await expect(results.getByText('@')).toHaveCount(0);
  await page.getByRole('button', { name: '+ Condition' }).click();
  const options = await page.getByTestId('condition-0').getByLabel('Field').locator('option').allTextContents();
  expect(options).not.toContain('Member email');
  expect(options).not.toContain('Member name');
  expect(options).toContain('Psychologist name');
});

test('a pending-actions tile opens its moderation queue pre-filtered, and Back returns to the dashboard', async ({ page }) => {
  // (every dashboard number is compared with the total of the search behind it in server/dashboard/drill.int.test.ts)
  await signInAs(page, 'admin');
  await page.goto('/');
  const tile = page.getByTestId('pending-bookings');
  await expect(tile).toBeVisible();
  await tile.click();
  await expect(page).toHaveURL(/\/moderation\?kind=bookings&view=pending/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('pending-bookings')).toBeVisible();
});

test('an at-risk name opens that one member; the dashboard at-risk tile opens the at-risk view; the view is in the URL', async ({ page }) => {
  await signInAs(page, 'admin');
  await page.goto('/');
  await page.getByTestId('tile-at-risk').click();
  await expect(page).toHaveURL(/\/analytics\?tab=at-risk/);
  const view = page.getByTestId('view-at-risk');
  await expect(view).toBeVisible();
  const first = view.getByTestId('at-risk-member').first();
  await expect(first).toBeVisible();
  const name = (await first.textContent())!.trim();
  const analyticsUrl = page.url();
  await first.click();
  await expect(page).toHaveURL(/open=users%3A[0-9a-f]{24}/);
  await expect(page.getByTestId('result-count')).toHaveText('1 records');
  await expect(page.getByTestId('record-drawer').getByTestId('drawer-title')).toHaveText(name);
  await page.goBack();
  await expect(page).toHaveURL(analyticsUrl);
  await expect(page.getByRole('tab', { name: 'At-risk members' })).toHaveAttribute('aria-selected', 'true');

  // tab, range and interval survive a reload
  await page.getByRole('tab', { name: 'Retention' }).click();
  await page.getByLabel('Interval').selectOption('month');
  await expect(page).toHaveURL(/tab=retention.*interval=month/);
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Retention' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Interval')).toHaveValue('month');
  await page.goBack();
  await expect(page).toHaveURL(/tab=retention.*interval=week/);
});
