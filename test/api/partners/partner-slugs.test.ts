/**
 * A partner route takes the partner's slug wherever it takes its id: one resolver (the partner
 * plane's guard) turns the slug into the id before the wall, so the same checks decide and the
 * same audit records the id. Another organization's slug answers exactly as a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';

let t: TestApp;
let operator: Client;
let fabrikam: TestPartner;
let other: TestPartner;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  fabrikam = await t.world.partner({ capabilities: ['managed_services'] });
  other = await t.world.partner({ capabilities: ['managed_services'] });
});
afterAll(() => t.close());

describe('a partner by its slug', () => {
  it('answers its own member and the operator as its id does', async () => {
    const owner = await fabrikam.owner.login();
    const byId = await owner.get<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${fabrikam.id}`);
    const bySlug = await owner.get<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${fabrikam.slug}`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toEqual(byId.body);
    const staff = await fabrikam.staff.login();
    expect((await staff.get<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${fabrikam.slug}`)).body.id).toBe(fabrikam.id);
    const op = await operator.get<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${fabrikam.slug}`);
    expect([op.status, op.body.id]).toEqual([200, fabrikam.id]);
    // and below it: the members (owner) and a write, audited with the id
    const members = await owner.get<'/api/v1/partners/{partner_id}/members'>(`/api/v1/partners/${fabrikam.slug}/members`);
    expect(members.status).toBe(200);
    expect(members.body.data.map((m) => m.user_id)).toContain(fabrikam.owner.id);
    const patched = await owner.patch<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${fabrikam.slug}`, { description: 'Managed fibre for small offices' });
    expect([patched.status, patched.body.description]).toEqual([200, 'Managed fibre for small offices']);
    const events = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?partner_id=${fabrikam.id}&action=partner.updated&limit=5`);
    expect(events.body.data[0]).toMatchObject({ action: 'partner.updated', target: { id: fabrikam.id }, actor: { partner_id: fabrikam.id } });
  });

  it('keeps the role checks: staff cannot read the member list by slug either', async () => {
    const staff = await fabrikam.staff.login();
    const byId = await staff.get<Problem>(`/api/v1/partners/${fabrikam.id}/members`);
    const bySlug = await staff.get<Problem>(`/api/v1/partners/${fabrikam.slug}/members`);
    expect([bySlug.status, bySlug.body.code]).toEqual([byId.status, byId.body.code]);
    expect(bySlug.status).toBe(403);
  });

  it("answers another organization's slug exactly as a missing one", async () => {
    const owner = await fabrikam.owner.login();
    const theirs = await owner.get<Problem>(`/api/v1/partners/${other.slug}`);
    const missing = await owner.get<Problem>(`/api/v1/partners/${unique('no-such')}`);
    const theirId = await owner.get<Problem>(`/api/v1/partners/${other.id}`);
    for (const r of [theirs, missing, theirId]) expect([r.status, r.body.code]).toEqual([404, 'partner_not_found']);
    expect(theirs.body.detail).toBe(missing.body.detail);
    expect(theirs.body.detail).toBe(theirId.body.detail);
    // a write to their slug is refused before its body is looked at
    const write = await owner.patch<Problem>(`/api/v1/partners/${other.slug}`, { nonsense: true });
    expect([write.status, write.body.code]).toEqual([404, 'partner_not_found']);
  });

  it('tells the operator a slug no partner has is not found, not malformed', async () => {
    const r = await operator.get<Problem>(`/api/v1/partners/${unique('no-such')}`);
    expect([r.status, r.body.code]).toEqual([404, 'partner_not_found']);
    const bad = await operator.get<Problem>('/api/v1/partners/Not%20A%20Slug');
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_id']);
  });

  it('refuses a person of no partner by slug as by id (403 not a partner member)', async () => {
    const nobody = await (await t.world.user()).login();
    const byId = await nobody.get<Problem>(`/api/v1/partners/${fabrikam.id}`);
    const bySlug = await nobody.get<Problem>(`/api/v1/partners/${fabrikam.slug}`);
    expect([bySlug.status, bySlug.body.code]).toEqual([byId.status, byId.body.code]);
    expect(bySlug.status).toBe(403);
  });

  it('takes a reseller by its slug under its distributor, and no other partner', async () => {
    const dist = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await dist.owner.login();
    const made = await owner.post<'/api/v1/partners/{partner_id}/resellers'>(`/api/v1/partners/${dist.slug}/resellers`, {
      name: `Reseller ${unique('r')}`,
      contact_email: `${unique('r')}@example.test`,
      owner_email: `${unique('r')}@example.test`,
    });
    expect(made.status).toBe(201);
    const resellerSlug = (await t.services.partners.getPartner(made.body.reseller.id))!.slug;
    const suspended = await owner.post<'/api/v1/partners/{partner_id}/resellers/{reseller_id}/suspend'>(`/api/v1/partners/${dist.slug}/resellers/${resellerSlug}/suspend`, { reason: 'unpaid' });
    expect([suspended.status, suspended.body.status]).toEqual([200, 'suspended']);
    const notMine = await owner.post<Problem>(`/api/v1/partners/${dist.slug}/resellers/${other.slug}/suspend`, { reason: 'unpaid' });
    expect([notMine.status, notMine.body.code]).toEqual([404, 'partner_not_found']);
  });

  it('documents the slug in the API reference', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: { pattern: string } }[] }>> };
    const param = doc.paths['/api/v1/partners/{partner_id}'].get.parameters?.find((p) => p.name === 'partner_id');
    expect(new RegExp(param!.schema.pattern).test('fabrikam-msp')).toBe(true);
    expect(new RegExp(param!.schema.pattern).test(fabrikam.id)).toBe(true);
  });
});
