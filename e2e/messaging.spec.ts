/**
 * A campaign for at-risk members, end to end against the test Mailpit (scripts/test.mjs starts it and
 * passes SMTP_URL / MAILPIT_API to the app): build it, send it, watch it finish, open the message in
 * Mailpit's own inbox, follow its tracked link, unsubscribe with one click (no session), see the report.
 */
import { expect, request as pwRequest, test } from '@playwright/test';
import { signInAs, sidebarItems } from './fixtures';

const MAILPIT = (process.env.MAILPIT_API || 'http://127.0.0.1:8026').replace(/\/+$/, '');

test('campaign for at-risk members: send, inbox, click, one-click unsubscribe, report', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await signInAs(page, 'super_admin');
  await page.goto('/messaging/campaigns');
  const builder = page.getByTestId('campaign-builder');
  const name = `At-risk e2e ${Date.now()}`;
  await builder.getByLabel('Name').fill(name);
  await builder.getByLabel('Template').selectOption('reengagement');
  await builder.getByLabel('Audience').selectOption('at_risk');
  await builder.getByLabel('Skip members contacted in the last (days)').fill('0');
  await builder.getByRole('button', { name: 'Preview audience' }).click();
  const send = page.getByTestId('audience-send');
  await expect(send).toBeVisible({ timeout: 60_000 });
  const planned = Number((await send.textContent())!.replace(/\D/g, ''));
  expect(planned).toBeGreaterThan(0);
  await builder.getByRole('button', { name: 'Send campaign now' }).click();

  await expect(page).toHaveURL(/\/messaging\/campaigns\/[0-9a-f]{24}$/);
  const campaignId = page.url().split('/').pop()!;
  await expect(page.getByTestId('campaign-detail').getByRole('heading', { level: 1 })).toContainText(name);
  // live progress until every message is processed
  // (the preview's split is an estimate: the holdout is drawn per campaign, once it exists)
  await expect(page.getByTestId('campaign-progress')).toHaveText(/^([1-9][\d,]*) of \1 processed/, { timeout: 120_000 });
  const sent = (await page.getByTestId('campaign-progress').textContent())!.split(' of ')[0]!;
  expect(Math.abs(Number(sent.replace(/,/g, '')) - planned)).toBeLessThanOrEqual(Math.ceil(planned * 0.3) + 3);
  await expect(page.getByTestId('tile-sent')).toContainText(sent);

  // the messages are in Mailpit: find one of this campaign through the API, open it in Mailpit's inbox
  const api = await pwRequest.newContext();
  const search = await (await api.get(`${MAILPIT}/api/v1/search?query=${encodeURIComponent('subject:"a few things picked for you"')}&limit=200`)).json();
  let mail: { ID: string; Subject: string } | null = null;
  let headers: Record<string, string[]> = {};
  for (const m of search.messages as { ID: string; Subject: string }[]) {
    const h = await (await api.get(`${MAILPIT}/api/v1/message/${m.ID}/headers`)).json();
    if (h['X-Acube-Campaign']?.[0] === campaignId || h['X-ACube-Campaign']?.[0] === campaignId) {
      mail = m;
      headers = h;
      break;
    }
  }
  expect(mail, 'a message of this campaign in Mailpit').not.toBeNull();
  await page.goto(`${MAILPIT}/view/${mail!.ID}`);
  await expect(page.getByText(mail!.Subject).first()).toBeVisible();

  // its tracked link (the "Come back" button) redirects to the app and is counted as a click
  const full = await (await api.get(`${MAILPIT}/api/v1/message/${mail!.ID}`)).json();
  const links = [...(full.HTML as string).matchAll(/href="([^"]*\/api\/messaging\/t\/c\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  expect(links.length).toBeGreaterThan(0);
  const appLink = links[links.length - 1]!; // the button to the app (recommendation links point to the platform)
  await page.goto(appLink);
  await expect(page).toHaveURL(new RegExp(`^${baseURL}`));

  // RFC 8058 one-click unsubscribe: a POST without any session
  const unsub = headers['List-Unsubscribe']![0]!.replace(/^<|>$/g, '');
  expect(headers['List-Unsubscribe-Post']).toEqual(['List-Unsubscribe=One-Click']);
  const anon = await pwRequest.newContext();
  const res = await anon.post(unsub, { form: { 'List-Unsubscribe': 'One-Click' } });
  expect(res.status()).toBe(200);
  const tampered = await anon.post(
    unsub.replace(/token=(.)/, (_m, c: string) => `token=${c === 'e' ? 'f' : 'e'}`),
    { form: { 'List-Unsubscribe': 'One-Click' } },
  );
  expect(tampered.status()).toBe(400);

  // the report counts the click and the unsubscribe
  await page.goto(`/messaging/campaigns/${campaignId}`);
  await expect(page.getByTestId('tile-clicked')).toContainText('1');
  await expect(page.getByTestId('tile-unsubscribed')).toContainText('1');
  await expect(page.getByTestId('uplift-table')).toContainText('7 days');
  await api.dispose();
  await anon.dispose();
});

test('messaging sections by role: analyst reads reports without sending, viewer sees none', async ({ page }) => {
  await signInAs(page, 'analyst');
  const items = await sidebarItems(page);
  expect(items).toEqual(expect.arrayContaining(['Campaigns', 'Outbox', 'Suppressions']));
  expect(items).not.toContain('Templates');
  await page.goto('/messaging/campaigns');
  await expect(page.getByTestId('campaigns-table')).toBeVisible();
  await expect(page.getByTestId('campaign-builder')).toHaveCount(0);
  await page.goto('/messaging/outbox');
  await expect(page.getByTestId('outbox-table')).toBeVisible();
  await expect(page.getByLabel('Recipient address')).toHaveCount(0); // no address search without personal data
  await page.context().clearCookies();
  await signInAs(page, 'viewer');
  expect(await sidebarItems(page)).not.toContain('Campaigns');
  await page.goto('/messaging/templates');
  await expect(page.getByText(/Templates section/)).toBeVisible();
});

test('templates: an unknown variable is refused at save time; the preview renders', async ({ page }) => {
  await signInAs(page, 'content_manager');
  await page.goto('/messaging/templates');
  const editor = page.getByTestId('template-editor');
  await expect(editor).toBeVisible();
  await expect(page.getByTestId('preview-subject')).not.toBeEmpty({ timeout: 30_000 });
  const subject = editor.getByLabel('Subject');
  await subject.fill('Hello {{ member.nickname }}');
  await editor.getByRole('button', { name: 'Save new version' }).click();
  await expect(page.getByTestId('template-error')).toContainText('unknown variable member.nickname');
});

test('messaging pages at 1440 and 390: no sideways scroll, no serious axe violation', async ({ page }) => {
  test.setTimeout(180_000);
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  await signInAs(page, 'super_admin');
  await page.goto('/messaging/campaigns');
  const first = page.getByTestId('campaigns-table').locator('a[href^="/messaging/campaigns/"]').first();
  const detail = (await first.count()) ? await first.getAttribute('href') : null;
  const pages = ['/messaging/templates', '/messaging/campaigns', '/messaging/outbox', '/messaging/suppressions', ...(detail ? [detail] : [])];
  for (const size of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    for (const href of pages) {
      await page.goto(href);
      await expect(page.locator('[data-testid="skeleton"], .skeleton-row')).toHaveCount(0, { timeout: 30_000 });
      const o = await page.evaluate(() => ({ s: document.documentElement.scrollWidth, c: document.documentElement.clientWidth }));
      expect.soft(o.s, `${href} ${size.width}: sideways scroll`).toBeLessThanOrEqual(o.c);
      // the email preview (sandboxed srcdoc frame) is the email's markup, and axe cannot run inside it
      const axe = await new AxeBuilder({ page }).exclude('iframe[srcdoc]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.help} — ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ')}`,
        );
      expect.soft(bad, `${href} ${size.width}: axe`).toEqual([]);
    }
  }
});
