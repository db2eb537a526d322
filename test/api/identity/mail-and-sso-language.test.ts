/**
 * The e-mails and pages written to someone who may not have chosen a language yet, in theirs: an invitation
 * in the invitee's language (their own when they have an account, else the inviting organization's default,
 * else the inviter's browser's), a password-reset link in the person's (else their organization's, else the
 * asking browser's), and single sign-on's pages in the signed-in person's, else the browser's, with
 * `<html lang>`. Someone who asks for nothing reads English, as before. Real SMTP server, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { until } from '../gateway/helpers.ts';

let mail: TestInbox;
let t: TestApp;

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ config: { ...mail.config } });
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

const uniq = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;

function anonymous(): Client {
  const c = new Client(t.app);
  c.ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  return c;
}

async function delivered(address: string) {
  await t.services.notifications.worker.tick();
  await until(`mail to ${address}`, async () => mail.to(address).length > 0, 10_000);
  return mail.to(address).at(-1)!;
}

describe('an invitation in the invitee’s language', () => {
  it('the inviting organization’s default for a new address, with the date as French writes it', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    expect((await admin.patch(`/api/v1/tenants/${tenant.id}`, { locale: 'fr' })).status).toBe(200);
    const email = uniq('invitee-fr');
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_ADMIN' }, { 'accept-language': 'de' });
    expect(r.status).toBe(201);
    const m = await delivered(email);
    expect(m.subject).toBe(`Vous êtes invité à rejoindre ${tenant.name} sur Partnergate`);
    expect(m.text).toContain(`vous a invité à rejoindre ${tenant.name} en tant qu’administrateur.`);
    const until = new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(r.body.invitation.expires_at));
    expect(m.text).toContain(`jusqu’au ${until} UTC`);
    expect(m.text).toContain('Accepter l’invitation');
  });

  it('the inviter’s browser’s when the organization has none; the invitee’s own when they have an account', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const fresh = uniq('invitee-de');
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: fresh, role: 'TENANT_USER' }, { 'accept-language': 'de-AT,de;q=0.9' })).status).toBe(201);
    const de = await delivered(fresh);
    expect(de.subject).toBe(`Sie sind eingeladen, ${tenant.name} auf Partnergate beizutreten`);
    expect(de.text).toContain(`als Mitglied beizutreten.`);

    const known = await t.world.user();
    const c = await known.login();
    expect((await c.patch('/api/v1/me', { locale: 'fr' })).status).toBe(200);
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: known.email, role: 'TENANT_USER' }, { 'accept-language': 'de' })).status).toBe(201);
    expect((await delivered(known.email)).subject).toBe(`Vous êtes invité à rejoindre ${tenant.name} sur Partnergate`);

    // nobody asks for anything: English, as before
    const plain = uniq('invitee-en');
    expect((await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email: plain, role: 'TENANT_USER' })).status).toBe(201);
    const en = await delivered(plain);
    expect(en.subject).toBe(`You are invited to join ${tenant.name} on Partnergate`);
    expect(en.text).toContain(`invited you to join ${tenant.name} as a member.`);
  });
});

describe('a password-reset link in the person’s language', () => {
  it('their own choice over the browser’s; the browser’s when they chose nothing; English otherwise', async () => {
    const chose = await t.world.user();
    expect((await (await chose.login()).patch('/api/v1/me', { locale: 'de' })).status).toBe(200);
    expect((await anonymous().post('/api/v1/auth/password-reset', { email: chose.email }, { 'accept-language': 'fr' })).status).toBe(202);
    const de = await delivered(chose.email);
    expect(de.subject).toBe('Setzen Sie Ihr Partnergate-Passwort zurück');
    expect(de.text).toContain('Der Link gilt einmal, 30 Minuten lang.');
    expect(de.text).toMatch(/Neues Passwort wählen: http:\/\/\S+\/reset-password\?token=/);

    const browser = await t.world.user();
    expect((await anonymous().post('/api/v1/auth/password-reset', { email: browser.email }, { 'accept-language': 'fr-CA,fr;q=0.8' })).status).toBe(202);
    const fr = await delivered(browser.email);
    expect(fr.subject).toBe('Réinitialisez votre mot de passe Partnergate');
    expect(fr.text).toContain('pendant 30 minutes');

    const plain = await t.world.user();
    expect((await anonymous().post('/api/v1/auth/password-reset', { email: plain.email })).status).toBe(202);
    const en = await delivered(plain.email);
    expect(en.subject).toBe('Reset your Partnergate password');
    expect(en.text).toContain('The link works once, for 30 minutes.');
  });
});

describe('single sign-on’s pages in the reader’s language', () => {
  it('the browser’s language for someone not signed in, the person’s own when signed in, with <html lang>', async () => {
    const fr = await t.app.inject({ method: 'GET', url: `/sso/start?email=${encodeURIComponent(uniq('nobody'))}`, headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
    expect(fr.statusCode).toBe(404);
    expect(fr.body).toContain('<html lang="fr" dir="ltr">');
    expect(fr.body).toContain('Aucune connexion d’entreprise pour cette adresse');
    expect(fr.body).toContain('Retour à la connexion');
    expect(fr.body).toContain('sso.not_routed');

    const person = await t.world.user();
    const c = await person.login();
    expect((await c.patch('/api/v1/me', { locale: 'de' })).status).toBe(200);
    const de = await c.request('GET', `/sso/start?email=${encodeURIComponent(uniq('nobody'))}`, undefined, { 'accept-language': 'fr' });
    expect(de.status).toBe(404);
    expect(String(de.raw.body)).toContain('<html lang="de" dir="ltr">');
    expect(String(de.raw.body)).toContain('Keine Firmenanmeldung für diese Adresse');

    const en = await t.app.inject({ method: 'GET', url: '/sso/start?email=' });
    expect(en.body).toContain('<html lang="en" dir="ltr">');
    expect(en.body).toContain('No company sign-in for this address');
  });
});
