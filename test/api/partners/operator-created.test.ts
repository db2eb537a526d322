/**
 * The operator makes a partner (POST /api/v1/partners): active at once, through the approval path
 * (partner.created then partner.approved), with a template's configuration, its owner's invitation
 * and the plans it may offer — all in one transaction, so a refusal leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client, type Problem } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { planBody } from '../plans/helpers.ts';

let t: TestApp;
let operator: Client;
let template: TestPartner;
let planName: string;
let planId: string;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  template = await t.world.partner({ capabilities: ['managed_services'] });
  const api = await operator.put(`/api/v1/partners/${template.id}/configuration/api`, { value: { ip_allow: ['203.0.113.0/24', '127.0.0.0/8'] } });
  expect(api.status).toBe(200);
  const session = await operator.put(`/api/v1/partners/${template.id}/configuration/session`, { value: { idle_minutes: 15 } });
  expect(session.status).toBe(200);
  planName = unique('Fibre Business');
  const plan = await operator.post('/api/v1/plans', planBody({ name: planName, price_minor: 4900 }));
  expect(plan.status).toBe(201);
  planId = plan.body.id;
});
afterAll(() => t.close());

function newPartner(over: Record<string, unknown> = {}) {
  const slug = unique('made');
  return {
    name: `Fabrikam ${slug}`,
    slug,
    contact_email: `${slug}@example.test`,
    website: 'https://fabrikam.example',
    capabilities: ['managed_services', 'wholesale'],
    owner: { email: `${slug}-owner@example.test` },
    ...over,
  };
}

async function invitationMails(): Promise<number> {
  return (await t.services.db.kysely.selectFrom('mail_messages').select('id').where('kind', '=', 'invitation').execute()).length;
}

async function partnersWithSlug(slug: string) {
  return t.services.db.kysely.selectFrom('partners').select('id').where('slug', '=', slug).execute();
}

describe('the operator makes a partner', () => {
  it('is active at once, through the approval path, with the template, the owner invitation and the plans', async () => {
    const body = newPartner({ configuration_template: template.slug, plans: [{ plan: planName }] });
    const mailsBefore = await invitationMails();
    const r = await operator.post<'/api/v1/partners'>('/api/v1/partners', body);
    expect(r.status).toBe(201);
    expect(r.body.partner).toMatchObject({ slug: body.slug, status: 'active', capabilities: ['managed_services', 'wholesale'] });
    expect(r.body.partner.approved_at).not.toBeNull();
    expect(r.body.invitation).toMatchObject({ email: body.owner.email, role: 'PARTNER_OWNER' });
    const id = r.body.partner.id;

    // the template's configuration, each section a version of its own
    const config = await operator.get<'/api/v1/partners/{partner_id}/configuration'>(`/api/v1/partners/${id}/configuration`);
    expect(config.body.config).toEqual({ api: { ip_allow: ['203.0.113.0/24', '127.0.0.0/8'] }, session: { idle_minutes: 15 } });
    expect(config.body.version).toBe(2);
    // the plan, at the plan's price
    const plans = await operator.get<'/api/v1/partners/{partner_id}/plans'>(`/api/v1/partners/${id}/plans`);
    expect(plans.body.data.map((p) => [p.plan_id, p.min_price_minor, p.max_price_minor])).toEqual([[planId, 4900, 4900]]);

    // audited as an approved application, with what came with it
    const ev = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?partner_id=${id}&limit=50`);
    expect(ev.body.data.map((e) => e.action).reverse()).toEqual(['partner.created', 'partner.approved', 'partner.config_changed', 'partner.config_changed', 'partner.user_invited', 'partner.plan_allowed']);
    expect(ev.body.data.find((e) => e.action === 'partner.created')?.details).toMatchObject({ by: 'operator', configuration_template: template.id, owner_invited: body.owner.email });

    // the owner accepts the invitation and runs the partner
    const token = r.body.invitation.url.split('/invite/')[1];
    const anon = new Client(t.app);
    expect((await anon.post('/api/v1/invitations/accept', { token, name: 'Fay Owner', password: 'a long enough passphrase' })).status).toBe(200);
    const owner = await new Client(t.app).login(body.owner.email, 'a long enough passphrase');
    const me = await owner.get('/api/v1/me');
    expect(me.body.partner).toMatchObject({ partner_id: id, role: 'PARTNER_OWNER', partner_status: 'active' });
    expect((await owner.get(`/api/v1/partners/${body.slug}/members`)).status).toBe(200);
    // and the invitation went out by e-mail, in the same transaction
    expect(await invitationMails()).toBe(mailsBefore + 1);
  });

  it('refuses what an application is refused, and leaves nothing behind', async () => {
    const taken = await operator.post<Problem>('/api/v1/partners', newPartner({ slug: template.slug }));
    expect([taken.status, taken.body.code]).toEqual([409, 'partner_slug_taken']);

    const noCaps = await operator.post<Problem>('/api/v1/partners', newPartner({ capabilities: [] }));
    expect([noCaps.status, noCaps.body.code]).toEqual([400, 'validation_failed']);

    const badUrl = await operator.post<Problem>('/api/v1/partners', newPartner({ website: 'javascript:alert(1)' }));
    expect([badUrl.status, badUrl.body.code]).toEqual([400, 'validation_failed']);

    // a late refusal (an unknown plan, after the partner, approval, configuration and invitation were written) undoes all of it
    const late = newPartner({ configuration_template: template.id, plans: [{ plan: planName }, { plan: 'No Such Plan' }] });
    const mailsBefore = await invitationMails();
    const unknown = await operator.post<Problem>('/api/v1/partners', late);
    expect([unknown.status, unknown.body.code]).toEqual([400, 'plan_unknown']);
    expect(unknown.body.errors?.[0]?.pointer).toBe('/body/plans/1');
    expect(await partnersWithSlug(late.slug)).toEqual([]);
    expect(await t.services.db.kysely.selectFrom('invitations').select('id').where('email', '=', late.owner.email).execute()).toEqual([]);
    expect(await invitationMails()).toBe(mailsBefore);

    const noTemplate = await operator.post<Problem>('/api/v1/partners', newPartner({ configuration_template: 'no-such-partner' }));
    expect([noTemplate.status, noTemplate.body.code]).toEqual([400, 'template_partner_not_found']);
    expect(noTemplate.body.errors?.[0]?.pointer).toBe('/body/configuration_template');

    // a person of another partner cannot own this one (a person belongs to one partner)
    const owned = await operator.post<Problem>('/api/v1/partners', newPartner({ owner: { email: template.owner.email } }));
    expect([owned.status, owned.body.code]).toEqual([409, 'already_partner_member']);
    expect(owned.body.detail).toContain(template.name);
  });

  it('is the operator’s alone', async () => {
    const owner = await template.owner.login();
    const r = await owner.post<Problem>('/api/v1/partners', newPartner());
    expect(r.status).toBe(403);
    const anon = await new Client(t.app).post<Problem>('/api/v1/partners', newPartner());
    expect(anon.status).toBe(401);
  });
});
