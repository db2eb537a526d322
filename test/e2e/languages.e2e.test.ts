/**
 * The portal speaks through its catalogs only. Every persona's pages are read in the pseudo-locale `en-XA`
 * (every message accented, 40 % longer and in brackets) at a laptop and a phone width: a word shown that is
 * neither inside a message nor the server's data was written into the page by hand and would stay English in
 * French and German, a label that only fits in English is cut short, a page grows wider than the phone. One
 * journey is read right to left (`en-XB`): the layout mirrors. And a person who chooses French gets French.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
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

/**
 * The lines of an element's text that are not a message of the catalog (bracketed in en-XA), or that hold a word
 * of plain letters — every letter of an en-XA message is accented, so a word inside a message that was not one
 * itself (a field named from the server's key) shows too.
 */
async function notFromCatalog(page: Page, testId: string): Promise<string[]> {
  const text = await page.getByTestId(testId).first().innerText();
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && (!l.startsWith('[') || /[A-Za-z]{2}/.test(l)));
}

/** The pseudo-locale's catalog: what a message reads like on screen. */
const XA = JSON.parse(readFileSync(new URL('../../web/src/i18n/messages/en-XA.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('what the server refused, in the pseudo-locale: the portal’s own words, every one from a catalog', () => {
  it('a form showing the fields the server refused', { timeout: 120_000 }, async () => {
    const page = await portal.newPage();
    watchServerText(page);
    await page.goto('/login');
    // an address the browser lets through (no dot after the @) and the server's schema refuses
    await page.locator('input[type="email"]').fill('ada@localhost');
    await page.locator('input[type="password"]').fill('not the password');
    await page.locator('button[type="submit"]').click();
    const alert = page.getByTestId('error-alert');
    await alert.waitFor();
    await networkQuiet(page);
    const text = await alert.innerText();
    // the field's name and what it needs are messages (nested inside the "{field}: {problem}" message), not the
    // validator's wording nor the key the server named
    expect(text).not.toMatch(/must match format|Email:/);
    expect(text).toContain(XA['login.email']);
    expect(await notFromCatalog(page, 'error-alert')).toEqual([]);
    for (const size of WIDTHS) {
      await page.setViewportSize({ width: size.width, height: size.height });
      expect(await untranslated(page)).toEqual([]);
      await screenshot(page, `pseudo-public-login-field-problem-${size.width}`, { always: true });
    }
  });

  it('a page whose request the server refused as a whole', { timeout: 120_000 }, async () => {
    const page = await portal.newPage();
    watchServerText(page);
    await login(page, operator.email, operator.password);
    // a malformed identifier in the address: the server answers 400 invalid_id, a code the portal says in its words
    await page.goto('/operator/tenants/tnt_malformed!');
    const alert = page.getByTestId('error-alert');
    await alert.waitFor();
    await networkQuiet(page);
    expect(await alert.innerText()).toContain(XA['problems.code.invalid_id']);
    expect(await notFromCatalog(page, 'error-alert')).toEqual([]);
    for (const size of WIDTHS) {
      await page.setViewportSize({ width: size.width, height: size.height });
      expect(await untranslated(page)).toEqual([]);
      await screenshot(page, `pseudo-operator-invalid-id-${size.width}`, { always: true });
    }
  });
});

describe('the language chosen before signing in', () => {
  it('French chosen on the sign-in page: every request then asks for French, and a wrong password is refused in French', { timeout: 120_000 }, async () => {
    const page = await portal.newPage(); // the browser asks for en-XA
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) asked.push(r.headers()['accept-language'] ?? '(none)');
    });
    await page.goto('/login');
    await page.getByTestId('language-picker').selectOption('fr');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    asked.length = 0;
    await page.getByLabel(/^E-mail/).fill(tenant.admin.email);
    await page.getByLabel(/^Mot de passe/).fill('not the password');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    const alert = page.getByTestId('error-alert');
    await alert.getByText('Connexion impossible').waitFor();
    // the server's own words for the refusal (the problem's title), in the language of the page — not the browser's
    await alert.getByText('L’e-mail ou le mot de passe est incorrect').waitFor();
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((l) => l === 'fr'), `Accept-Language sent: ${asked.join(', ')}`).toBe(true);
    for (const size of WIDTHS) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await expectNoSidewaysScroll(page, `login in French at ${size.width} px`);
      await screenshot(page, `login-french-chosen-wrong-password-${size.width}`, { always: true });
    }
    // the choice is kept in this browser: the next page opens in French
    await page.goto('/forgot-password');
    await page.getByRole('button', { name: 'Envoyez-moi un lien' }).waitFor();
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
