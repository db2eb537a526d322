/**
 * A ticket's assignee across organizations. Through every door that changes a ticket — the
 * gateway's reference service (PATCH /resources/v1/tickets/:id) and the partner API (PATCH
 * /api/v1/partner/support/tickets/:id) — an assignee that names a user must be an active member
 * of the ticket's tenant or of the partner acting on it, else 400 assignee_not_member; team labels
 * stay free text. A person is named only to readers on their side of the ticket (the tenant and
 * the partner acting on it): an outsider's id stored before the check reads as no person to
 * everyone, and a partner's person is not named to another partner acting on the same tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { apiToken, gw, link, loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let A: TestTenant;
let B: TestTenant;
let P: TestPartner;
let R: TestPartner;
let Q: TestPartner;
let operator: TestUser;
let pStaff: Client;
let rStaff: Client;
let aUser: Client;

beforeAll(async () => {
  t = await startTestApp();
  [A, B] = [await t.world.tenant(), await t.world.tenant()];
  // P and R both act on A; Q acts on B only; the operator belongs to neither
  [P, R, Q] = [await t.world.partner({ capabilities: ['managed_services'] }), await t.world.partner({ capabilities: ['managed_services'] }), await t.world.partner({ capabilities: ['managed_services'] })];
  await link(t, P, A);
  await link(t, R, A);
  await link(t, Q, B);
  operator = await t.world.operator();
  [pStaff, rStaff, aUser] = [await loginAs(t, P.staff), await loginAs(t, R.staff), await loginAs(t, A.user)];
});
afterAll(async () => {
  await t?.close();
});

async function openTicket(subject: string): Promise<string> {
  const r = await pStaff.post<'/api/v1/partner/support/tickets'>('/api/v1/partner/support/tickets', { tenant_id: A.id, subject, description: 'Loss of light at the branch.' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** The ticket as the partner P, the partner R and the tenant A each read it. */
async function views(id: string) {
  const p = await pStaff.get<'/api/v1/partner/support/tickets/{ticket_id}'>(`/api/v1/partner/support/tickets/${id}`);
  const r = await rStaff.get<'/api/v1/partner/support/tickets/{ticket_id}'>(`/api/v1/partner/support/tickets/${id}`);
  const pList = await pStaff.get<'/api/v1/partner/support/tickets'>(`/api/v1/partner/support/tickets?tenant_id=${A.id}&limit=200`);
  const a = await aUser.get<'/api/v1/tenants/{tenant_id}/self/tickets'>(`/api/v1/tenants/${A.id}/self/tickets?limit=200`);
  for (const x of [p, r, pList, a]) expect(x.status, JSON.stringify(x.body)).toBe(200);
  return { p: p.body, r: r.body, pList: pList.body.data.find((x) => x.id === id)!, a: a.body.data.find((x) => x.id === id)! };
}

const outsiders = () => [
  ['a member of another partner', Q.staff.id],
  ['a member of another tenant', B.admin.id],
  ['the operator', operator.id],
  ['an unknown user id', 'usr_00000000000000000000000000'],
];

describe('a ticket assignee must belong to the customer or to the partner acting on it', () => {
  it('through the gateway: an outsider is refused with 400 assignee_not_member; a member of the tenant or of the partner, or a team label, is taken', async () => {
    const id = await openTicket('Gateway assignee');
    const token = await apiToken(t, P.staff);
    const patch = (assignee: string) => gw(t, 'PATCH', `/resources/v1/tickets/${id}`, { token, headers: { 'x-active-tenant-id': A.id }, body: { assignee } });
    for (const [who, userId] of outsiders()) {
      const r = await patch(userId);
      expect([r.status, r.body.code], who).toEqual([400, 'assignee_not_member']);
      expect(r.body.errors?.[0]?.pointer, who).toBe('/body/assignee');
    }
    expect((await views(id)).p.assignee).toBeNull();

    for (const assignee of [A.user.id, P.owner.id, 'noc-tier1']) {
      const r = await patch(assignee);
      expect([r.status, r.body.assignee], assignee).toEqual([200, assignee]);
    }
    // the customer acting itself may name its own people and those of a partner acting for it, no one else's
    const own = await apiToken(t, A.admin);
    const asTenant = (assignee: string) => gw(t, 'PATCH', `/resources/v1/tickets/${id}`, { token: own, headers: { 'x-active-tenant-id': A.id }, body: { assignee } });
    expect((await asTenant(Q.staff.id)).body.code).toBe('assignee_not_member');
    expect((await asTenant(P.staff.id)).status).toBe(200);
    expect((await asTenant(A.admin.id)).status).toBe(200);
  });

  it('through the partner API: an outsider is refused; a member of the tenant is taken and named to the tenant and the partner', async () => {
    const id = await openTicket('Partner API assignee');
    const patch = (assignee: string | null) => pStaff.patch<Problem & { assignee?: string | null }>(`/api/v1/partner/support/tickets/${id}`, { assignee });
    for (const [who, userId] of outsiders()) {
      const r = await patch(userId);
      expect([r.status, r.body.code], who).toEqual([400, 'assignee_not_member']);
      expect(r.body.errors?.[0]?.pointer, who).toBe('/body/assignee');
    }
    const v0 = await views(id);
    expect([v0.p.assignee, v0.a.assignee]).toEqual([null, null]);

    const ok = await pStaff.patch<'/api/v1/partner/support/tickets/{ticket_id}'>(`/api/v1/partner/support/tickets/${id}`, { assignee: A.user.id });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.assignee_person).toMatchObject({ user_id: A.user.id, email: A.user.email });
    const v1 = await views(id);
    for (const x of [v1.p, v1.pList, v1.a, v1.r]) expect(x.assignee_person).toMatchObject({ user_id: A.user.id, email: A.user.email });

    // the partner's own person: named to the partner and to the tenant, not to another partner acting on it
    expect((await patch(P.owner.id)).status).toBe(200);
    const v2 = await views(id);
    for (const x of [v2.p, v2.pList, v2.a]) expect(x.assignee_person).toMatchObject({ user_id: P.owner.id, email: P.owner.email });
    expect(v2.r.assignee).toBe(P.owner.id);
    expect(v2.r.assignee_person).toBeNull();

    // a team label stays text and names no one
    const label = await patch('billing-desk');
    expect([label.status, label.body.assignee]).toEqual([200, 'billing-desk']);
    const v3 = await views(id);
    for (const x of [v3.p, v3.a]) expect([x.assignee, x.assignee_person]).toEqual(['billing-desk', null]);
  });

  it('an outsider stored as assignee before the check (old data) is named to no reader', async () => {
    const ids = [await openTicket('Old data: operator'), await openTicket('Old data: other partner')];
    const stored = [operator.id, Q.staff.id];
    for (const [i, id] of ids.entries()) await t.services.db.kysely.updateTable('support_tickets').set({ assignee: stored[i] }).where('id', '=', id).execute();
    for (const [i, id] of ids.entries()) {
      const v = await views(id);
      for (const x of [v.p, v.pList, v.r, v.a]) {
        expect(x.assignee).toBe(stored[i]);
        expect(x.assignee_person).toBeNull();
      }
    }
  });
});
