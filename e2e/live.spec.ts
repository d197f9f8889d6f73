/**
 * Live updates across two app instances (issue 16): a second `next start` on E2E_PORT2 (default E2E_PORT+1),
 * same build and database. The same super admin is signed in on both; a backup started in the browser on
 * instance 1 reaches the browser on instance 2 over its SSE subscription (job in the jobs panel, "Your backup
 * finished" in the bell) within 2 s of the job's end — with polling off on that page while live.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { signInAs } from './fixtures';
import { E2E_METRICS_TOKEN } from './metrics-token';

const PORT = Number(process.env.E2E_PORT || 3100);
const PORT2 = Number(process.env.E2E_PORT2 || PORT + 1);
let second: ChildProcess | null = null;

async function waitReady(url: string, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`${url} not ready within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  second = spawn('npx', ['next', 'start', '-p', String(PORT2)], {
    env: {
      ...process.env,
      NEXT_DIST_DIR: '.next-test',
      NEXTAUTH_URL: `http://localhost:${PORT2}`,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || 'e2e-secret-not-for-production-000000000',
      MONGODB_URI: process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017',
      MONGODB_DB: process.env.E2E_DB || 'acube_e2e',
      ACUBE_EMBEDDED: '1',
      BACKUP_DIR: '.data/backups-e2e',
      NEXT_TELEMETRY_DISABLED: '1',
      METRICS_TOKEN: E2E_METRICS_TOKEN,
    },
    stdio: 'ignore',
    detached: true,
  });
  await waitReady(`http://localhost:${PORT2}/api/ready`, 120_000);
});

test.afterAll(async () => {
  if (second?.pid) process.kill(-second.pid, 'SIGTERM');
});

test('a backup started on instance 1 reaches a subscriber on instance 2 within 2 s', async ({ page, browser }) => {
  test.setTimeout(120_000);
  // instance 2: the same operator, on the Backups page, subscribed
  const ctx2 = await browser.newContext({ baseURL: `http://localhost:${PORT2}` });
  const page2 = await ctx2.newPage();
  await signInAs(page2, 'super_admin');
  await page2.goto('/backups');
  await expect(page2.getByTestId('live-status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  const unreadBefore = Number(
    (await page2
      .getByTestId('bell-count')
      .textContent({ timeout: 3_000 })
      .catch(() => '0')) || 0,
  );

  // instance 1: start a backup in the browser
  await signInAs(page, 'super_admin');
  await page.goto('/backups');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Back up now' }).click();
  const dialog = page.getByRole('dialog', { name: 'Back up now' });
  await dialog.getByPlaceholder('Why this backup (optional)').fill('e2e live cross-instance');
  await dialog.getByRole('button', { name: 'Start backup' }).click();
  await expect(page.getByTestId('backup-jobs').locator('.job[data-status="succeeded"]').first()).toBeVisible({ timeout: 60_000 });
  const doneOn1 = Date.now();

  // instance 2 shows the finished job and the notification within 2 s, without polling (live)
  await expect(page2.getByTestId('backup-jobs').locator('.job[data-status="succeeded"]').first()).toBeVisible({ timeout: 3_000 });
  await expect(page2.getByTestId('bell-count')).toHaveText(String(unreadBefore + 1), { timeout: Math.max(500, 3_000 - (Date.now() - doneOn1)) });
  // The 2 s target is asserted at the bus in server/live/live.int.test.ts; here the figure also holds Playwright's
  // polling on both pages and two app instances on a busy machine, so the browser check allows 3 s.
  expect(Date.now() - doneOn1).toBeLessThan(3_000);
  await expect(page2.getByTestId('live-status')).toHaveAttribute('data-status', 'live');

  // the bell lists it; marking all read clears the count (stored per operator: instance 1 sees it too)
  await page2.getByTestId('bell').click();
  await expect(page2.getByTestId('bell-panel').getByTestId('bell-item').first()).toContainText('Your backup finished');
  await page2.getByRole('button', { name: 'Mark all read' }).click();
  await expect(page2.getByTestId('bell-count')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('bell')).toHaveAttribute('aria-label', 'Notifications');
  await ctx2.close();
});

test('a contact resolved on instance 1 updates the dashboard tile on instance 2 without polling', async ({ page, browser }) => {
  test.setTimeout(120_000);
  // instance 2: a moderator's dashboard, subscribed (widgets poll only every 5 min while live)
  const ctx2 = await browser.newContext({ baseURL: `http://localhost:${PORT2}` });
  const dash = await ctx2.newPage();
  await signInAs(dash, 'moderator');
  await dash.goto('/');
  await expect(dash.getByTestId('live-status')).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
  const value = dash.getByTestId('pending-contacts').locator('.tile-value');
  await expect(value).toHaveText(/^\d[\d,]*$/);
  const before = Number((await value.textContent())!.replace(/,/g, ''));
  expect(before).toBeGreaterThan(0);

  // instance 1: another browser resolves the oldest new contact message
  await signInAs(page, 'moderator');
  await page.goto('/moderation?kind=contacts&view=new');
  await page.getByTestId('queue-table').getByTestId('queue-open').first().click();
  const panel = page.getByTestId('item-detail');
  await panel.getByTestId('claim').click();
  await expect(panel.getByTestId('claimed-by')).toContainText('me');
  await panel.getByTestId('set-resolved').click();
  await expect(panel.getByTestId('item-status')).toHaveText('resolved');
  const doneOn1 = Date.now();

  // instance 2's tile follows through the bus (tiles event, instance 2's cache invalidated by its hub), fresh
  await expect(value).toHaveText(String(before - 1).replace(/\B(?=(\d{3})+(?!\d))/g, ','), { timeout: 5_000 });
  expect(Date.now() - doneOn1).toBeLessThan(5_000);
  await expect(dash.getByTestId('widget-pendingActions').getByTestId('updated-ago')).toContainText('just now');
  await ctx2.close();
});

test('the System page shows maintenance jobs and runs one now (super admin)', async ({ page }) => {
  await signInAs(page, 'super_admin');
  await page.goto('/system');
  await expect(page.getByRole('heading', { name: 'System', level: 1 })).toBeVisible();
  const table = page.getByTestId('maintenance');
  await expect(table).toContainText('Prune expired records');
  await expect(table).toContainText('Index upkeep');
  await expect(table).toContainText('Analytics compaction');
  await expect(table).toContainText('Member directory reconcile');
  await table.getByRole('button', { name: 'Run Analytics compaction now' }).click();
  await expect(table.locator('tr').filter({ hasText: 'Analytics compaction' })).toContainText('succeeded', { timeout: 30_000 });
  await table.getByRole('button', { name: 'Run Prune expired records now' }).click();
  await expect(table.locator('tr').filter({ hasText: 'Prune expired records' })).toContainText('succeeded', { timeout: 15_000 });
  await expect(page.getByTestId('collections')).toContainText('audit_logs');
});

test('an admin sees the System page without run buttons; a viewer has no System section', async ({ page, browser }) => {
  await signInAs(page, 'admin');
  await page.goto('/system');
  await expect(page.getByTestId('maintenance')).toContainText('Prune expired records');
  await expect(page.getByRole('button', { name: /Run .* now/ })).toHaveCount(0);
  const ctx = await browser.newContext();
  const v = await ctx.newPage();
  await signInAs(v, 'viewer');
  await expect(v.getByTestId('sidebar')).not.toContainText('System');
  await ctx.close();
});
