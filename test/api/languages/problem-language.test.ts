/**
 * Problems are written in the reader's language, title and detail alike: the person's own choice, else their
 * organization's default, else the browser's Accept-Language. The person's preferences come with the read that
 * authenticated the request; a request without a session has the browser's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client, type Problem } from '../../helpers/http.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const DE = { 'accept-language': 'de' };

describe('a problem in the reader’s language', () => {
  it('follows the person’s chosen language over the browser’s, for the title and the detail', async () => {
    const tenant = await t.world.tenant();
    const user = await tenant.user.login();
    expect((await user.patch<'/api/v1/me'>('/api/v1/me', { locale: 'fr' })).status).toBe(200);

    const wrong = await user.post<Problem>('/api/v1/me/password', { current_password: 'not my password at all', new_password: 'a brand new long password 42' }, DE);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'invalid_credentials', title: 'L’e-mail ou le mot de passe est incorrect', detail: 'Le mot de passe actuel est incorrect.' });
    // the portal shows the server's sentence when Content-Language says it is the reader's
    expect(wrong.headers['content-language']).toBe('fr');

    // the choice taken back: the organization's default, then the browser's
    await user.patch<'/api/v1/me'>('/api/v1/me', { locale: null });
    const de = await user.post<Problem>('/api/v1/me/password', { current_password: 'not my password at all', new_password: 'a brand new long password 42' }, DE);
    expect(de.body).toMatchObject({ title: 'E-Mail-Adresse oder Passwort ist falsch', detail: 'Das aktuelle Passwort ist falsch.' });
    await (await tenant.admin.login()).patch<'/api/v1/tenants/{tenant_id}'>(`/api/v1/tenants/${tenant.id}`, { locale: 'fr' });
    const org = await user.post<Problem>('/api/v1/me/password', { current_password: 'not my password at all', new_password: 'a brand new long password 42' }, DE);
    expect(org.body.detail).toBe('Le mot de passe actuel est incorrect.');
  });

  it('a detail left out at the throw site is the title, in the person’s language', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    await admin.patch<'/api/v1/me'>('/api/v1/me', { locale: 'de' });
    const missing = await admin.delete<Problem>(`/api/v1/tenants/${tenant.id}/members/usr_00000000000000000000000000`);
    expect(missing.status).toBe(404);
    // no detail at the throw site: the detail is the title, in German as the title is
    expect(missing.body.detail).toBe(missing.body.title);
    expect(missing.body.title).not.toMatch(/[Nn]ot found|No such/);
  });

  it('a refusal of the decision engine says its reason in the person’s language; in English, the engine’s own reason', async () => {
    const tenant = await t.world.tenant();
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await msp.owner.login();
    const invoices = `/api/v1/partner/billing/invoices?tenant_id=${tenant.id}`;
    await owner.patch<'/api/v1/me'>('/api/v1/me', { locale: 'fr' });
    const fr = await owner.get<Problem>(invoices);
    expect(fr.status).toBe(404);
    expect(fr.body).toMatchObject({ code: 'delegation_not_found', detail: 'Aucun accès partenaire ne donne accès à ce client.' });
    expect(fr.headers['content-language']).toBe('fr');
    await owner.patch<'/api/v1/me'>('/api/v1/me', { locale: 'en' });
    const en = await owner.get<Problem>(invoices);
    expect(en.body).toMatchObject({ code: 'delegation_not_found', detail: 'No delegation gives access to this tenant.' });
  });

  it('without a session, follows the browser', async () => {
    const anonymous = new Client(t.app);
    const reset = await anonymous.post<Problem>('/api/v1/auth/password-reset/complete', { token: 'pgr_not-a-real-link-token-at-all', password: 'a brand new long password 42' }, DE);
    expect(reset.status).toBe(400);
    expect(reset.body).toMatchObject({ code: 'password_reset_invalid', detail: 'Dieser Link ist falsch, wurde bereits verwendet oder ist abgelaufen. Fordern Sie einen neuen an.' });

    const login = await anonymous.post<Problem>('/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong password' }, DE);
    expect(login.body).toMatchObject({ code: 'invalid_credentials', title: 'E-Mail-Adresse oder Passwort ist falsch', detail: 'E-Mail-Adresse oder Passwort ist falsch' });
    // English stays English
    const en = await anonymous.post<Problem>('/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong password' }, { 'accept-language': 'en' });
    expect(en.body.detail).toBe(en.body.title);
    expect(en.body.title).toMatch(/[a-z]/);
    expect(en.headers['content-language']).toBe('en');
  });

  it('a detail still written in English is not said to be in the reader’s language', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '{"email": ', headers: { 'content-type': 'application/json', ...DE } });
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body) as Problem;
    expect(body.code).toBe('malformed_json');
    expect(body.title).not.toBe(body.detail);
    // the title is German, the detail English: no Content-Language, so the portal uses its own words
    expect(res.headers['content-language']).toBeUndefined();
  });
});
