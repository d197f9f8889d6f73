import { expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'acube-demo';
export const ROLE_EMAIL = {
  super_admin: 'superadmin@acube.local',
  admin: 'admin@acube.local',
  content_manager: 'content@acube.local',
  moderator: 'moderator@acube.local',
  analyst: 'analyst@acube.local',
  viewer: 'viewer@acube.local',
} as const;

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAs(page: Page, role: keyof typeof ROLE_EMAIL) {
  await signIn(page, ROLE_EMAIL[role]);
  await expect(page.getByTestId('sidebar')).toBeVisible();
}

export async function sidebarItems(page: Page) {
  return page.getByTestId('sidebar').locator('a').allTextContents();
}
