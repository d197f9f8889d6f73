import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ROLE_EMAIL, signInAs } from './fixtures';

/**
 * Every page of every role, at a desktop and a phone size: nothing scrolls sideways, and axe-core finds no
 * serious or critical WCAG 2.1 A/AA violation. One browser context per role, signed in once.
 * A11Y_SHOTS=1 also saves a screenshot of each page and size into .data/test-results/a11y/.
 */
const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const ROLES = Object.keys(ROLE_EMAIL) as (keyof typeof ROLE_EMAIL)[];

async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => undefined);
  await expect(page.locator('[data-testid="skeleton"], .skeleton-row')).toHaveCount(0, { timeout: 20_000 }).catch(() => undefined);
}

async function check(page: Page, label: string) {
  const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect.soft(overflow.scroll, `${label}: page scrolls sideways (${overflow.scroll} > ${overflow.client})`).toBeLessThanOrEqual(overflow.client);
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect.soft(report, `${label}: axe serious/critical violations`).toEqual([]);
  if (process.env.A11Y_SHOTS) await page.screenshot({ path: `.data/test-results/a11y/${label.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
}

for (const role of ROLES) {
  test(`${role}: every page at 1440 and 390 — no sideways scroll, no serious axe violation`, async ({ browser }) => {
    test.setTimeout(240_000);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, role);
    const hrefs = await page.getByTestId('sidebar').locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
    expect(hrefs.length).toBeGreaterThan(0);
    const pages = [...hrefs, '/no-such-page'];
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      for (const href of pages) {
        await page.goto(href);
        await settle(page);
        await check(page, `${role} ${href} ${size.name}`);
      }
    }
    await context.close();
  });
}

test('dialogs keep focus inside, close on Esc and give focus back', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signInAs(page, 'super_admin');
  await page.goto('/backups');
  const opener = page.getByRole('button', { name: 'Back up now' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Back up now' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  const inside = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
  expect(await inside()).toBe(true);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab');
    expect(await inside(), `focus left the dialog after ${i + 1} key presses`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();

  // The phone menu: a button that opens the sections, Esc closes it and focus returns to the button.
  await page.setViewportSize({ width: 390, height: 844 });
  const menu = page.getByTestId('menu-button');
  await expect(page.getByTestId('sidebar')).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('sidebar').getByRole('link', { name: 'Search' })).toBeVisible();
  await expect(page.getByTestId('sidebar').locator('a').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('sidebar')).toBeHidden();
  await expect(menu).toBeFocused();

  // Result rows open with the keyboard.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/search?c=users&q=' + encodeURIComponent(JSON.stringify({ collection: 'users', page: 1 })));
  const row = page.getByTestId('results').locator('tbody tr').first();
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Record detail' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(row).toBeFocused();
  await context.close();
});
