import { expect, test } from '@playwright/test';
import { signInAs } from './fixtures';

test.describe('backups', () => {
  test('super admin backs up now, watches progress, previews a restore', async ({ page }) => {
    await signInAs(page, 'super_admin');
    await page.goto('/backups');
    await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
    await expect(page.getByTestId('backup-stats')).toBeVisible();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Back up now' });
    await dialog.getByPlaceholder('Why this backup (optional)').fill('e2e backup');
    await dialog.getByRole('button', { name: 'Start backup' }).click();
    const jobs = page.getByTestId('backup-jobs');
    await expect(jobs).toBeVisible();
    await expect(jobs.locator('.job').first()).toContainText('backup');
    await expect(jobs.locator('.job[data-status="succeeded"]').first()).toBeVisible({ timeout: 30_000 });
    const row = page.getByTestId('backups-table').locator('tbody tr').filter({ hasText: 'e2e backup' });
    await expect(row).toContainText('complete');
    await page.screenshot({ path: '.data/test-results/backups-page.png', fullPage: true });

    await row.getByRole('button', { name: 'Details' }).click();
    await expect(page.getByTestId('backup-detail')).toContainText('users');
    await expect(page.getByTestId('backup-detail')).toContainText('CRC-64');
    // it holds the admins collection (password hashes): the super admin may download it
    await expect(row.getByRole('link', { name: 'Download' })).toBeVisible();

    await row.getByRole('button', { name: 'Restore' }).click();
    const restore = page.getByRole('dialog', { name: 'Restore' });
    await expect(restore.getByText('Preview — count what would change')).toBeVisible();
    await restore.getByRole('button', { name: 'Preview' }).click();
    const result = restore.getByTestId('restore-result-preview');
    await expect(result).toBeVisible({ timeout: 30_000 });
    await expect(result).toContainText('users');
    // Nothing changed since the backup, so every user is identical and nothing would be inserted.
    const usersRow = result.locator('tr').filter({ hasText: /^users/ });
    await expect(usersRow.locator('td').nth(2)).toHaveText('0');
    await page.screenshot({ path: '.data/test-results/backups-preview.png', fullPage: true });
    await restore.getByRole('button', { name: 'Close' }).click();

    await row.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('dialog', { name: 'Restore' }).getByText('Replace — make the collections').click();
    await expect(page.getByRole('dialog', { name: 'Restore' }).getByRole('button', { name: 'Replace' })).toBeDisabled();
    await page.screenshot({ path: '.data/test-results/backups-replace-confirm.png', fullPage: true });
  });

  test('admin can back up but not replace or delete; viewer cannot open the page', async ({ page, context }) => {
    await signInAs(page, 'admin');
    await page.goto('/backups');
    await expect(page.getByRole('button', { name: 'Back up now' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
    await expect(page.getByText('Upload archive')).toHaveCount(0);
    const row = page.getByTestId('backups-table').locator('tbody tr').first();
    await row.getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByRole('dialog', { name: 'Restore' }).getByRole('radio').nth(2)).toBeDisabled();
    const res = await page.request.post('/api/backups/upload', { data: 'x' });
    expect(res.status()).toBe(403);
    // a backup holding credentials (admins' password hashes): no link for an admin, and the route refuses
    await expect(row.getByTestId('download-needs-credentials')).toBeVisible();
    await expect(row.getByRole('link', { name: 'Download' })).toHaveCount(0);
    const list = await (await page.request.get(`/api/trpc/backup.list?input=${encodeURIComponent(JSON.stringify({ json: { limit: 10 } }))}`)).json();
    const held = (list.result.data.json as Array<{ id: string; status: string; holdsCredentials: boolean }>).find(
      (b) => b.status === 'complete' && b.holdsCredentials,
    );
    expect(held).toBeTruthy();
    const refused = await page.request.get(`/api/backups/${held!.id}/download`);
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.message).toMatch(/backup\.download\.credentials/);
    await context.clearCookies();
    await signInAs(page, 'viewer');
    await page.goto('/backups');
    await expect(page.getByText('Not available to your role')).toBeVisible();
    const dl = await page.request.get(`/api/backups/${'0'.repeat(24)}/download`);
    expect(dl.status()).toBe(403);
  });
});
