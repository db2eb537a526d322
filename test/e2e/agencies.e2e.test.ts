/**
 * Browser journey (agencies): a tenant admin creates an agency, customizes its form with a live
 * preview and generates a token; the embed code, copied with the portal's Copy button and read
 * back from the clipboard, is pasted into a static page of ANOTHER SITE (a tiny node:http server
 * reached as `localhost`, while the portal is `127.0.0.1`: a third-party iframe, no cookies); a
 * visitor of that page issues a voucher through the iframe and looks it up, the whole form fitting
 * the plain iframe; the optional resize listener grows the frame on a narrow screen; the form shows
 * the rate-limit refusal with its wait, and a "disabled" message once the admin revokes the token.
 * The <script> variant renders the same form, in the embedding page's language (its <html lang>,
 * or the tag's data-locale): words, money and dates, checked with axe inside the frame.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { seriousViolations } from './helpers/axe.ts';
import type { TestTenant } from '../helpers/world.ts';

let portal: Portal;
let tenant: TestTenant;
let admin: Page;
let visitor: Page;
let agencySite: Server;
let agencyOrigin: string;
/** the pages the agency's site serves, filled in as the journey goes */
const sitePages = new Map<string, string>();

beforeAll(async () => {
  portal = await startPortal({}, { crossOrigin: true });
  tenant = await portal.t.world.tenant();
  admin = await portal.newPage();
  visitor = await portal.newPage();
  agencySite = createServer((req, res) => {
    const body = sitePages.get(req.url ?? '/');
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((r) => agencySite.listen(0, '127.0.0.1', r));
  // Another site, not just another port: `localhost` and `127.0.0.1` are different hosts, so the
  // portal's form is a third-party frame there (no cookies of its own, none needed).
  agencyOrigin = `http://localhost:${(agencySite.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => (agencySite ? agencySite.close(() => r()) : r()));
  await portal?.close();
});

/** Click a Copy button of the portal and read what it put on the clipboard. */
async function copied(page: Page, scope: Locator, buttonName: string): Promise<string> {
  await page.evaluate("navigator.clipboard.writeText('')");
  await scope.getByRole('button', { name: buttonName }).click();
  await scope.getByRole('button', { name: 'Copied' }).first().waitFor();
  return page.evaluate<string>('navigator.clipboard.readText()');
}

/** The form inside the frame fits without scrolling: the frame is at least as tall as the form. */
async function formFits(page: Page, selector = 'iframe'): Promise<{ frame: number; form: number }> {
  const frame = await page.locator(selector).evaluate((f) => f.getBoundingClientRect().height);
  const form = await page.frameLocator(selector).locator('html').evaluate((h) => h.scrollHeight);
  return { frame, form };
}

function agencyPage(title: string, snippet: string, lang = 'en'): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head>
<body><h1>${title}</h1><p>Book your trip with us and get a welcome voucher.</p>
${snippet}
<footer>Sunrise Travel — an independent agency site</footer></body></html>`;
}

describe('agency embedded form', () => {
  let token = '';
  let iframeSnippet = '';
  let scriptSnippet = '';
  let resizeSnippet = '';
  let issuedCode = '';

  it('a tenant admin creates an agency and generates a form token with a live preview; the embed code is shown with it, once', { timeout: 90_000 }, async () => {
    expect(new URL(portal.url).hostname).toBe('127.0.0.1');
    expect(new URL(agencyOrigin).hostname).toBe('localhost');
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.url });
    await login(admin, tenant.admin.email, tenant.admin.password);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Agencies' }).click();
    await admin.getByRole('button', { name: 'New agency' }).click();
    await admin.getByRole('dialog').getByLabel(/^Agency name/).fill('Sunrise Travel');
    await admin.getByRole('dialog').getByRole('button', { name: 'Create agency' }).click();
    await admin.locator('[data-testid="agencies"] tr[data-agency="Sunrise Travel"]').getByRole('link', { name: 'Sunrise Travel' }).click();
    await admin.getByRole('heading', { name: 'Sunrise Travel' }).waitFor();

    await admin.getByRole('button', { name: 'Generate form token' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel(/^Form name/).fill('Booking confirmation page');
    await dialog.getByRole('checkbox', { name: '$25 account credit' }).check();
    await dialog.getByRole('checkbox', { name: 'Free installation' }).check();
    await dialog.getByRole('checkbox', { name: '$10 account credit' }).uncheck(); // offered by default
    await dialog.getByLabel('Intro text').fill('Thank you for booking with Sunrise Travel! Issue your Acme welcome voucher here.');
    await dialog.getByLabel('Rules').fill('One voucher per booking.\nVouchers cannot be exchanged for cash.');
    // the live preview is the real form, re-rendered on every edit
    const preview = admin.frameLocator('[data-testid="form-preview"]');
    await preview.getByTestId('intro-text').filter({ hasText: 'Thank you for booking with Sunrise Travel!' }).waitFor();
    await preview.getByTestId('rules-list').getByText('Vouchers cannot be exchanged for cash.').waitFor();
    await preview.getByTestId('preview-notice').waitFor();
    expect(await preview.getByLabel('Voucher type').locator('option').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Free installation')]));
    await screenshot(admin, 'agency-token-form-preview');
    await dialog.getByRole('button', { name: 'Generate token' }).click();

    token = await oneTimeSecret(admin);
    expect(token).toMatch(/^pgagt_[0-9A-Za-z]{49}$/);
    const shown = admin.getByRole('dialog', { name: 'Form token generated' });
    // copied the way an admin does it: the Copy buttons, then the clipboard
    iframeSnippet = await copied(admin, shown, 'Copy the iframe embed code');
    resizeSnippet = await copied(admin, shown, 'Copy the resize listener embed code');
    await screenshot(admin, 'agency-token-generated');
    await shown.getByRole('tab', { name: 'script' }).click();
    scriptSnippet = await copied(admin, shown, 'Copy the script embed code');
    expect(iframeSnippet).toBe((await shown.getByTestId('embed-snippet-iframe').innerText()).trim());
    // the portal speaks English to this admin: the form's language and the frame's title start as English
    expect(iframeSnippet).toMatch(new RegExp(`^<iframe src="${portal.url}/embed/form#token=${token}&locale=en" title="Voucher form" [^>]*height="\\d+"[^>]*></iframe>$`));
    expect(resizeSnippet).toContain(`e.origin !== "${portal.url}"`);
    expect(scriptSnippet).toBe(`<script src="${portal.url}/embed/assets/embed.js" data-token="${token}" async></script>`);
    await shown.getByRole('button', { name: 'I have copied it' }).click();

    // listed by prefix only; the secret is never shown again
    const row = admin.locator('[data-testid="agency-tokens"] tr[data-token-label="Booking confirmation page"]');
    await row.getByText(token.slice(0, 12) + '…').waitFor();
    expect(await admin.locator('body').innerText()).not.toContain(token);
  });

  it('the plain iframe’s code is written in the language chosen for the site: a French form in a frame titled in French', { timeout: 90_000 }, async () => {
    // the agency's page (the dialog is closed): its embed code with a stand-in for the token
    await admin.getByTestId('embed-language').selectOption('fr');
    const shown = admin.getByTestId('embed-snippet-iframe');
    await shown.filter({ hasText: 'title="Formulaire de bons"' }).waitFor();
    const snippet = await copied(admin, admin.locator('body'), 'Copy the iframe embed code');
    expect(snippet).toBe((await shown.innerText()).trim());
    expect(snippet).toMatch(new RegExp(`^<iframe src="${portal.url}/embed/form#token=YOUR_FORM_TOKEN&locale=fr" title="Formulaire de bons" `));
    for (const width of [1366, 390]) {
      await admin.setViewportSize({ width, height: 900 });
      await shown.scrollIntoViewIfNeeded();
      await screenshot(admin, `agency-embed-code-french-${width}`, { always: true });
    }
    await admin.setViewportSize({ width: 1280, height: 860 });

    // pasted on the agency's French page with the real token: a screen reader announces the frame in French, and the form speaks it
    sitePages.set('/iframe-fr', agencyPage('Sunrise Travel — votre réservation', snippet.replace('YOUR_FORM_TOKEN', token), 'fr'));
    const page = await portal.newPage(); // the visitor's browser asks for English: the snippet's language wins
    await page.goto(agencyOrigin + '/iframe-fr');
    const frame = page.frameLocator('iframe[title="Formulaire de bons"]');
    await frame.getByRole('button', { name: 'Émettre le bon' }).waitFor();
    expect(await frame.locator('html').getAttribute('lang')).toBe('fr');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('a visitor of the agency’s own site (another site) issues a voucher through the plain iframe and looks it up; the whole form fits', { timeout: 90_000 }, async () => {
    sitePages.set('/', agencyPage('Sunrise Travel — your booking', iframeSnippet));
    const policyWarnings: string[] = [];
    visitor.on('console', (m) => {
      if (/permissions.policy|feature/i.test(m.text())) policyWarnings.push(m.text());
    });
    await visitor.goto(agencyOrigin + '/');
    // no cookie of the portal's is set or needed in the third-party frame
    expect(await visitor.context().cookies(portal.url)).toEqual([]);
    const form = visitor.frameLocator('iframe');
    await form.getByTestId('intro-text').filter({ hasText: 'Thank you for booking with Sunrise Travel!' }).waitFor();
    await form.getByText(`Issued on behalf of ${tenant.name}`).waitFor();
    expect(await form.getByLabel('Voucher type').locator('option').allTextContents()).toEqual(['$25 account credit', 'Free installation']);

    // an empty form issues nothing: the required recipient is asked for first
    await form.getByRole('button', { name: 'Issue voucher' }).click();
    await form.getByText('Enter the name of the person who gets the voucher.').waitFor();
    expect(await form.getByTestId('issue-confirm').isVisible()).toBe(false);

    await form.getByLabel('Voucher type').selectOption('free_installation');
    await form.getByLabel('Recipient name').fill('Grace Hopper');
    await form.getByLabel('Recipient email').fill('grace@example.test');
    await form.getByLabel('Your reference').fill('BOOKING-1906');
    await form.getByRole('button', { name: 'Issue voucher' }).click();
    // and a filled one says what it is about to issue, for whom, before it does
    expect(await form.getByTestId('confirm-text').innerText()).toContain('Free installation for Grace Hopper (grace@example.test).');
    await form.getByRole('button', { name: 'Yes, issue it' }).click();
    issuedCode = (await form.getByTestId('issued-code').innerText()).trim();
    expect(issuedCode).toMatch(/^VCH-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // the form's Copy button may write to the clipboard: the snippet delegates clipboard-write to the frame
    await form.getByTestId('issue-result').getByRole('button', { name: 'Copy' }).click();
    await form.getByTestId('issue-result').getByRole('button', { name: 'Copied' }).waitFor();

    await form.getByLabel('Voucher code').fill(issuedCode.toLowerCase());
    await form.getByRole('button', { name: 'Look up' }).click();
    const found = form.getByTestId('lookup-result');
    await found.getByText(issuedCode).waitFor();
    await found.getByText('Grace Hopper · grace@example.test').waitFor();
    await found.getByText('BOOKING-1906').waitFor();
    // intro, rules, the issued voucher and the lookup result all inside the plain iframe, no scrolling
    await form.getByTestId('rules-list').getByText('Vouchers cannot be exchanged for cash.').waitFor();
    await form.getByTestId('issue-result').getByText('Voucher issued').waitFor();
    await screenshot(visitor, 'agency-embed-issued-and-looked-up');
    const fit = await formFits(visitor);
    expect(fit.form, JSON.stringify(fit)).toBeLessThanOrEqual(fit.frame);
    expect(policyWarnings).toEqual([]);
    expect(await visitor.context().cookies(portal.url)).toEqual([]);

    // the voucher is the tenant's, attributed to the agency, in the audit log
    const v = await portal.t.services.db.kysely.selectFrom('vouchers').selectAll().where('code', '=', issuedCode).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ tenant_id: tenant.id, type: 'free_installation', issued_by_type: 'agency', recipient_name: 'Grace Hopper' });
    const ev = await portal.t.services.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'voucher.issued').where('target_id', '=', v.id).executeTakeFirstOrThrow();
    expect(ev.partner_agency_id).toBe(v.partner_agency_id);

    // someone else's code is simply not found
    await form.getByLabel('Voucher code').fill('VCH-0000-0000-0000');
    await form.getByRole('button', { name: 'Look up' }).click();
    await form.getByTestId('embed-alert').getByText('No voucher found').waitFor();
  });

  it('with the optional resize listener the frame follows the form — on a phone-sized screen the fields stack and it grows past the default height', { timeout: 60_000 }, async () => {
    sitePages.set('/resizing', agencyPage('Sunrise Travel — on the go', `${iframeSnippet}\n${resizeSnippet}`));
    const page = await portal.newPage();
    await page.setViewportSize({ width: 380, height: 700 });
    await page.goto(agencyOrigin + '/resizing');
    const form = page.frameLocator('iframe');
    await form.getByTestId('intro-text').waitFor();
    const initial = Number(/height="(\d+)"/.exec(iframeSnippet)![1]);
    // the frame is as tall as the form (the page cannot read the cross-site document: ask each side)
    const settled = async () => {
      await expect.poll(async () => { const f = await formFits(page); return Math.abs(f.frame - f.form); }, { timeout: 5_000 }).toBeLessThanOrEqual(1);
      return (await formFits(page)).frame;
    };
    const empty = await settled();
    expect(empty).not.toBe(initial);

    await form.getByLabel('Voucher code').fill(issuedCode);
    await form.getByRole('button', { name: 'Look up' }).click();
    await form.getByTestId('lookup-result').getByText('Grace Hopper · grace@example.test').waitFor();
    const withResult = await settled();
    expect(withResult).toBeGreaterThan(empty);
    expect(withResult).toBeGreaterThan(initial); // a plain iframe would scroll here; this one grew
    await screenshot(page, 'agency-embed-resizing-narrow');
  });

  it('the <script> variant renders the same form, and the API answers cross-origin calls (CORS, no credentials)', { timeout: 60_000 }, async () => {
    sitePages.set('/script', agencyPage('Sunrise Travel — script embed', scriptSnippet));
    const page = await portal.newPage();
    await page.goto(agencyOrigin + '/script');
    const form = page.frameLocator('iframe[title="Voucher form"]');
    await form.getByTestId('intro-text').filter({ hasText: 'Thank you for booking' }).waitFor();
    // the loader sizes the frame to the form
    await page.waitForFunction("document.querySelector('iframe') !== null && document.querySelector('iframe').style.height !== '640px'");

    const cors = await page.evaluate(
      async ([api, tok]) => {
        const r = await fetch(api + '/embed/v1/form', { headers: { authorization: 'Bearer ' + tok } });
        return { status: r.status, agency: ((await r.json()) as { agency: { name: string } }).agency.name, limit: r.headers.get('ratelimit') };
      },
      [portal.url, token],
    );
    expect(cors).toMatchObject({ status: 200, agency: 'Sunrise Travel' });
    expect(cors.limit).toMatch(/^"agency";r=\d+;t=\d+$/);
  });

  it('speaks the embedding page’s language: French from its <html lang>, German from the tag’s data-locale — words, money, dates; axe clean', { timeout: 90_000 }, async () => {
    const page = await portal.newPage(); // the browser itself asks for English
    await page.setViewportSize({ width: 1366, height: 900 });
    const frameOf = async () => {
      const f = page.frames().find((x) => x.url().startsWith(portal.url + '/embed/form'));
      if (!f) throw new Error('no form frame');
      return f;
    };
    const day = (locale: string) => new Date().toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });

    // a French site: the plain <script> embed, nothing else to set
    sitePages.set('/fr', agencyPage('Sunrise Travel — votre réservation', scriptSnippet, 'fr'));
    await page.goto(agencyOrigin + '/fr');
    const fr = page.frameLocator('iframe[title="Formulaire de bons"]');
    await fr.getByRole('heading', { name: 'Sunrise Travel — bons' }).waitFor();
    await fr.getByText(`Émis pour le compte de ${tenant.name}`).waitFor();
    expect(await fr.locator('html').getAttribute('lang')).toBe('fr');
    await fr.getByRole('button', { name: 'Émettre le bon' }).click();
    await fr.getByText('Saisissez le nom de la personne qui reçoit le bon.').waitFor();
    await fr.getByLabel('Type de bon').selectOption('credit_25');
    await fr.getByLabel('Nom du bénéficiaire').fill('Ada Lovelace');
    await fr.getByRole('button', { name: 'Émettre le bon' }).click();
    // the amount as French writes it, through Intl ("25,00 $US")
    const amountFr = new Intl.NumberFormat('fr', { style: 'currency', currency: 'USD' }).format(25);
    expect(await fr.getByTestId('confirm-text').innerText()).toBe(`$25 account credit (${amountFr}) pour Ada Lovelace. Le bon est valable dès son émission.`);
    await fr.getByRole('button', { name: 'Oui, l’émettre' }).click();
    const result = fr.getByTestId('issue-result');
    await result.getByText('Bon émis').waitFor();
    await result.getByText('Émis', { exact: true }).waitFor();
    await result.getByText(new RegExp(`^du ${day('fr')} au `)).waitFor();
    await result.getByRole('button', { name: 'Copier' }).waitFor();
    expect(await seriousViolations(await frameOf())).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'agency-embed-fr-1366', { always: true });

    // an English page that asks for German on the tag, on a phone
    await page.setViewportSize({ width: 390, height: 800 });
    sitePages.set('/de', agencyPage('Sunrise Travel — booking', scriptSnippet.replace('<script ', '<script data-locale="de" ')));
    await page.goto(agencyOrigin + '/de');
    const de = page.frameLocator('iframe[title="Gutscheinformular"]');
    await de.getByText(`Ausgestellt im Auftrag von ${tenant.name}`).waitFor();
    await de.getByLabel('Gutscheincode').fill(issuedCode);
    await de.getByRole('button', { name: 'Nachschlagen' }).click();
    const found = de.getByTestId('lookup-result');
    await found.getByText('Grace Hopper · grace@example.test').waitFor();
    await found.getByText('Ausgestellt', { exact: true }).waitFor();
    await found.getByText(new RegExp(`^${day('de').replace(/\./g, '\\.')} – `)).waitFor();
    await de.getByLabel('Gutscheincode').fill('VCH-0000-0000-0000');
    await de.getByRole('button', { name: 'Nachschlagen' }).click();
    await de.getByTestId('embed-alert').getByText('Kein Gutschein gefunden').waitFor();
    expect(await seriousViolations(await frameOf())).toEqual([]);
    await screenshot(page, 'agency-embed-de-390', { always: true });
    // none of the form's own words is left in English (the agency's intro, rules and type names are its data)
    const text = await de.locator('main').innerText();
    for (const english of ['Issue a voucher', 'Look up a voucher', 'Voucher code', 'Recipient name', 'Your reference', 'Rules', 'Secured by Partnergate']) expect(text).not.toContain(english);

    // under the pseudo-locale every word of the form's own is bracketed: a word written by hand would not be
    sitePages.set('/xa', agencyPage('Sunrise Travel — pseudo', scriptSnippet.replace('<script ', '<script data-locale="en-XA" ')));
    await page.goto(agencyOrigin + '/xa');
    const xa = page.frameLocator('iframe');
    await xa.getByTestId('intro-text').waitFor();
    const own = await xa.locator('h1, h2, label, button, p.pg-muted, p.pg-footer').allInnerTexts();
    expect(own.length).toBeGreaterThan(10);
    expect(own.filter((w) => !w.trim().startsWith('['))).toEqual([]);
  });

  it('shows the rate-limit refusal with the wait, and a clear message once the admin revokes the token', { timeout: 90_000 }, async () => {
    // use up the form's 20 requests a minute from the agency's site
    const statuses = await visitor.evaluate(
      async ([api, tok]) => {
        const out: number[] = [];
        for (let i = 0; i < 20; i++) out.push((await fetch(api + '/embed/v1/form', { headers: { authorization: 'Bearer ' + tok } })).status);
        return out;
      },
      [portal.url, token],
    );
    expect(statuses).toContain(429);
    const form = visitor.frameLocator('iframe');
    await form.getByLabel('Voucher code').fill(issuedCode);
    await form.getByRole('button', { name: 'Look up' }).click();
    const alert = form.getByTestId('embed-alert');
    await alert.getByText('Too many requests').waitFor();
    await alert.getByText(/You can try again in \d+ seconds?\./).waitFor();
    expect(await form.getByRole('button', { name: 'Look up' }).isDisabled()).toBe(true);
    await screenshot(visitor, 'agency-embed-rate-limited');

    // the admin sees the last use, then revokes the token
    await portal.t.services.agencies.usage.flush();
    await admin.reload();
    const row = admin.locator('[data-testid="agency-tokens"] tr[data-token-label="Booking confirmation page"]');
    expect((await row.getByTestId('token-last-used').innerText()).trim()).not.toBe('—');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.locator('[data-status="revoked"]').waitFor();
    await screenshot(admin, 'agency-detail-revoked');

    await visitor.reload();
    await visitor.frameLocator('iframe').getByTestId('embed-alert').getByText('This form has been disabled').waitFor();
    await screenshot(visitor, 'agency-embed-revoked');
  });
});
