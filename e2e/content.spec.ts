import { expect, test, type Page } from '@playwright/test';
import { signInAs } from './fixtures';

const unique = () => Math.random().toString(36).slice(2, 8);

async function newBlog(page: Page, title: string, body: string) {
  await page.goto('/content?type=blogs');
  await page.getByTestId('content-new').click();
  await expect(page).toHaveURL(/\/content\/blogs\/new$/);
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Body (Markdown)').fill(body);
  await page.getByTestId('content-save').click();
  await expect(page).toHaveURL(/\/content\/blogs\/[0-9a-f]{24}$/);
  await expect(page.getByTestId('editor-version')).toHaveText('version 1');
  return page.url();
}

test('the content manager writes a draft, previews it (sanitised), schedules it and sees it published', async ({ page }) => {
  test.setTimeout(240_000);
  await signInAs(page, 'content_manager');
  await page.getByTestId('sidebar').getByRole('link', { name: 'Content' }).click();
  await expect(page.getByTestId('content-table').locator('tbody tr').first()).toBeVisible();

  await page.getByTestId('content-new').click();
  await expect(page).toHaveURL(/\/content\/blogs\/new$/);
  const title = `Box breathing ${unique()}`;
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page
    .getByLabel('Body (Markdown)')
    .fill(
      '# Breathing\n\nTry **box breathing** for [four counts](https://acube.example/breathe).\n\n<script>window.__xss = 1</script>\n\n<img src="x" onerror="window.__xss = 2">\n\n[bad](javascript:window.__xss=3)',
    );
  const preview = page.getByTestId('preview');
  await expect(preview.locator('h1')).toHaveText('Breathing');
  await expect(preview.locator('strong')).toHaveText('box breathing');
  await expect(preview.locator('a[href="https://acube.example/breathe"]')).toHaveText('four counts');
  await expect(preview.locator('script')).toHaveCount(0);
  expect(await preview.innerHTML()).not.toMatch(/onerror|javascript:/i);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  await page.getByTestId('content-save').click();
  await expect(page).toHaveURL(/\/content\/blogs\/[0-9a-f]{24}$/);
  await expect(page.getByTestId('editor-version')).toHaveText('version 1');
  await expect(page.getByTestId('editor-status')).toHaveText('draft');

  // schedule it for the next minute (UTC); the app's scheduler publishes it then, the editor looks every 15 s
  const at = new Date(Math.ceil((Date.now() + 10_000) / 60_000) * 60_000);
  await page.getByLabel('Publish at (UTC)').fill(at.toISOString().slice(0, 16));
  await page.getByTestId('schedule-save').click();
  await expect(page.getByTestId('scheduled-badge')).toBeVisible();
  await expect(page.getByTestId('editor-status')).toHaveText('published', { timeout: 150_000 });
  await expect(page.getByTestId('scheduled-badge')).toHaveCount(0);

  // the history shows each step, the scheduled publish included
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByTestId('history');
  await expect(history).toContainText('published on schedule');
  await expect(history).toContainText('schedule changed');
  await expect(history).toContainText('created');

  // and the list shows it as published
  await page.goto(`/content?type=blogs&status=published&q=${encodeURIComponent(title.split(' ').pop()!)}`);
  await expect(page.getByTestId('content-table')).toContainText(title);
});

test('a conflicting edit in two browser contexts shows the merge view; nothing is overwritten unseen', async ({ browser }) => {
  test.setTimeout(120_000);
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  await signInAs(a, 'content_manager');
  await signInAs(b, 'admin');
  const url = await newBlog(a, `Shared draft ${unique()}`, 'Original body');
  await b.goto(url);
  await expect(b.getByTestId('editor-version')).toHaveText('version 1');

  // A changes the excerpt and saves first
  await a.getByLabel('Excerpt').fill('Excerpt written by A');
  await a.getByTestId('content-save').click();
  await expect(a.getByTestId('editor-version')).toHaveText('version 2');

  // B, still on version 1, changes the body: the server answers CONFLICT and B sees both versions
  await b.getByLabel('Body (Markdown)').fill('Body rewritten by B');
  await b.getByTestId('content-save').click();
  const merge = b.getByTestId('merge-view');
  await expect(merge).toBeVisible();
  await expect(merge.getByTestId('theirs-excerpt')).toHaveText('Excerpt written by A');
  await expect(merge.getByTestId('mine-body')).toHaveText('Body rewritten by B');
  await expect(merge.getByTestId('theirs-body')).toHaveText('Original body');
  // defaults: A's excerpt (B did not touch it), B's body (A did not touch it)
  await expect(merge.getByRole('radio', { name: 'Take their Excerpt' })).toBeChecked();
  await expect(merge.getByRole('radio', { name: 'Keep my Body (Markdown)' })).toBeChecked();
  await merge.getByTestId('merge-apply').click();
  await expect(merge).toHaveCount(0);
  await b.getByTestId('content-save').click();
  await expect(b.getByTestId('editor-version')).toHaveText('version 3');

  // A reloads: both edits are there
  await a.reload();
  await expect(a.getByLabel('Excerpt')).toHaveValue('Excerpt written by A');
  await expect(a.getByLabel('Body (Markdown)')).toHaveValue('Body rewritten by B');
  await ctxA.close();
  await ctxB.close();
});

test('history shows a diff and restores an earlier version as a new one', async ({ page }) => {
  await signInAs(page, 'content_manager');
  await newBlog(page, `Diff me ${unique()}`, 'calm words here');
  await page.getByLabel('Body (Markdown)').fill('calm new words here');
  await page.getByTestId('content-save').click();
  await expect(page.getByTestId('editor-version')).toHaveText('version 2');
  await page.getByRole('tab', { name: 'History' }).click();
  await page.getByRole('button', { name: /Version 2 · saved/ }).click();
  await expect(page.getByTestId('history').locator('ins')).toContainText('new');
  await page.getByRole('button', { name: /Version 1 · created/ }).click();
  await page.getByRole('button', { name: 'Restore version 1' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('editor-version')).toHaveText('version 3');
  await expect(page.getByTestId('history')).toContainText('restored (from version 1)');
  await page.getByRole('tab', { name: 'Edit' }).click();
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue('calm words here');
});

test('an event shows its registrations and capacity; cancelling it marks them and queues notices', async ({ page }) => {
  await signInAs(page, 'content_manager');
  await page.goto('/content?type=events&status=published');
  await page.getByTestId('content-table').locator('tbody tr').first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/content\/events\/[0-9a-f]{24}$/);
  await page.getByRole('tab', { name: 'Registrations' }).click();
  await expect(page.getByTestId('capacity-left')).toBeVisible();
  // no data.personal.read: emails are masked
  const regs = page.getByTestId('registrations');
  if ((await regs.locator('tbody tr').count()) > 0 && !(await regs.locator('tbody').textContent())?.includes('Nobody'))
    await expect(regs.locator('tbody')).toContainText('••••');
  await page.getByTestId('status-cancelled').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Reason/).fill('Venue flooded');
  await dialog.getByRole('button', { name: 'Cancel event' }).click();
  await expect(page.getByTestId('editor-status')).toHaveText('cancelled');
  await expect(page.getByRole('status').filter({ hasText: 'notice(s) queued' })).toBeVisible();
});

test('the event editor tabs pass axe at desktop and phone widths without sideways scroll', async ({ page }) => {
  test.setTimeout(120_000);
  const AxeBuilder = (await import('@axe-core/playwright')).default;
  await signInAs(page, 'content_manager');
  await page.goto('/content?type=events');
  await page.getByTestId('content-table').locator('tbody tr').first().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/content\/events\/[0-9a-f]{24}$/);
  await expect(page.getByTestId('editor-version')).toBeVisible();
  for (const [w, h] of [
    [1440, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const tab of ['Edit', 'History', 'Registrations']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const o = await page.evaluate(() => ({ s: document.documentElement.scrollWidth, c: document.documentElement.clientWidth }));
      expect.soft(o.s, `${tab} at ${w}: sideways scroll`).toBeLessThanOrEqual(o.c);
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')}`,
        );
      expect.soft(bad, `${tab} at ${w}`).toEqual([]);
    }
  }
});
