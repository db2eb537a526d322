/**
 * Every persona's pages at a laptop width (1366 px) and a phone width (390 px): each page has a
 * title of its own, nothing is wider than the screen (no sideways scrolling of the whole page), and
 * no page names a person, organisation or record by its id.
 * The pages walked are the ones the persona's sidebar lists, plus the detail pages it links to;
 * a full-page screenshot of each lands in artifacts/screenshots/persona-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, networkQuiet, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll } from './helpers/layout.ts';
import type { TestPartner, TestTenant, TestUser } from '../helpers/world.ts';
import { activeLink, inDays, requestLink } from '../api/delegations/helpers.ts';

/** The few page globals these checks read (this file is typed for Node, not the DOM; the CSP forbids string evaluation). */
interface Browser {
  document: { title: string };
}

/** Partnergate's ids as the pages would show them, whole or cut short (usr_06h14wa4…). */
const RAW_ID = /\b(?:dlg|evt|tnt|whd|usr|tkt|svc|ord|msg|inv|act|whk|vch|usg|sub|sla|ptr|ppl|pln|pky|pcv|pay|pat|ntf|mrc|mail|kyc|kdoc|ivc|exp|ern|ban|app|alr|agy|agt|agr)_[0-9a-z]{4,}/g;

const WIDTHS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let portal: Portal;
let operator: TestUser;
let tenant: TestTenant;
let msp: TestPartner;

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  operator = await t.world.operator();
  tenant = await t.world.tenant();
  msp = await t.world.partner({ capabilities: ['managed_services', 'delegated', 'wholesale'] });
  // some rows on the pages: an active link, a pending request, an agency
  const owner = await msp.owner.login();
  await activeLink(owner, await tenant.admin.login(), msp.id, tenant, { role: 'MSP_BILLING', ends_at: inDays(90) });
  const other = await t.world.tenant();
  await requestLink(owner, msp.id, { tenant_slug: other.slug, role: 'MSP_FULL', justification: 'Managed network for the branch offices' });
  const admin = await tenant.admin.login();
  expect((await admin.post(`/api/v1/tenants/${tenant.id}/agencies`, { name: 'Sunrise Travel' })).status).toBe(201);
});
afterAll(() => portal?.close());

/** The sidebar's links for this user (paths), read at the desktop width where the sidebar shows. */
async function navPaths(page: Page): Promise<string[]> {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.locator('[data-testid^="nav-"] a').first().waitFor();
  const hrefs = await page.locator('[data-testid^="nav-"] a').evaluateAll((as) => as.map((a) => new URL(a.getAttribute('href')!, 'http://portal').pathname));
  return [...new Set(hrefs)];
}

/**
 * Opens `path` at the laptop width, waits until it has rendered its data and checks it; then narrows
 * the same page to the phone width and checks it again (the portal's layout follows the width as it
 * changes: a fresh load at 390 px is what the persona journeys do).
 */
async function visit(page: Page, persona: string, path: string): Promise<string> {
  await page.setViewportSize({ width: WIDTHS[0].width, height: WIDTHS[0].height });
  await page.goto(path);
  // the page's own title replaces index.html's "Partnergate" once the page has mounted
  await page.waitForFunction(() => (globalThis as unknown as Browser).document.title.endsWith(' · Partnergate'));
  await networkQuiet(page);
  await page.locator('[aria-label="Loading the page"], [aria-busy="true"]').first().waitFor({ state: 'detached' }).catch(() => undefined);
  const title = await page.title();
  expect(title, `${persona} ${path}`).not.toMatch(/Not available|Page not found/);
  for (const size of WIDTHS) {
    if (size !== WIDTHS[0]) {
      await page.setViewportSize({ width: size.width, height: size.height });
      // a narrower layout may ask for what it shows differently (cards instead of a table)
      await networkQuiet(page);
    }
    expect(await page.title(), `${persona} ${path} keeps its title at ${size.width} px`).toBe(title);
    await expectNoSidewaysScroll(page, `${persona} ${path} at ${size.width} px`);
    // names, not ids: none on any page, but for the operator's reference to the tenant or partner a detail page is about
    const own = path.match(/(?:tnt|ptr)_[0-9a-z]+/)?.[0];
    const ids = ((await page.locator('body').innerText()).match(RAW_ID) ?? []).filter((id) => id !== own);
    expect(ids, `${persona} ${path} at ${size.width} px names things by id`).toEqual([]);
    const slug = path.replace(/\/(tnt|ptr|agy)_[A-Za-z0-9]+/g, '/$1').replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home';
    await screenshot(page, `persona-${persona}-${slug}-${size.width}`);
  }
  return title;
}

async function walk(persona: string, user: { email: string; password: string }, extra: (page: Page) => Promise<string[]>) {
  const page = await portal.newPage();
  await login(page, user.email, user.password);
  const paths = [...(await navPaths(page)), ...(await extra(page))];
  expect(paths.length).toBeGreaterThan(2);
  const titles = new Map<string, string>();
  for (const p of paths) titles.set(p, await visit(page, persona, p));
  // a distinct title for every page this persona opens
  const seen = new Map<string, string>();
  for (const [p, t] of titles) {
    expect(seen.get(t), `${p} and ${seen.get(t)} share the title "${t}"`).toBeUndefined();
    seen.set(t, p);
  }
  return titles;
}

describe('every persona’s pages fit a laptop and a phone, each with its own title', () => {
  it('the operator', { timeout: 300_000 }, async () => {
    const titles = await walk('operator', operator, async () => [`/operator/tenants/${tenant.id}`, `/operator/partners/${msp.id}`]);
    expect(titles.get('/operator/tenants')).toBe('Tenants · Partnergate');
    expect(titles.get(`/operator/tenants/${tenant.id}`)).toBe('Tenant details · Partnergate');
  });

  it('a tenant admin', { timeout: 300_000 }, async () => {
    const titles = await walk('tenant-admin', tenant.admin, async (page) => {
      // the agency's detail page, reached from the list
      await page.goto(`/tenant/${tenant.id}/agencies`);
      const href = await page.getByTestId('agencies').getByRole('link', { name: 'Sunrise Travel' }).getAttribute('href');
      return [href!];
    });
    expect(titles.get(`/tenant/${tenant.id}/members`)).toBe(`Members · ${tenant.name} · Partnergate`);
  });

  it('a partner owner running managed services (MSP)', { timeout: 300_000 }, async () => {
    const titles = await walk('partner-owner', msp.owner, async () => []);
    expect(titles.get('/partner/customers')).toBe('Customers I manage · Partnergate');
  });
});
