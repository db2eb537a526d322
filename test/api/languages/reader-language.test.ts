/**
 * The reader's language: a person's own choice, else their organization's default, else their browser's
 * Accept-Language, else English — as /me tells the portal; and the operator's own words per language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem, Schemas } from '../../helpers/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

type Me = Schemas['Me'];

describe('the reader’s language', () => {
  it('follows the browser, then the organization’s default, then the person’s own choice', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const user = await tenant.user.login();
    const asked = (c: typeof admin, lang?: string) => c.request<Me>('GET', '/api/v1/me', undefined, lang ? { 'accept-language': lang } : {});

    expect((await asked(user)).body.locale).toEqual({ current: 'en', chosen: null, organization: null, available: ['en', 'fr', 'de'] });
    expect((await asked(user, 'de-AT,de;q=0.9,en;q=0.5')).body.locale.current).toBe('de');
    expect((await asked(user, 'es-ES,es;q=0.9')).body.locale.current).toBe('en');

    const org = await admin.patch<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`, { locale: 'fr' });
    expect([org.status, org.body.locale]).toEqual([200, 'fr']);
    expect((await asked(user, 'de')).body.locale).toMatchObject({ current: 'fr', chosen: null, organization: 'fr' });

    const chose = await user.patch<'/api/v1/me'>('/api/v1/me', { locale: 'de' });
    expect([chose.status, chose.body.locale.current, chose.body.locale.chosen]).toEqual([200, 'de', 'de']);
    expect((await asked(user, 'fr')).body.locale.current).toBe('de');

    // back to following the organization
    expect((await user.patch<'/api/v1/me'>('/api/v1/me', { locale: null })).body.locale).toMatchObject({ current: 'fr', chosen: null });
    // another tenant's people are not touched by this tenant's default
    const other = await t.world.tenant();
    expect((await asked(await other.user.login(), 'de')).body.locale.current).toBe('de');
  });

  it('refuses a language Partnergate has no catalog for, and an empty change', async () => {
    const tenant = await t.world.tenant();
    const user = await tenant.user.login();
    const bad = await user.patch<Problem>('/api/v1/me', { locale: 'xx' });
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    const pseudo = await user.patch<Problem>('/api/v1/me', { locale: 'en-XA' });
    expect([pseudo.status, pseudo.body.code]).toEqual([400, 'validation_failed']);
    const empty = await user.patch<Problem>('/api/v1/me', {});
    expect([empty.status, empty.body.code]).toEqual([400, 'validation_failed']);
  });

  it('a partner’s default language is its people’s', async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    expect((await owner.patch<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${partner.id}`, { locale: 'de' })).body.locale).toBe('de');
    const staff = await partner.staff.login();
    expect((await staff.get<'/api/v1/me'>('/api/v1/me')).body.locale).toMatchObject({ current: 'de', organization: 'de' });
  });
});

describe('the operator’s words per language', () => {
  it('are written per language by the operator, audited, and refused to anyone else', async () => {
    const op = await (await t.world.operator()).login();
    const fr = await op.put<'/api/v1/platform/texts/{locale}'>('/api/v1/platform/texts/fr', {
      product_name: 'Portail Partenaires',
      support_email: 'aide@example.test',
      terms_url: 'https://example.test/fr/conditions',
      privacy_url: null,
    });
    expect([fr.status, fr.body.product_name, fr.body.language]).toEqual([200, 'Portail Partenaires', 'Français']);
    const list = await op.get<'/api/v1/platform/texts'>('/api/v1/platform/texts');
    expect(list.body.data.map((r) => [r.locale, r.product_name])).toEqual([
      ['en', null],
      ['fr', 'Portail Partenaires'],
      ['de', null],
    ]);
    expect(await t.services.languages.textsFor('fr')).toMatchObject({ product_name: 'Portail Partenaires', support_email: 'aide@example.test' });

    const http = await op.put<Problem>('/api/v1/platform/texts/de', { product_name: 'X', support_email: null, terms_url: 'http://example.test/agb', privacy_url: null });
    expect([http.status, http.body.code]).toEqual([400, 'validation_failed']);

    const tenant = await t.world.tenant();
    const no = await (await tenant.admin.login()).put<Problem>('/api/v1/platform/texts/fr', { product_name: 'Mine', support_email: null, terms_url: null, privacy_url: null });
    expect(no.status).toBe(403);

    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'target_id']).where('action', '=', 'platform_texts.updated').execute();
    expect(audit).toEqual([{ action: 'platform_texts.updated', target_id: 'fr' }]);
  });
});
