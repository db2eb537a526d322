/**
 * The public partner application does not tell whether an address has an account: a new and an
 * existing owner address get the same answer (201, the same body apart from ids), the same
 * refusals (a slug in use), and for the existing one nothing is written — its owner is e-mailed
 * instead (through a real SMTP server in this test), and a new applicant is told the application
 * arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { Client, type Problem } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { until } from '../gateway/helpers.ts';

let mail: TestInbox;
let t: TestApp;
const clock = new ManualClock('2026-05-04T10:00:00Z');

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ clock, config: mail.config });
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

const mailTo = (email: string) => mail.to(email);
const anon = () => {
  const c = new Client(t.app);
  c.ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return c;
};
const application = (email: string) => {
  const slug = unique('applicant');
  return { name: `Applicant ${slug}`, slug, contact_email: `contact-${slug}@example.test`, requested_capabilities: ['wholesale'], owner: { name: 'Ann Applicant', email, password: 'a long enough passphrase 42' } };
};
/** what a body says apart from its ids and its own names */
const shape = (v: unknown): unknown => (Array.isArray(v) ? v.map(shape) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v);
const count = async (table: 'users' | 'partners' | 'partner_members' | 'audit_events') => Number((await t.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the partner application', () => {
  it('answers a new and an existing owner address alike; for the existing one nothing is written and its owner is e-mailed', async () => {
    const existing = await t.world.user({ label: 'known' });
    const fresh = `${unique('fresh')}@example.test`;

    const before = { users: await count('users'), partners: await count('partners'), members: await count('partner_members'), audit: await count('audit_events') };
    const known = application(existing.email.toUpperCase());
    const a = await anon().post('/api/v1/partner-applications', known);
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect({ users: await count('users'), partners: await count('partners'), members: await count('partner_members'), audit: await count('audit_events') }).toEqual(before);
    expect(await t.services.db.kysely.selectFrom('partners').select('id').where('slug', '=', known.slug).execute()).toEqual([]);

    const created = application(fresh);
    const b = await anon().post('/api/v1/partner-applications', created);
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    expect(shape(a.body)).toEqual(shape(b.body));
    expect(a.body.partner).toMatchObject({ name: known.name, slug: known.slug, status: 'applied', requested_capabilities: ['wholesale'] });
    expect(b.body.partner).toMatchObject({ name: created.name, slug: created.slug, status: 'applied', requested_capabilities: ['wholesale'] });
    expect(a.body.partner.id).toMatch(/^ptr_/);
    expect(a.body.owner_user_id).toMatch(/^usr_/);
    expect(await t.services.db.kysely.selectFrom('users').select('id').where('id', '=', a.body.owner_user_id).execute()).toEqual([]);
    expect(await t.services.db.kysely.selectFrom('partners').select('id').where('id', '=', a.body.partner.id).execute()).toEqual([]);

    // the account at the existing address is as it was: its own password, no partner
    const own = await anon().post<Problem>('/api/v1/auth/login', { email: existing.email, password: known.owner.password });
    expect(own.status).toBe(401);
    await existing.login();

    await until('both mails', async () => mailTo(existing.email).length > 0 && mailTo(fresh).length > 0, 10_000);
    const [notice] = mailTo(existing.email);
    expect(notice.subject).toBe('Someone tried to apply as a partner with your address');
    expect(notice.text).toContain('no new account and no application were created');
    expect(notice.text).toMatch(/If it was you, sign in/);
    expect(notice.text).not.toContain(known.name);
    const [received] = mailTo(fresh);
    expect(received.subject).toBe('Your partner application was received');
  });

  it('writes each e-mail in its reader’s language: a new applicant in the browser’s that applied, an existing account in its own', async () => {
    const existing = await t.world.user({ label: 'known-fr' });
    await t.services.db.kysely.updateTable('users').set({ locale: 'fr' }).where('id', '=', existing.id).execute();
    const fresh = `${unique('neu')}@example.test`;
    expect((await anon().post('/api/v1/partner-applications', application(fresh), { 'accept-language': 'de-DE,de;q=0.9' })).status).toBe(201);
    expect((await anon().post('/api/v1/partner-applications', application(existing.email), { 'accept-language': 'de' })).status).toBe(201);
    await until('both mails', async () => mailTo(existing.email).length > 0 && mailTo(fresh).length > 0, 10_000);
    const [received] = mailTo(fresh);
    expect(received.subject).toBe('Ihre Partnerbewerbung ist eingegangen');
    expect(received.text).toContain('Vielen Dank für Ihre Bewerbung');
    const [notice] = mailTo(existing.email);
    expect(notice.subject).toBe('Quelqu’un a tenté de devenir partenaire avec votre adresse');
    expect(notice.text).not.toContain('If it was you');
  });

  it('refuses a slug in use the same way for both addresses, writing nothing', async () => {
    const existing = await t.world.user({ label: 'known' });
    const taken = await t.world.partner();
    const users = await count('users');
    for (const email of [existing.email, `${unique('fresh')}@example.test`]) {
      const r = await anon().post<Problem>('/api/v1/partner-applications', { ...application(email), slug: taken.slug });
      expect([r.status, r.body.code], email).toEqual([409, 'partner_slug_taken']);
    }
    expect(await count('users')).toBe(users);
  });
});
