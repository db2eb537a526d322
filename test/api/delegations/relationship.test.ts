/**
 * A link's relationship details (contract reference, contacts, notes): both sides edit them through
 * their own routes, a third party cannot read or change them, every change is audited for both
 * sides, and bad input is a problem+json with a stable code pointing at the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { activeLink } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Cast {
  tenant: TestTenant;
  partner: TestPartner;
  admin: Client;
  owner: Client;
  linkId: string;
}

async function cast(): Promise<Cast> {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities: ['managed_services'] });
  const admin = await tenant.admin.login();
  const owner = await partner.owner.login();
  const linkId = await activeLink(owner, admin, partner.id, tenant);
  return { tenant, partner, admin, owner, linkId };
}

/** a person's name as their account holds it */
const nameOf = async (u: { id: string }) => (await t.services.identity.findUserById(u.id))!.name;

const partnerPath = (c: Cast) => `/api/v1/partners/${c.partner.id}/delegations/${c.linkId}/relationship`;
const tenantPath = (c: Cast) => `/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/relationship`;

describe('relationship details of a link', () => {
  it('start empty, and both the partner and the tenant admin change them, each seeing the other’s change', async () => {
    const c = await cast();
    let r = await c.owner.get(partnerPath(c));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ delegation_id: c.linkId, contract_reference: null, contacts: [], notes: null, version: 0, updated_by_name: null, updated_by_side: null });

    r = await c.owner.put(partnerPath(c), {
      contract_reference: '  MSA-2026-014 ',
      contacts: [{ name: 'Dana Reyes', role: 'Account manager', email: 'dana@partner.example' }],
      expected_version: 0,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ contract_reference: 'MSA-2026-014', contacts: [{ name: 'Dana Reyes', role: 'Account manager', email: 'dana@partner.example', phone: null }], version: 1, updated_by_name: await nameOf(c.partner.owner), updated_by_side: 'partner' });

    r = await c.admin.get(tenantPath(c));
    expect(r.body).toMatchObject({ contract_reference: 'MSA-2026-014', version: 1 });
    r = await c.admin.put(tenantPath(c), { notes: 'Renewal talks in March.', contacts: [...r.body.contacts, { name: 'Sam Okafor', phone: '+44 20 7946 0000' }], expected_version: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ notes: 'Renewal talks in March.', version: 2, updated_by_name: await nameOf(c.tenant.admin), updated_by_side: 'tenant' });
    expect(r.body.contacts).toHaveLength(2);

    r = await c.owner.get(partnerPath(c));
    // the other side reads who changed them, by name (the person, not only "the customer")
    expect(r.body).toMatchObject({ notes: 'Renewal talks in March.', contract_reference: 'MSA-2026-014', version: 2, updated_by_name: await nameOf(c.tenant.admin), updated_by_side: 'tenant' });
    expect(r.body.updated_at).toEqual(expect.any(String));
    expect(JSON.stringify(r.body)).not.toMatch(/usr_/);
  });

  it('every change is audited for both sides, with which fields changed', async () => {
    const c = await cast();
    expect((await c.owner.put(partnerPath(c), { contract_reference: 'PO-77' })).status).toBe(200);
    expect((await c.admin.put(tenantPath(c), { notes: 'Call before changes' })).status).toBe(200);
    // an unchanged save records nothing
    expect((await c.admin.put(tenantPath(c), { notes: 'Call before changes' })).body.version).toBe(2);

    const tenantLog = await c.admin.get(`/api/v1/tenants/${c.tenant.id}/audit-events?action=delegation.relationship_changed`);
    expect(tenantLog.status).toBe(200);
    const events = tenantLog.body.data as { details: { side: string; changed: string[] }; actor: { user_id: string }; target: { id: string } }[];
    expect(events.map((e) => [e.details.side, e.details.changed, e.target.id])).toEqual([
      ['tenant', ['notes'], c.linkId],
      ['partner', ['contract_reference'], c.linkId],
    ]);
    expect(events[0].actor.user_id).toBe(c.tenant.admin.id);
    expect(events[1].actor.user_id).toBe(c.partner.owner.id);
    const partnerLog = await c.owner.get(`/api/v1/partners/${c.partner.id}/audit-events?action=delegation.relationship_changed`);
    expect(partnerLog.status).toBe(200);
    expect(partnerLog.body.data).toHaveLength(2);
  });

  it('a third party cannot read or change them, whatever ids it sends', async () => {
    const c = await cast();
    const other = await cast();
    // another partner's owner, naming its own partner but this link: absent
    const viaOwnPartner = `/api/v1/partners/${other.partner.id}/delegations/${c.linkId}/relationship`;
    expect((await other.owner.get(viaOwnPartner)).status).toBe(404);
    expect((await other.owner.put(viaOwnPartner, { notes: 'mine now' })).status).toBe(404);
    // naming this link's partner: not its member (refused, or answered as absent)
    expect([403, 404]).toContain((await other.owner.put(partnerPath(c), { notes: 'mine now' })).status);
    // another tenant's admin, by its own tenant and by this one
    expect((await other.admin.put(`/api/v1/tenants/${other.tenant.id}/delegations/${c.linkId}/relationship`, { notes: 'x' })).status).toBe(404);
    expect([403, 404]).toContain((await other.admin.put(tenantPath(c), { notes: 'x' })).status);
    // the partner's staff (no delegations.manage) and the tenant's plain user may not change them
    const staff = await c.partner.staff.login();
    expect((await staff.put(partnerPath(c), { notes: 'x' })).status).toBe(403);
    const user = await c.tenant.user.login();
    expect((await user.put(tenantPath(c), { notes: 'x' })).status).toBe(403);
    // the body cannot choose the side or the editor
    const sneaky = await c.owner.put(partnerPath(c), { notes: 'x', updated_by_side: 'tenant' });
    expect([sneaky.status, sneaky.body.code]).toEqual([400, 'validation_failed']);
    expect((await c.owner.get(partnerPath(c))).body.version).toBe(0);
  });

  it('refuses bad input with a stable code at the field', async () => {
    const c = await cast();
    let r = await c.owner.put(partnerPath(c), { contacts: [{ name: 'Dana', email: 'not an address' }] });
    expect([r.status, r.body.code]).toEqual([400, 'relationship_contact_invalid']);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.errors).toEqual([{ pointer: '/contacts/0/email', detail: 'This is not an e-mail address.' }]);

    r = await c.admin.put(tenantPath(c), { contacts: [{ name: 'Dana' }] });
    expect([r.status, r.body.code, r.body.errors[0].pointer]).toEqual([400, 'relationship_contact_invalid', '/contacts/0/email']);

    r = await c.admin.put(tenantPath(c), { contacts: [{ name: '  ', phone: '+1 555 0100' }] });
    expect([r.status, r.body.errors[0].pointer]).toEqual([400, '/contacts/0/name']);

    r = await c.owner.put(partnerPath(c), { notes: 'x'.repeat(4001) });
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);

    expect((await c.owner.put(partnerPath(c), { notes: 'first', expected_version: 0 })).status).toBe(200);
    r = await c.admin.put(tenantPath(c), { notes: 'stale', expected_version: 0 });
    expect([r.status, r.body.code]).toEqual([409, 'relationship_changed']);

    // an ended link keeps its details as they were
    expect((await c.admin.post(`/api/v1/tenants/${c.tenant.id}/delegations/${c.linkId}/revoke`, { reason: 'contract ended' })).status).toBe(200);
    r = await c.owner.put(partnerPath(c), { notes: 'after the end' });
    expect([r.status, r.body.code]).toEqual([409, 'relationship_link_closed']);
    expect((await c.admin.get(tenantPath(c))).body.notes).toBe('first');
  });
});
