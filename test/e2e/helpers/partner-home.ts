/**
 * The partner-home browser tests' steps: signing in, the sidebar, and `check` — the shared
 * per-screen checks of helpers/walk.ts (axe, no sideways scroll, no id or code on screen, no badge
 * cut short, no empty state where the server refused) with screenshots under
 * artifacts/screenshots/partner-home-*.png.
 */
import type { Page } from 'playwright-core';
import { clickSidebar, walkPage } from './walk.ts';

export { CODES, signedIn, WIDTHS, type Size } from './walk.ts';

/** A sidebar entry by its visible name (the phone menu opened first, and closed again after). */
export async function clickNav(page: Page, phone: boolean, name: RegExp): Promise<void> {
  await clickSidebar(page, phone, 'nav-partner', name);
}

/** Home in the sidebar. */
export async function openHome(page: Page, phone: boolean): Promise<void> {
  await clickNav(page, phone, /^Home/);
  await page.waitForURL((u) => u.pathname === '/partner');
}

/** Checks the screen as it is and saves it; returns the main area's text. */
export async function check(page: Page, name: string): Promise<string> {
  return walkPage(page, `partner-home-${name}`);
}
