/**
 * Notices and their e-mails in each recipient's own language, never the sender's: a customer's admin who
 * reads Partnergate in French is told in French that a partner asks for access (bell and e-mail, with the
 * date as French writes it), and the partner's owner who chose German is told in German that it was approved.
 * Someone who chose nothing reads English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { inDays, requestLink } from '../delegations/helpers.ts';

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

describe("a notice in its recipient's language", () => {
  it('French for the customer’s admin, German for the partner’s owner, English for whoever chose nothing', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const admin = await tenant.admin.login();
    const owner = await partner.owner.login();
    expect((await admin.patch('/api/v1/me', { locale: 'fr' })).status).toBe(200);
    expect((await owner.patch('/api/v1/me', { locale: 'de' })).status).toBe(200);
    const other = await t.world.user();
    await t.world.joinTenant(tenant.id, other.id, 'TENANT_ADMIN');

    const endsAt = inDays(90);
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, justification: 'revue trimestrielle du réseau', ends_at: endsAt });
    await t.services.notifications.worker.tick();
    const bell = (await admin.get('/api/v1/me/notifications?limit=20')).body.data as { title: string; body: string }[];
    const fr = bell.find((n) => n.title.includes(partner.name))!;
    expect(fr.title).toBe(`${partner.name} demande l’accès à ${tenant.name}`);
    const until = new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(endsAt));
    expect(fr.body).toContain(`jusqu’au ${until}`);
    expect(fr.body).toContain('Motif indiqué : « revue trimestrielle du réseau ».');
    const [frMail] = mail.to(tenant.admin.email);
    expect(frMail.subject).toBe(`${partner.name} demande l’accès à ${tenant.name}`);
    expect(frMail.text).toMatch(/^Bonjour .+,$/m);
    expect(frMail.text).toContain('Ouvrir dans Partnergate');
    // the other admin chose no language: English
    const [enMail] = mail.to(other.email);
    expect(enMail.subject).toBe(`${partner.name} asks for access to ${tenant.name}`);

    expect((await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/approve`, {})).status).toBe(200);
    await t.services.notifications.worker.tick();
    const deBell = (await owner.get('/api/v1/me/notifications?limit=20')).body.data as { title: string; body: string }[];
    expect(deBell.map((n) => n.title)).toContain(`${tenant.name} hat Ihre Zugriffsanfrage genehmigt`);
  });
});
