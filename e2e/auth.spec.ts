import { expect, test } from '@playwright/test';
import { ROLE_EMAIL, sidebarItems, signIn, signInAs } from './fixtures';

test('sign-in page shows the demo accounts in demo mode', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId('demo-accounts')).toContainText('superadmin@acube.local');
});

test('a wrong password shows an error and stays on sign-in', async ({ page }) => {
  await signIn(page, ROLE_EMAIL.viewer, 'not-the-password');
  await expect(page.getByTestId('signin-error')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/signin/);
});

test('super admin and viewer see different sidebars; sign out ends the session', async ({ page }) => {
  await signInAs(page, 'super_admin');
  const superItems = await sidebarItems(page);
  expect(superItems).toEqual([
    'Dashboard',
    'Search',
    'Exports',
    'Backups',
    'Analytics',
    'Roles & Admins',
    'Audit log',
    'Content',
    'Moderation',
    'Templates',
    'Campaigns',
    'Outbox',
    'Suppressions',
    'System',
  ]);
  await expect(page.getByTestId('whoami-role')).toHaveText('Super admin');
  await expect(page.getByTestId('count-tiles')).toContainText('Members');
  await page.screenshot({ path: '.data/test-results/dashboard-super-admin.png', fullPage: true });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);

  await signInAs(page, 'viewer');
  const viewerItems = await sidebarItems(page);
  expect(viewerItems).toEqual(['Dashboard', 'Search']);
  await expect(page.getByTestId('whoami-role')).toHaveText('Viewer');
  await expect(page.getByTestId('count-tiles')).toContainText('Members');
  await page.screenshot({ path: '.data/test-results/dashboard-viewer.png', fullPage: true });

  // a section outside the role is refused by the server even when typed into the address bar
  await page.goto('/backups');
  await expect(page.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();

  // a copy of the cookie taken before signing out is refused afterwards (the session is revoked, not just forgotten)
  const copied = await page.context().cookies();
  const stillIn = await page.request.get('/api/trpc/me.get');
  expect(stillIn.status()).toBe(200);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  const replay = await page.context().browser()!.newContext();
  await replay.addCookies(copied);
  const refused = await replay.request.get('/api/trpc/me.get');
  expect(refused.status()).toBe(401);
  await replay.close();
});
