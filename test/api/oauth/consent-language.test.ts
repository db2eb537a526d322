/**
 * The authorization server's own pages in the reader's language: the app's `ui_locales`, else the browser's
 * Accept-Language, and once the person has signed in their own choice first; dates and lengths as the
 * language writes them; the operator's product name, support address and legal links for that language.
 */
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK, customer, formValue, oidcClient, partnerWithApp, pkce, startOAuthApp, UserAgent, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let acme: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t);
  acme = await customer(t);
  await t.services.languages.setTexts(t.world.ctx, 'fr', { product_name: 'Fibre Connect', support_email: 'aide@fibre.example', terms_url: 'https://fibre.example/conditions', privacy_url: null });
});
afterAll(() => t.close());

/** An authorization request's first page (the sign-in), in a browser of its own. */
async function start(params: Record<string, string> = {}, acceptLanguage: string | null = null): Promise<{ ua: UserAgent; url: string; body: string }> {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const auth = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state, ...params });
  const ua = new UserAgent();
  ua.acceptLanguage = acceptLanguage;
  let next: string | null = auth.href;
  for (let i = 0; i < 5 && next; i++) {
    const r = await ua.request(next);
    if (r.status === 200) return { ua, url: next, body: r.body };
    next = r.location;
  }
  throw new Error('no sign-in page');
}

/** Sign in on that page; returns the consent page. */
async function signIn(s: { ua: UserAgent; url: string; body: string }): Promise<string> {
  const r = await s.ua.request(`${s.url.split('?')[0]}/login`, { form: { csrf: formValue(s.body, 'csrf') ?? '', email: acme.admin.email, password: acme.admin.password } });
  expect(r.status).toBe(303);
  let next = r.location;
  for (let i = 0; i < 5 && next; i++) {
    const page = await s.ua.request(next);
    if (page.status === 200) return page.body;
    next = page.location;
  }
  throw new Error('no consent page');
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))).replace(/\s+/g, ' ');

describe("the sign-in and consent pages in the reader's language", () => {
  it('ui_locales=fr: the sign-in page in French, with the operator’s French product name and footer', async () => {
    const s = await start({ ui_locales: 'fr-CA en' });
    expect(s.body).toMatch(/<html lang="fr" dir="ltr">/);
    const words = text(s.body);
    expect(words).toContain('Connectez-vous pour connecter Test app');
    expect(words).toContain('Connectez-vous avec votre compte Fibre Connect');
    expect(words).toContain('Aide : aide@fibre.example');
    expect(s.body).toContain('href="https://fibre.example/conditions"');
    expect(words).not.toMatch(/\bSign in\b|\bPassword\b/);
  });

  it('ui_locales=fr: the consent page in French, lengths in French words', async () => {
    const consent = text(await signIn(await start({ ui_locales: 'fr' })));
    expect(consent).toContain('Elle pourra');
    expect(consent).toContain('Sur ces comptes de facturation');
    expect(consent).toMatch(/90 jours/);
    expect(consent).toContain('Approuver');
    expect(consent).not.toMatch(/\bApprove\b|\bDeny\b|It will be able to/);
  });

  it('no ui_locales: the browser’s Accept-Language (de-AT) gives German, and the operator’s words fall back to none written for German', async () => {
    const s = await start({}, 'de-AT,de;q=0.9,en;q=0.5');
    expect(s.body).toMatch(/<html lang="de"/);
    const words = text(s.body);
    expect(words).toContain('Anmelden, um Test app zu verbinden');
    expect(words).toContain('Partnergate-Konto');
    expect(s.body).not.toContain('data-testid="page-footer"');
  });

  it('a language Partnergate does not have (ja) gives English', async () => {
    const s = await start({ ui_locales: 'ja' }, 'ja');
    expect(s.body).toMatch(/<html lang="en"/);
    expect(text(s.body)).toContain('Sign in to connect Test app');
  });

  it('once signed in, the person’s own choice (German) wins over the app’s ui_locales (French)', async () => {
    await t.services.db.kysely.updateTable('users').set({ locale: 'de' }).where('id', '=', acme.admin.id).execute();
    try {
      const consent = text(await signIn(await start({ ui_locales: 'fr' })));
      expect(consent).toContain('Sie kann dann');
      expect(consent).toMatch(/90 Tage/);
      expect(consent).toContain('Zustimmen');
    } finally {
      await t.services.db.kysely.updateTable('users').set({ locale: null }).where('id', '=', acme.admin.id).execute();
    }
  });

  it('an expired interaction’s error page speaks the browser’s language', async () => {
    const ua = new UserAgent();
    ua.acceptLanguage = 'fr';
    const r = await ua.request(`${t.issuer}/interaction/not-an-interaction`);
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('Cette demande ne peut pas aboutir');
  });
});
