/**
 * The checks every persona journey makes on each screen it reaches, in one place:
 *   - loaded: no skeleton or loading marker left, the network quiet
 *   - axe-core: no serious or critical violation
 *   - nothing wider than the window (no sideways scroll)
 *   - no badge cut short
 *   - no id (ptr_…, tnt_…) or permission code (billing.invoices.read) in the main area, but in what a
 *     developer copies into code and the page marks so (data-technical: a client id, scope strings)
 *   - a refusal is not dressed up as nothing: when the server refused one of the page's reads (403),
 *     the page shows no "No …" empty message and no figure of 0 / $0.00 in its place
 * and a full-page screenshot under artifacts/screenshots/<name>.png (not in CI: STEP_SCREENSHOTS in portal.ts).
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

/**
 * An id, whole or cut short (usr_06h14wa4…), or a permission code (billing.invoices.read) shown as
 * text — but not a host name in a web address (https://field.northwind.example/callback).
 */
export const CODES =
  /\b(?:ptr|tnt|usr|ban|dlg|act|app|agr|pay|agy|agt|vch|whk|whd|evt|tkt|inv|ord|svc|alr|ntf|sub|pln|ern|kyc|sla|usg)_[0-9a-z]{6,}|(?<![/.@\w-])[a-z]+\.[a-z_]+\.[a-z_*]+(?![/:\w-]|\.\w)/;

interface El {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  getClientRects(): ArrayLike<unknown>;
}
interface Doc {
  document: { querySelectorAll(s: string): ArrayLike<El> };
}

/** The reads the server refused (403) per page since its last check. */
const refused = new WeakMap<Page, string[]>();

/** Starts noting the page's refused reads; walkPage does it too, but only from its first call on. */
export function watchRefusals(page: Page): void {
  if (refused.has(page)) return;
  refused.set(page, []);
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() === 403 && r.request().method() === 'GET' && u.pathname.startsWith('/api/')) refused.get(page)?.push(u.pathname);
  });
}

/** A fresh browser context at `size`, signed in through the login form, its refusals watched. */
export async function signedIn(portal: Portal, email: string, password: string, size: Size): Promise<Page> {
  const page = await portal.newPage();
  await page.setViewportSize(size);
  watchRefusals(page);
  await login(page, email, password);
  return page;
}

/** Opens (on a phone) or closes the sidebar menu. */
export async function phoneMenu(page: Page, phone: boolean, open: boolean): Promise<void> {
  if (!phone) return;
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const isOpen = (await burger.locator('[data-opened]').count()) > 0;
  if (isOpen !== open) await burger.click();
}

/** A sidebar entry by its visible name, in the sidebar `nav` (nav-partner, nav-tenant, nav-operator). */
export async function clickSidebar(page: Page, phone: boolean, nav: string, name: RegExp): Promise<void> {
  await phoneMenu(page, phone, true);
  await page.getByTestId(nav).getByRole('link', { name }).first().click();
  if (!phone) return;
  // the portal closes the phone menu itself when the page changes: wait for that before closing it by hand
  await page.getByRole('button', { name: 'Toggle navigation' }).locator('[data-opened]').waitFor({ state: 'detached', timeout: 3_000 }).catch(() => undefined);
  await phoneMenu(page, phone, false);
}

/** Checks the screen as it is (see the file's header) and saves it as `name`; returns the main area's text. */
export async function walkPage(page: Page, name: string, opts: { /** a live preview keeps asking the server: the network never goes quiet */ live?: boolean } = {}): Promise<string> {
  watchRefusals(page);
  await page.waitForFunction(
    () => (globalThis as unknown as Doc).document.querySelectorAll('[data-state="loading"], [aria-label="Loading"], [aria-label="Loading the page"], [aria-busy="true"]').length === 0,
    undefined,
    { timeout: 30_000 },
  );
  if (!opts.live) await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  const cut = await page.evaluate(() =>
    Array.from((globalThis as unknown as Doc).document.querySelectorAll('.mantine-Badge-root, .mantine-Badge-label'))
      .filter((b) => b.scrollWidth > b.clientWidth + 1)
      .map((b) => b.textContent ?? ''),
  );
  expect(cut, `${name}: a badge cut short`).toEqual([]);
  await screenshot(page, name);
  // a page without a main landmark (the embedded form) is read whole
  const area = (await page.locator('main').count()) > 0 ? page.locator('main').first() : page.locator('body');
  const text = await area.innerText();
  // what a developer copies into code (a client id, scope strings) is marked data-technical and may be code
  let shown = text;
  // longest first: a short technical word inside a sentence ("script") must not break a longer code block apart before it is removed
  const technical = (await area.locator('[data-technical]').allInnerTexts()).sort((a, b) => b.length - a.length);
  for (const t of technical) shown = shown.split(t).join(' ');
  expect(shown, `${name}: an id or a permission code on screen`).not.toMatch(CODES);
  // a message the catalog does not hold shows its ICU source ("{count, plural, one {…}}") instead of words
  expect(text, `${name}: a message shown unformatted`).not.toMatch(/\{\w+, (?:plural|select|selectordinal),/);
  const denied = refused.get(page)!.splice(0);
  if (denied.length > 0) {
    const nothing = await page.evaluate(() => {
      const doc = (globalThis as unknown as Doc).document;
      const shown = (e: El) => e.getClientRects().length > 0;
      const empties = Array.from(doc.querySelectorAll('main [data-empty]')).filter(shown);
      const zeros = Array.from(doc.querySelectorAll('main [data-testid$="-value"]')).filter((e) => shown(e) && /^\s*(?:0|\$0\.00|none)\s*$/i.test(e.textContent ?? ''));
      return [...empties, ...zeros].map((e) => (e.textContent ?? '').trim().slice(0, 60));
    });
    expect(nothing, `${name}: the server refused ${denied.join(', ')} and the page shows nothing or zero instead of saying so`).toEqual([]);
  }
  return text;
}
