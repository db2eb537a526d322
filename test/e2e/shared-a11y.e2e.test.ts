/**
 * The signed-in shell is usable by keyboard and screen reader for every kind of person: the demo world's
 * operator, a tenant admin, an MSP's member and a referral partner open their home and their audit log at a
 * laptop (1366 px) and a phone (390 px) width (the MSP's member also its ticket queue). On each page axe-core finds no serious or critical
 * accessibility violation, the first Tab stop is a "Skip to main content" link that moves focus to the
 * page's main region, no status badge is cut short, and nothing scrolls sideways on the phone. An audit
 * row's details open from the keyboard alone.
 * Screenshots land in artifacts/screenshots/shared-a11y-*.png; what axe found on each page (all
 * impacts, by rule) is written to artifacts/shared-a11y-violations.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, networkQuiet, screenshot, startPortal, SCREENSHOT_DIR, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';

/** axe-core's browser bundle, evaluated in each page (through the DevTools protocol, which the portal's CSP does not govern). */
const AXE_SOURCE: string = createRequire(import.meta.url)('axe-core').source;

/** The few page globals these checks read (this file is typed for Node, not the DOM). */
interface El {
  tagName: string;
  id: string;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
}
interface Axe {
  run(
    context: unknown,
    options: unknown,
  ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[]; any: { data: { fgColor?: string; bgColor?: string; contrastRatio?: number } | null }[] }[] }[] }>;
}
interface Win {
  axe: Axe;
  document: { activeElement: El | null; querySelectorAll(s: string): ArrayLike<El> };
}

const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;

interface Found {
  id: string;
  impact: string;
  nodes: number;
  where: string[];
}
/** per "persona page width": what axe found there */
const found: Record<string, Found[]> = {};

let portal: Portal;
let world: Awaited<ReturnType<typeof seedDemo>>;

beforeAll(async () => {
  portal = await startPortal();
  world = await seedDemo(portal.t.services);
}, 120_000);
afterAll(async () => {
  const file = path.join(path.dirname(SCREENSHOT_DIR), 'shared-a11y-violations.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(found, null, 2)}\n`);
  const lines = Object.entries(found).map(([k, v]) => `${k}: ${v.reduce((n, f) => n + f.nodes, 0)} elements in ${v.length} rules${v.length ? ` (${v.map((f) => `${f.id}/${f.impact}×${f.nodes}`).join(', ')})` : ''}`);
  process.stdout.write(`axe per page:\n${lines.join('\n')}\n`);
  await portal?.close();
});

/** Runs axe on the page as it is; records every violation and returns the serious and critical ones. */
async function axe(page: Page, key: string): Promise<Found[]> {
  if (!(await page.evaluate(() => typeof (globalThis as unknown as Partial<Win>).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => (globalThis as unknown as Win).axe.run({ exclude: [['[data-axe-skip]']] }, { resultTypes: ['violations'] }));
  const all = result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', nodes: v.nodes.length, where: v.nodes.map((n) => {
      // for contrast, the colours and ratio too: what to change
      const c = n.any[0]?.data;
      return c?.fgColor ? `${n.target.join(' ')} ${c.fgColor} on ${c.bgColor} = ${c.contrastRatio}` : n.target.join(' ');
    }) }));
  found[key] = all;
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Opens a page and waits until its data is on screen. */
async function open(page: Page, to: string, ready: string): Promise<void> {
  await page.goto(to);
  await page.getByTestId(ready).first().waitFor();
  await networkQuiet(page);
  await page.locator('[aria-label="Loading the page"], [aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await settled(page);
}

/** The first Tab stop is the skip link, and following it puts focus on the page's main region. */
async function expectSkipLink(page: Page, what: string, shot?: string): Promise<void> {
  await page.keyboard.press('Tab');
  if (shot) await screenshot(page, shot);
  const first = await page.evaluate(() => {
    const a = (globalThis as unknown as Win).document.activeElement;
    return { text: a?.textContent?.trim() ?? '', href: a?.getAttribute('href') ?? '' };
  });
  expect.soft(first.text, `${what}: the first Tab stop`).toBe('Skip to main content');
  if (first.text !== 'Skip to main content') return;
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => {
    const a = (globalThis as unknown as Win).document.activeElement;
    return { tag: a?.tagName.toLowerCase() ?? '', id: a?.id ?? '' };
  });
  expect(focused.tag, `${what}: focus after the skip link`).toBe('main');
  expect(first.href).toBe(`#${focused.id}`);
}

/** No status badge shows its words cut off with an ellipsis ("WAITING ON C…"). */
async function expectBadgesWhole(page: Page, what: string): Promise<void> {
  const cut = await page.evaluate(() =>
    Array.from((globalThis as unknown as Win).document.querySelectorAll('.mantine-Badge-label, .mantine-Badge-root'))
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => e.textContent ?? ''),
  );
  expect.soft(cut, `${what}: badges cut short`).toEqual([]);
}

async function checkPage(page: Page, persona: string, name: string, to: string, ready: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await open(page, to, ready);
    const what = `${persona} ${name} at ${size.width} px`;
    // from the fresh load, so the skip link is the first thing Tab reaches
    await expectSkipLink(page, what, name === 'home' ? `shared-a11y-${persona}-skip-link-${size.width}` : undefined);
    await screenshot(page, `shared-a11y-${persona}-${name}-${size.width}`);
    const bad = await axe(page, `${persona} ${name} ${size.width}`);
    // soft: every page is checked and reported before the test fails
    expect.soft(bad, `${what}: serious or critical accessibility violations`).toEqual([]);
    await expectBadgesWhole(page, what);
    if (size.width === 390) await expectNoSidewaysScroll(page, what);
  }
}

/** An audit row's details open and close with the keyboard alone, at both widths. */
async function openAuditRowByKeyboard(page: Page, persona: string, auditPath: string): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    await open(page, auditPath, 'audit-table');
    const row = page.getByTestId('audit-table').getByTestId('audit-row-open').first();
    await row.focus();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('audit-event-detail');
    await drawer.waitFor();
    await screenshot(page, `shared-a11y-${persona}-audit-detail-${size.width}`);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    // and with Space, the other key that presses a button
    await row.focus();
    await page.keyboard.press('Space');
    await drawer.waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  }
}

async function journey(
  persona: string,
  who: { email: string; password: string },
  home: { ready: string },
  auditPath: (homeUrl: string) => string,
  more: { name: string; path: string; ready: string }[] = [],
): Promise<void> {
  const page = await portal.newPage();
  await login(page, who.email, who.password);
  const homeUrl = new URL(page.url()).pathname;
  await checkPage(page, persona, 'home', homeUrl, home.ready);
  for (const m of more) await checkPage(page, persona, m.name, m.path, m.ready);
  const audit = auditPath(homeUrl);
  await checkPage(page, persona, 'audit', audit, 'audit-table');
  await openAuditRowByKeyboard(page, persona, audit);
}

describe('the signed-in shell is accessible for every kind of person', () => {
  it('the operator', { timeout: 240_000 }, async () => {
    await journey('operator', world.operator, { ready: 'user-menu' }, () => '/operator/audit');
  });

  it('a tenant admin', { timeout: 240_000 }, async () => {
    const acme = world.tenants.find((t) => t.slug === 'acme-fiber')!;
    await journey('tenant-admin', acme.admin, { ready: 'user-menu' }, () => `/tenant/${acme.id}/audit`);
  });

  it('a member of an MSP', { timeout: 240_000 }, async () => {
    const fabrikam = world.partners.find((p) => p.slug === 'fabrikam-msp')!;
    // its owner: the audit log is for the partner's owners (its staff do not see it)
    // and the ticket queue, a table of long status badges ("Waiting on customer") in a narrow column
    await journey('msp-member', fabrikam.owner, { ready: 'user-menu' }, () => '/partner/audit', [{ name: 'tickets', path: '/partner/tickets', ready: 'ticket-queue' }]);
  });

  it('a referral partner', { timeout: 240_000 }, async () => {
    const tailspin = world.partners.find((p) => p.slug === 'tailspin-referrals')!;
    await journey('referral-partner', tailspin.owner, { ready: 'user-menu' }, () => '/partner/audit');
  });
});
