/**
 * Each persona who chose French or German reads the portal in it: the page's language, its navigation, its
 * headings and the permissions an MSP holds on a customer are the chosen catalog's words (never an English message that language translates), nothing grows
 * wider than a phone, and axe-core finds nothing serious. Screenshots `lang-<locale>-<persona>-<page>-<width>`.
 * Formats and fit too: a percentage in the language's own form ("99,5 %"), a select showing its whole value, every
 * bar of a chart by category named, a customer's tier and a partner's request in the tenant's activity in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { login, networkQuiet, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll } from './helpers/layout.ts';
import { seriousViolations } from './helpers/axe.ts';
import type { TestPartner, TestTenant, TestUser } from '../helpers/world.ts';
import { activeLink, inDays } from '../api/delegations/helpers.ts';

const WIDTHS = [1366, 390] as const;
const LOCALES = ['fr', 'de'] as const;
type Lang = (typeof LOCALES)[number];

const catalog = (l: string) => JSON.parse(readFileSync(new URL(`../../web/src/i18n/messages/${l}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const en = catalog('en');
/** The built-in permissions' English descriptions ("Read invoices"): in a French or German portal, an English permission sentence */
const englishPermissions = Object.entries(en).flatMap(([id, text]) => (id.startsWith('components.permission_words.description.') ? [text] : []));
/** English messages each language translates into other words: shown in that language's portal, one is a word left English */
const englishOnly = Object.fromEntries(
  LOCALES.map((l) => {
    const other = catalog(l);
    // a word both languages write alike ("Usage", "Support") is not English left behind
    const theirs = new Set(Object.values(other));
    return [l, new Set(Object.entries(en).flatMap(([id, text]) => (other[id] !== undefined && other[id] !== text && !theirs.has(text) && !/[{}]/.test(text) ? [text] : [])))];
  }),
) as Record<Lang, Set<string>>;

let portal: Portal;
let operator: TestUser;
let tenant: TestTenant;
let msp: TestPartner;
let referral: TestPartner;

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  operator = await t.world.operator();
  tenant = await t.world.tenant();
  msp = await t.world.partner({ capabilities: ['managed_services', 'delegated', 'wholesale'] });
  referral = await t.world.partner({ capabilities: ['referral'] });
  const owner = await msp.owner.login();
  await activeLink(owner, await tenant.admin.login(), msp.id, tenant, { role: 'MSP_BILLING', ends_at: inDays(90) });
  // an availability with a decimal, as the MSP's commitments card shows it
  const commitments = `/api/v1/partner/customers/${tenant.id}/commitments`;
  const c = await owner.get<{ sla: Record<string, unknown> }>(commitments);
  expect((await owner.put(commitments, { sla: { ...c.body.sla, availability_pct: 99.5 } })).status).toBe(200);
  // a built-in tier other than the default, so its word differs from its code in both languages
  expect((await (await operator.login()).patch(`/api/v1/tenants/${tenant.id}`, { tier: 'enterprise' })).status).toBe(200);
}, 180_000);
afterAll(() => portal?.close());

/** The navigation's first pages (the home and the next two), as the person's menu lists them. */
async function firstPages(page: Page): Promise<string[]> {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.locator('[data-testid^="nav-"] a').first().waitFor();
  const hrefs = await page.locator('[data-testid^="nav-"] a').evaluateAll((as) => as.map((a) => new URL(a.getAttribute('href')!, 'http://portal').pathname));
  return [...new Set(hrefs)].slice(0, 3);
}

async function readIn(page: Page, lang: Lang, who: string, path: string): Promise<string[]> {
  const problems: string[] = [];
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(path);
  await networkQuiet(page);
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
  expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe(lang);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 1366 ? 900 : 844 });
    await networkQuiet(page);
    const where = `${who} ${path} in ${lang} at ${width} px`;
    await expectNoSidewaysScroll(page, where);
    // the navigation, the headings, and what an MSP may do for the customer (the permissions, as sentences)
    const permissions = (await page.locator('[data-testid="customer-permissions"]').allInnerTexts()).flatMap((t) => t.split(/\n| · /));
    const words = [...(await page.locator('[data-testid^="nav-"] a').allInnerTexts()), ...(await page.locator('main h1, main h2').allInnerTexts()), ...permissions].map((s) => s.trim()).filter(Boolean);
    for (const w of words) if (englishOnly[lang].has(w)) problems.push(`${where}: English "${w}"`);
    for (const v of await seriousViolations(page)) problems.push(`${where}: ${v}`);
    problems.push(...(await clippedOrDropped(page, lang, where)));
    const slug = path.replace(/\/(tnt|ptr|agy)_[A-Za-z0-9]+/g, '/$1').replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home';
    await screenshot(page, `lang-${lang}-${who}-${slug}-${width}`, { always: true });
  }
  return problems;
}

/** Role pickers whose chosen role is cut ("Administrateu…"), and charts by category with a bar left unnamed. */
async function clippedOrDropped(page: Page, lang: Lang, where: string): Promise<string[]> {
  const problems: string[] = [];
  const roleOf = catalog(lang)['components.members.role_of'].split('{')[0];
  for (const s of await page.locator('main input.mantine-Select-input').all()) {
    if (!(await s.isVisible()) || !(await s.getAttribute('aria-label'))?.startsWith(roleOf)) continue;
    const m = await s.evaluate((el) => ({ value: (el as unknown as { value: string }).value, scroll: el.scrollWidth, client: el.clientWidth }));
    if (m.scroll > m.client + 1) problems.push(`${where}: the select's value "${m.value}" is cut (${m.scroll} > ${m.client} px)`);
  }
  for (const chart of await page.locator('[data-testid="chart"]').all()) {
    const labels = chart.locator('[data-testid="chart-category-label"]');
    const shown = await labels.count();
    if (shown === 0) continue;
    const rows = await chart.locator('tbody tr').count();
    const texts = (await labels.allTextContents()).map((t) => t.trim());
    if (shown !== rows || texts.some((t) => t === '')) problems.push(`${where}: a chart names ${shown} of its ${rows} bars (${texts.join(' | ')})`);
  }
  return problems;
}

/** The page's text with the spaces a formatter puts around a sign (narrow and plain no-break) made plain. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

async function walkIn(lang: Lang, who: string, user: TestUser, extra: string[] = [], check?: (page: Page, path: string) => Promise<void>): Promise<void> {
  // the person's own choice, as the account page saves it
  expect((await (await user.login()).patch('/api/v1/me', { locale: lang })).status).toBe(200);
  const page = await portal.newPage();
  await login(page, user.email, user.password);
  const problems: string[] = [];
  for (const p of [...(await firstPages(page)), ...extra]) {
    problems.push(...(await readIn(page, lang, who, p)));
    await check?.(page, p);
  }
  await page.close();
  expect(problems).toEqual([]);
}

describe('each persona in French and in German', () => {
  for (const lang of LOCALES) {
    it(`the operator, in ${lang}`, { timeout: 300_000 }, async () => {
      await walkIn(lang, 'operator', operator);
    });
    it(`a tenant admin, in ${lang}`, { timeout: 300_000 }, async () => {
      await walkIn(lang, 'tenant-admin', tenant.admin, [], async (page, path) => {
        if (path !== `/tenant/${tenant.id}`) return;
        // a partner's actions name permissions in the reader's words, never the server's English sentence
        const activity = page.locator('[data-testid="partner-activity"]');
        await activity.locator('li').first().waitFor();
        const said = await activity.innerText();
        expect(englishPermissions.filter((e) => said.includes(e)), said).toEqual([]);
        // the tier is a word of the language, not its code
        expect(await page.locator('[data-testid="tenant-tier"]').textContent()).toContain(catalog(lang)['components.tier.enterprise']);
      });
    });
    it(`a tenant user, in ${lang}`, { timeout: 300_000 }, async () => {
      await walkIn(lang, 'tenant-user', tenant.user);
    });
    it(`a partner owner running managed services, in ${lang}`, { timeout: 300_000 }, async () => {
      await walkIn(lang, 'msp-owner', msp.owner, [`/partner/customers/${tenant.id}`], async (page, path) => {
        if (!path.startsWith('/partner/customers/')) return;
        // the commitments card's availability in the language's own form
        expect(plain(await page.locator('[data-testid="commitment-availability"]').innerText())).toBe('99,5 %');
      });
    });
    it(`a referral partner's owner, in ${lang}`, { timeout: 300_000 }, async () => {
      await walkIn(lang, 'referral-owner', referral.owner);
    });
  }
});
