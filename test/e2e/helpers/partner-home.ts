/**
 * What every partner-home browser test checks on each screen: loaded (no skeleton left), no serious
 * or critical axe-core violation, nothing wider than the window, no id or permission code in the
 * main area, no badge cut short; and a screenshot under artifacts/screenshots/partner-home-*.png.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './axe.ts';
import { expectNoSidewaysScroll, settled } from './layout.ts';
import { login, screenshot, type Portal } from './portal.ts';

export const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;
export type Size = (typeof WIDTHS)[number];

/** An id (ptr_…, tnt_…, usr_…, ban_…, dlg_…, app_…) or a permission code (billing.invoices.read) shown as text. */
export const CODES = /\b(?:ptr|tnt|usr|ban|dlg|act|app|agr|pay)_[0-9a-z]{10,}\b|\b[a-z]+\.[a-z_]+\.[a-z_]+\b/;

interface Doc {
  document: { querySelectorAll(s: string): ArrayLike<{ scrollWidth: number; clientWidth: number; textContent: string | null }> };
}

export async function signedIn(portal: Portal, email: string, password: string, size: Size): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  await login(page, email, password);
  return page;
}

async function menu(page: Page, phone: boolean, open: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const isOpen = (await burger.locator('[data-opened]').count()) > 0;
  if (isOpen !== open) await burger.click();
}

/** A sidebar entry by its visible name (the phone menu opened first, and closed again after). */
export async function clickNav(page: Page, phone: boolean, name: RegExp): Promise<void> {
  await menu(page, phone, true);
  await page.getByTestId('nav-partner').getByRole('link', { name }).first().click();
  await menu(page, phone, false);
}

/** Home in the sidebar. */
export async function openHome(page: Page, phone: boolean): Promise<void> {
  await clickNav(page, phone, /^Home/);
  await page.waitForURL((u) => u.pathname === '/partner');
}

/** Checks the screen as it is and saves it; returns the main area's text. */
export async function check(page: Page, name: string): Promise<string> {
  await page.waitForFunction(() => (globalThis as unknown as Doc).document.querySelectorAll('[data-state="loading"], [aria-label="Loading"]').length === 0, undefined, { timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  const cut = await page.evaluate(() =>
    Array.from((globalThis as unknown as Doc).document.querySelectorAll('.mantine-Badge-root, .mantine-Badge-label'))
      .filter((b) => b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.textContent ?? ''),
  );
  expect(cut, `${name}: a badge cut short`).toEqual([]);
  await screenshot(page, `partner-home-${name}`);
  const text = await page.locator('main').innerText();
  expect(text, `${name}: an id or a permission code on screen`).not.toMatch(CODES);
  return text;
}
