import { expect, test, type Page } from '@playwright/test';
import { sidebarItems, signIn, signInAs } from './fixtures';

const widgetKeys = async (page: Page) => {
  await expect(page.getByTestId('widgets').locator('[data-widget]').first()).toBeVisible();
  return page
    .getByTestId('widgets')
    .locator('[data-widget]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-widget')));
};

test('super admin creates a "Support" role and an admin with it; demotion shows on their next navigation; all audited', async ({ browser }) => {
  test.setTimeout(150_000); // two browser contexts, many steps: over 60 s on a busy 2-core machine
  const superCtx = await browser.newContext();
  const sa = await superCtx.newPage();
  sa.on('dialog', (d) => void d.accept());
  await signInAs(sa, 'super_admin');

  // 1. the custom role, from an empty start, with two permissions, reviewed as a diff before saving
  await sa.goto('/roles');
  await sa.getByRole('tab', { name: 'Roles & permissions' }).click();
  await expect(sa.getByTestId('permission-matrix')).toContainText('Super admin');
  await expect(sa.getByTestId('cell-viewer-export')).not.toBeChecked();
  await expect(sa.getByTestId('cell-analyst-export')).toBeChecked();
  await sa.getByRole('button', { name: 'New role' }).click();
  const draft = sa.getByTestId('role-draft');
  await draft.getByLabel('Name').fill('Support');
  await draft.getByLabel('Key').fill('support');
  await sa.getByTestId('draft-dashboard.view').check();
  await sa.getByTestId('draft-moderation.manage').check();
  await sa.getByRole('button', { name: 'Review changes' }).click();
  const diff = sa.getByTestId('role-diff');
  await expect(diff).toContainText('+ dashboard.view');
  await expect(diff).toContainText('+ moderation.manage');
  await expect(diff.locator('li')).toHaveCount(2);
  await sa.screenshot({ path: '.data/test-results/roles-matrix-diff.png', fullPage: true });
  await sa.getByRole('button', { name: 'Save role' }).click();
  await expect(sa.getByTestId('role-draft')).toHaveCount(0);
  await expect(sa.getByTestId('cell-support-moderation.manage')).toBeChecked();
  await expect(sa.getByTestId('cell-support-export')).not.toBeChecked();

  // 2. an admin with that role; the initial password is shown once
  await sa.getByRole('tab', { name: 'Admins' }).click();
  await sa.getByText('Create an admin').click();
  const form = sa.getByRole('form', { name: 'Create admin' });
  await form.locator('input[name=name]').fill('Sam Support');
  await form.locator('input[name=email]').fill('support@acube.local');
  await form.locator('select[name=role]').selectOption({ label: 'Support (custom)' });
  await form.getByRole('button', { name: 'Create admin' }).click();
  const password = (await sa.getByTestId('one-time-password-value').textContent())!.trim();
  expect(password.length).toBeGreaterThanOrEqual(20);
  await expect(sa.getByTestId('admins-table')).toContainText('support@acube.local');
  await sa.screenshot({ path: '.data/test-results/admins-created.png', fullPage: true });

  // 3. the new admin, in a second browser context, sees exactly the Support sidebar and widgets
  const supportCtx = await browser.newContext();
  const sp = await supportCtx.newPage();
  await signIn(sp, 'support@acube.local', password);
  await expect(sp.getByTestId('sidebar')).toBeVisible();
  expect(await sidebarItems(sp)).toEqual(['Dashboard', 'Moderation']);
  await expect(sp.getByTestId('whoami-role')).toHaveText('Support');
  expect(await widgetKeys(sp)).toEqual(['counts', 'pendingActions', 'moderationQueues']);
  await expect(sp.getByTestId('widget-moderationQueues')).toContainText('Volunteer applications');
  await sp.screenshot({ path: '.data/test-results/dashboard-support.png', fullPage: true });
  await sp.goto('/audit');
  await expect(sp.getByRole('heading', { name: 'Not available to your role' })).toBeVisible();

  // 4. super admin demotes them to viewer; a role change ends their session: the next navigation asks them
  //    to sign in again, and they come back with the new role
  await sa.getByLabel('Search admins').fill('support@');
  const row = sa.locator('tr[data-email="support@acube.local"]');
  await expect(sa.getByTestId('admins-table').locator('tbody tr')).toHaveCount(1);
  await row.getByLabel('Role of support@acube.local').selectOption('viewer');
  await sa.getByRole('alertdialog', { name: 'Change the role of support@acube.local?' }).getByTestId('confirm-ok').click();
  await expect(row.getByLabel('Role of support@acube.local')).toHaveValue('viewer');
  await expect(sa.getByTestId('admins-error')).toHaveCount(0);

  await sp.goto('/');
  await expect(sp).toHaveURL(/\/signin/);
  await signIn(sp, 'support@acube.local', password);
  await expect(sp.getByTestId('whoami-role')).toHaveText('Viewer');
  expect(await sidebarItems(sp)).toEqual(['Dashboard', 'Search']);
  expect(await widgetKeys(sp)).toEqual(['counts']);
  await expect(sp.getByTestId('count-tiles')).toContainText('Members');
  await sp.screenshot({ path: '.data/test-results/dashboard-support-demoted.png', fullPage: true });

  // 5. the audit log shows all of it, with before/after
  await sa.goto('/audit');
  const table = sa.getByTestId('audit-table');
  await expect(table.locator('tr[data-action="roles.create"]').first()).toBeVisible();
  await expect(table.locator('tr[data-action="admins.create"]').first()).toContainText('support@acube.local');
  await expect(table.locator('tr[data-action="auth.signIn"]').first()).toContainText('support@acube.local');
  const setRole = table.locator('tr[data-action="admins.setRole"]').first();
  await expect(setRole).toContainText('support@acube.local');
  await setRole.click();
  // plain language, before/after as a diff, in a dialog (Esc closes it)
  const entry = sa.getByRole('dialog', { name: 'Changed the role of support@acube.local' });
  const details = entry.getByTestId('audit-details');
  await expect(details).toContainText('role: support → viewer');
  await sa.screenshot({ path: '.data/test-results/audit-log.png', fullPage: true });
  await sa.keyboard.press('Escape');
  await expect(entry).toHaveCount(0);
  await expect(sa.getByTestId('audit-export')).toHaveAttribute('href', /\/api\/export\/audit_logs\?format=csv&q=/);

  // filters: only the role changes
  await sa.getByLabel('Action').fill('admins.setRole');
  await sa.getByRole('button', { name: 'Apply' }).click();
  await expect(table.locator('tbody tr[data-action]').first()).toHaveAttribute('data-action', 'admins.setRole');
  const actionsShown = await table.locator('tbody tr[data-action]').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-action')))]);
  expect(actionsShown).toEqual(['admins.setRole']);

  await supportCtx.close();
  await superCtx.close();
});

test('an admin without roles.manage / admins.manage sees the matrix and accounts read-only', async ({ page }) => {
  await signInAs(page, 'admin');
  await page.goto('/roles');
  await expect(page.getByTestId('admins-table')).toContainText('superadmin@acube.local');
  await expect(page.getByText('Create an admin')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Deactivate' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Roles & permissions' }).click();
  await expect(page.getByTestId('permission-matrix')).toBeVisible();
  await expect(page.getByRole('button', { name: 'New role' })).toHaveCount(0);
});
