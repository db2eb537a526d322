/**
 * The portal speaks through its catalogs only. Every persona's pages are read in the pseudo-locale `en-XA`
 * (every message accented, 40 % longer and in brackets) at a laptop and a phone width: a word shown that is
 * neither inside a message nor the server's data was written into the page by hand and would stay English in
 * French and German, a label that only fits in English is cut short, a page grows wider than the phone. One
 * journey is read right to left (`en-XB`): the layout mirrors. And a person who chooses French gets French.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, networkQuiet, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll } from './helpers/layout.ts';
import { truncatedLabels, untranslated, watchServerText } from './helpers/pseudo-locale.ts';
import type { TestPartner, TestTenant, TestUser } from '../helpers/world.ts';
import { activeLink, inDays, requestLink } from '../api/delegations/helpers.ts';

interface Browser {
  document: { title: string; documentElement: { dir: string; lang: string } };
  innerWidth: number;
}

const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let portal: Portal;
let operator: TestUser;
let tenant: TestTenant;
let msp: TestPartner;
let referral: TestPartner;

beforeAll(async () => {
  portal = await startPortal({}, { locale: 'en-XA' });
  const { t } = portal;
  operator = await t.world.operator();
  tenant = await t.world.tenant();
  msp = await t.world.partner({ capabilities: ['managed_services', 'delegated', 'wholesale'] });
  referral = await t.world.partner({ capabilities: ['referral'] });
  const owner = await msp.owner.login();
  await activeLink(owner, await tenant.admin.login(), msp.id, tenant, { role: 'MSP_BILLING', ends_at: inDays(90) });
  const other = await t.world.tenant();
  await requestLink(owner, msp.id, { tenant_slug: other.slug, role: 'MSP_FULL', justification: 'Managed network for the branch offices' });
}, 180_000);
afterAll(() => portal?.close());

async function navPaths(page: Page): Promise<string[]> {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.locator('[data-testid^="nav-"] a').first().waitFor();
  const hrefs = await page.locator('[data-testid^="nav-"] a').evaluateAll((as) => as.map((a) => new URL(a.getAttribute('href')!, 'http://portal').pathname));
  return [...new Set(hrefs)];
}

/** Opens `path` and reads it at both widths; returns what is wrong, page by page (empty: nothing). */
async function read(page: Page, who: string, path: string): Promise<string[]> {
  const problems: string[] = [];
  await page.setViewportSize({ width: WIDTHS[0].width, height: WIDTHS[0].height });
  await page.goto(path);
  // the page's own title replaces index.html's once it has mounted (in brackets, like every message)
  await page.waitForFunction(() => (globalThis as unknown as Browser).document.title.includes('Partnergate') && (globalThis as unknown as Browser).document.title !== 'Partnergate');
  await networkQuiet(page);
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
  for (const size of WIDTHS) {
    if (size !== WIDTHS[0]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await networkQuiet(page);
    }
    const where = `${who} ${path} at ${size.width} px`;
    await expectNoSidewaysScroll(page, where);
    for (const s of await untranslated(page)) problems.push(`${where}: not from a catalog: "${s}"`);
    for (const s of await lastingTruncation(page)) problems.push(`${where}: cut short: "${s}"`);
    const slug = path.replace(/\/(tnt|ptr|agy)_[A-Za-z0-9]+/g, '/$1').replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home';
    await screenshot(page, `pseudo-${who}-${slug}-${size.width}`);
  }
  return problems;
}

/** Labels cut short that stay so: right after a resize a button may be measured once at its old width. */
async function lastingTruncation(page: Page): Promise<string[]> {
  const first = await truncatedLabels(page);
  if (first.length === 0) return first;
  await page.evaluate(() => {
    const g = globalThis as unknown as { requestAnimationFrame(f: () => void): number };
    return new Promise<void>((done) => g.requestAnimationFrame(() => g.requestAnimationFrame(done)));
  });
  const again = new Set(await truncatedLabels(page));
  return first.filter((s) => again.has(s));
}

async function walk(who: string, user: { email: string; password: string }, extra: string[] = []): Promise<void> {
  const page = await portal.newPage();
  watchServerText(page);
  await login(page, user.email, user.password);
  const paths = [...(await navPaths(page)), ...extra];
  const problems: string[] = [];
  for (const p of paths) problems.push(...(await read(page, who, p)));
  expect(problems).toEqual([]);
}

describe('every persona’s pages in the pseudo-locale: nothing written by hand, nothing cut short, nothing too wide', () => {
  it('before signing in', { timeout: 300_000 }, async () => {
    const page = await portal.newPage();
    watchServerText(page);
    const problems: string[] = [];
    for (const p of ['/login', '/apply', '/signup', '/forgot-password']) problems.push(...(await read(page, 'public', p)));
    expect(problems).toEqual([]);
  });

  it('the operator', { timeout: 600_000 }, async () => {
    await walk('operator', operator, [`/operator/tenants/${tenant.id}`, `/operator/partners/${msp.id}`]);
  });

  it('a tenant admin', { timeout: 600_000 }, async () => {
    await walk('tenant-admin', tenant.admin);
  });

  it('a tenant user', { timeout: 600_000 }, async () => {
    await walk('tenant-user', tenant.user);
  });

  it('a partner owner running managed services, apps and resale', { timeout: 600_000 }, async () => {
    await walk('msp-owner', msp.owner, [`/partner/customers/${tenant.id}`]);
  });

  it('a referral partner’s owner', { timeout: 600_000 }, async () => {
    await walk('referral-owner', referral.owner);
  });
});

describe('right to left', () => {
  it('a tenant admin’s home mirrors: the sidebar on the right, the text from the right', { timeout: 300_000 }, async () => {
    const rtl = await startPortal({}, { locale: 'en-XB' });
    try {
      const t2 = await rtl.t.world.tenant();
      const page = await rtl.newPage();
      watchServerText(page);
      await page.setViewportSize({ width: 1366, height: 900 });
      await login(page, t2.admin.email, t2.admin.password);
      await networkQuiet(page);
      expect(await page.evaluate(() => (globalThis as unknown as Browser).document.documentElement.dir)).toBe('rtl');
      const nav = await page.locator('nav').first().boundingBox();
      expect(nav!.x, 'the sidebar sits on the right').toBeGreaterThan(1366 / 2);
      expect(await untranslated(page)).toEqual([]);
      await expectNoSidewaysScroll(page, 'right to left');
      await screenshot(page, 'pseudo-rtl-tenant-admin-home-1366');
    } finally {
      await rtl.close();
    }
  });
});
