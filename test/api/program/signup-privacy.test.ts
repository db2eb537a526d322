/**
 * The public sign-up does not tell whether an address has an account: a new and an existing
 * address get the same answer (201, the same body apart from the tenant id), the same refusals
 * (a bad referral code), and for the existing one nothing is written — no tenant, no membership,
 * no attribution; its owner is e-mailed instead (through a real SMTP server in this test), and a
 * new admin is told the organization was created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import type { Problem } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { until } from '../gateway/helpers.ts';
import { slugify } from '../../../src/modules/partners/partners.service.ts';
import { createCode, programWorld } from './program-world.ts';

let mail: TestInbox;
let t: TestApp;

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ config: mail.config });
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

const mailTo = (email: string) => mail.to(email);
const anon = () => {
  const c = t.client();
  c.ip = `10.78.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return c;
};
const PASSWORD = 'a long enough passphrase 42';
const body = (email: string, extra: Record<string, unknown> = {}) => ({ organization_name: unique('Signup Org'), admin_name: 'Sam Signup', email, password: PASSWORD, ...extra });
const count = async (table: 'users' | 'tenants' | 'tenant_members' | 'referral_attributions' | 'audit_events') => Number((await t.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const counts = async () => ({ users: await count('users'), tenants: await count('tenants'), members: await count('tenant_members'), attributions: await count('referral_attributions'), audit: await count('audit_events') });

describe('the public sign-up', () => {
  it('answers a new and an existing address alike; for the existing one nothing is written and its owner is e-mailed', async () => {
    const w = await programWorld(t);
    const code = await createCode(w.owner, w.p.id);
    const existing = await t.world.user({ label: 'known' });
    const fresh = `${unique('fresh')}@example.test`;

    const before = await counts();
    const known = body(existing.email.toUpperCase(), { referral_code: code });
    const a = await anon().post('/api/v1/signup', known);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(await counts()).toEqual(before);
    expect(await t.services.db.kysely.selectFrom('tenants').select('id').where('name', '=', known.organization_name).execute()).toEqual([]);

    const created = body(fresh, { referral_code: code });
    const b = await anon().post('/api/v1/signup', created);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(Object.keys(a.body.tenant).sort()).toEqual(Object.keys(b.body.tenant).sort());
    expect(a.body).toMatchObject({ tenant: { name: known.organization_name, slug: slugify(known.organization_name) }, next: 'login' });
    expect(b.body).toMatchObject({ tenant: { name: created.organization_name }, next: 'login' });
    expect(a.body.tenant.id).toMatch(/^tnt_/);

    // the account at the existing address is as it was: its own password, no new organization
    const own = await anon().post<Problem>('/api/v1/auth/login', { email: existing.email, password: PASSWORD });
    expect(own.status).toBe(401);
    const me = await (await existing.login()).get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).not.toContain(known.organization_name);

    await until('both mails', async () => mailTo(existing.email).length > 0 && mailTo(fresh).length > 0, 10_000);
    const [notice] = mailTo(existing.email);
    expect(notice.subject).toBe('Someone tried to sign up with your address');
    expect(notice.text).toContain('no new account and no organization were created');
    expect(notice.text).toMatch(/If it was you, sign in/);
    expect(notice.text).not.toContain(known.organization_name);
    expect(mailTo(fresh)[0].subject).toBe('Your organization was created on Partnergate');
  });

  it('writes each e-mail in its reader’s language: the new admin in the browser’s that signed up, an existing account in its own', async () => {
    const existing = await t.world.user({ label: 'known-de' });
    await t.services.db.kysely.updateTable('users').set({ locale: 'de' }).where('id', '=', existing.id).execute();
    const fresh = `${unique('frais')}@example.test`;
    expect((await anon().post('/api/v1/signup', body(fresh), { 'accept-language': 'fr-FR,fr;q=0.9' })).status).toBe(201);
    expect((await anon().post('/api/v1/signup', body(existing.email), { 'accept-language': 'fr' })).status).toBe(201);
    await until('both mails', async () => mailTo(existing.email).length > 0 && mailTo(fresh).length > 0, 10_000);
    const [done] = mailTo(fresh);
    expect(done.subject).toBe('Votre organisation a été créée sur Partnergate');
    expect(done.text).toContain('Connectez-vous avec cette adresse');
    const [notice] = mailTo(existing.email);
    expect(notice.subject).toBe('Jemand hat versucht, sich mit Ihrer Adresse zu registrieren');
    expect(notice.text).toMatch(/^Hallo .+,/);
    expect(notice.text).not.toContain('If it was you');
  });

  it('refuses a bad referral code the same way for both addresses, writing nothing', async () => {
    const existing = await t.world.user({ label: 'known' });
    const before = await counts();
    for (const email of [existing.email, `${unique('fresh')}@example.test`]) {
      const r = await anon().post<Problem>('/api/v1/signup', body(email, { referral_code: 'NOPE-0000' }));
      expect([r.status, r.body.code], email).toEqual([400, 'referral_code_invalid']);
    }
    expect(await counts()).toEqual(before);
  });
});
