import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { hashPassword } from '../server/auth/password';
import { DEMO_PASSWORD, ROLE_EMAIL, signIn, signInAs } from './fixtures';
import { visibleSections } from '../server/permissions';

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
  // Loading states render skeletons (server HTML included); a page is ready when none is left.
  await expect(page.locator('[data-testid="skeleton"], .skeleton-row')).toHaveCount(0, { timeout: 20_000 });
}

/** Views behind a tab or a query that carry their own markup (heat map, matrix, result rows). */
const EXTRA: Record<string, { name: string; open: (page: Page) => Promise<void> }[]> = {
  '/analytics': [{ name: 'retention', open: (page) => page.getByRole('tab', { name: 'Retention' }).click() }],
  '/roles': [
    {
      name: 'matrix',
      open: async (page) => {
        const tab = page.getByRole('tab', { name: 'Roles & permissions' });
        if (await tab.count()) await tab.click();
      },
    },
  ],
  '/search': [
    {
      name: 'results',
      open: async (page) => {
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await expect(page.getByTestId('results').or(page.getByRole('alert')).first()).toBeVisible();
      },
    },
  ],
};

async function check(page: Page, label: string) {
  // Next.js streams the document's metadata: right after a client-side update (the search page writes its
  // query into the URL) the <title> can be a moment behind, and axe run in that moment reports it missing
  // (seen once, admin /search results, 2026-12-01). The page must have its title; then axe runs.
  await expect(page, `${label}: document title`).toHaveTitle(/\S/);
  const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect.soft(overflow.scroll, `${label}: page scrolls sideways (${overflow.scroll} > ${overflow.client})`).toBeLessThanOrEqual(overflow.client);
  // Email previews are the rendered email in a sandboxed srcdoc frame (scripts off): axe cannot run inside it
  // (it waits for it forever) and the email's own markup is not the app's UI, so those frames are excluded.
  const axe = await new AxeBuilder({ page }).exclude('iframe[srcdoc]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(
    (v) =>
      `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
  expect.soft(report, `${label}: axe serious/critical violations`).toEqual([]);
  if (process.env.A11Y_SHOTS) await page.screenshot({ path: `.data/test-results/a11y/${label.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
}

/**
 * The pages of a role come from the same SECTIONS table the sidebar is drawn from (the test also checks the
 * sidebar shows exactly them), in groups of a few pages per test so a role with many sections stays well
 * inside the per-test timeout on a busy machine.
 */
const GROUP = 4;
for (const role of ROLES) {
  const sections = visibleSections(role).map((x) => x.href as string);
  // The 404 page is the same layout for everyone: checked for two roles.
  const all = role === 'super_admin' || role === 'viewer' ? [...sections, '/no-such-page'] : sections;
  const groups: string[][] = [];
  for (let i = 0; i < all.length; i += GROUP) groups.push(all.slice(i, i + GROUP));
  for (const size of SIZES) {
    groups.forEach((pages, gi) => {
      test(`${role} at ${size.width}×${size.height}, pages ${gi + 1}/${groups.length}: no sideways scroll, no serious axe violation`, async ({ browser }) => {
        // Generous: axe on a dense page takes seconds on a busy 2-core machine.
        test.setTimeout(300_000);
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        await signInAs(page, role); // (the sidebar is only visible at desktop width)
        if (gi === 0) {
          const hrefs = await page
            .getByTestId('sidebar')
            .locator('a')
            .evaluateAll((els) => els.map((e) => e.getAttribute('href')!));
          expect(hrefs).toEqual(sections);
        }
        await page.setViewportSize({ width: size.width, height: size.height });
        for (const href of pages) {
          await page.goto(href);
          await settle(page);
          await check(page, `${role} ${href} ${size.name}`);
          for (const extra of EXTRA[href] ?? []) {
            await extra.open(page);
            await settle(page);
            await check(page, `${role} ${href} ${extra.name} ${size.name}`);
          }
        }
        await context.close();
      });
    });
  }
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

test('an operator changes their own password from the sidebar (and back)', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await signInAs(page, 'content_manager');
  const change = async (from: string, to: string) => {
    await page.getByTestId('change-password').click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.getByLabel('Current password').fill(from);
    await dialog.getByLabel('New password', { exact: false }).first().fill(to);
    await dialog.getByLabel('New password again').fill(to);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    return dialog;
  };
  const wrong = await change('not-my-password', 'a brand new passphrase');
  await expect(wrong.getByRole('alert')).toHaveText('The current password is wrong.');
  await page.keyboard.press('Escape');
  const ok = await change(DEMO_PASSWORD, 'a brand new passphrase');
  await expect(ok).toHaveCount(0);
  // Every session ended with the change, this browser's too: back to sign-in.
  await expect(page).toHaveURL(/\/signin/);
  // The new password signs in, the old one no longer does.
  await context.clearCookies();
  await signIn(page, ROLE_EMAIL.content_manager, DEMO_PASSWORD);
  await expect(page.getByTestId('signin-error')).toBeVisible();
  await signIn(page, ROLE_EMAIL.content_manager, 'a brand new passphrase');
  await expect(page.getByTestId('sidebar')).toBeVisible();
  await context.close();
  // The demo password (shorter than the 12 characters the form requires) is put back in the database for other specs.
  const client = new MongoClient(process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017');
  try {
    await client.connect();
    await client
      .db(process.env.E2E_DB || 'acube_e2e')
      .collection('admins')
      .updateOne({ email: ROLE_EMAIL.content_manager }, { $set: { passwordHash: await hashPassword(DEMO_PASSWORD) } });
  } finally {
    await client.close();
  }
});
