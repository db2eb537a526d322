/**
 * The partner permission matrix, two ways:
 *  - the role catalog the migrations seed grants exactly what the matrix (and the role tables
 *    above it) say, for SUPER_ADMIN, PARTNER_OWNER and PARTNER_STAFF, permission by permission;
 *  - over HTTP, every permission of the matrix that has an API today (partner profile, members,
 *    invitations, audit), for the owner, a staff member and the operator — each refusal a 403
 *    permission_denied. Referrals, earnings, exports and agreements have no routes yet; the
 *    catalog half covers them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { mutate } from '../../../src/platform/db/database.ts';

let t: TestApp;
let operatorUser: Awaited<ReturnType<TestApp['world']['operator']>>;

beforeAll(async () => {
  t = await startTestApp();
  operatorUser = await t.world.operator();
});
afterAll(() => t.close());

type Role = 'SUPER_ADMIN' | 'PARTNER_OWNER' | 'PARTNER_STAFF';
const Y = true;
const N = false;

/**
 * The permission matrix and the role tables: [name in the requirement, permission, SUPER_ADMIN, PARTNER_OWNER, PARTNER_STAFF]
 */
const MATRIX: [string, string, boolean, boolean, boolean][] = [
  ['canViewPartner', 'partner.profile.read', Y, Y, Y],
  ['canEditPartner', 'partner.profile.update', Y, Y, N],
  ['canManagePartnerUsers', 'partner.members.manage', Y, Y, N],
  ['View Users (role tables)', 'partner.members.read', Y, Y, N],
  ['canSignAgreement (Super Admin approves, does not sign)', 'partner.agreements.sign', N, Y, N],
  ['Approve agreements (owners cannot approve their own)', 'partner.agreements.approve', Y, N, N],
  ['canViewReferrals', 'partner.referrals.read', Y, Y, Y],
  ['canCreateReferralCodes', 'partner.referral_codes.create', Y, Y, Y],
  ['canViewAllReferrals', 'partner.referrals.read_all', Y, Y, N],
  ['Manage Codes (role tables)', 'partner.referral_codes.manage', Y, Y, N],
  ['canViewEarnings', 'partner.earnings.read', Y, Y, Y],
  ['canViewAllEarnings', 'partner.earnings.read_all', Y, Y, N],
  ['canExportEarnings', 'partner.earnings.export', Y, Y, N],
  ['canViewAgreement', 'partner.agreements.read', Y, Y, Y],
  ['canViewAgreementHistory', 'partner.agreements.history.read', Y, Y, N],
];

describe('the seeded role catalog matches the partner permission matrix', () => {
  it('declares every permission of the matrix', () => {
    const known = t.services.access.roles.permissions;
    for (const [, permission] of MATRIX) expect(known.has(permission), permission).toBe(true);
  });

  it.each(MATRIX)('%s (%s): SUPER_ADMIN %s, PARTNER_OWNER %s, PARTNER_STAFF %s', (_seed, permission, admin, owner, staff) => {
    const roles = t.services.access.roles;
    const granted = (role: Role) => roles.grants(role, permission) !== null;
    expect({ SUPER_ADMIN: granted('SUPER_ADMIN'), PARTNER_OWNER: granted('PARTNER_OWNER'), PARTNER_STAFF: granted('PARTNER_STAFF') }).toEqual({
      SUPER_ADMIN: admin,
      PARTNER_OWNER: owner,
      PARTNER_STAFF: staff,
    });
  });

  it('partner roles grant nothing in the tenant domain (rule 5, the hard boundary)', () => {
    const roles = t.services.access.roles;
    for (const role of ['PARTNER_OWNER', 'PARTNER_STAFF']) {
      for (const permission of roles.permissions.keys()) {
        if (permission.startsWith('tenant.') || permission.startsWith('platform.')) expect(roles.grants(role, permission), `${role} ${permission}`).toBeNull();
      }
    }
  });
});

interface Ctx {
  p: TestPartner;
  /** another member the action may change or remove */
  member: { id: string; email: string };
  /** a pending invitation of the partner */
  invitationId: string;
}

/** [seed permission, method, path, body, expected status for owner, staff, operator] */
const ROUTES: [string, string, (c: Ctx) => string, ((c: Ctx) => unknown) | undefined, number, number, number][] = [
  ['canViewPartner', 'GET', (c) => `/api/v1/partners/${c.p.id}`, undefined, 200, 200, 200],
  ['canEditPartner', 'PATCH', (c) => `/api/v1/partners/${c.p.id}`, () => ({ description: 'Edited' }), 200, 403, 200],
  ['View Users', 'GET', (c) => `/api/v1/partners/${c.p.id}/members`, undefined, 200, 403, 200],
  ['canManagePartnerUsers: invite', 'POST', (c) => `/api/v1/partners/${c.p.id}/members`, () => ({ email: `${unique('m')}@example.test`, role: 'PARTNER_STAFF' }), 201, 403, 201],
  ['canManagePartnerUsers: see pending invitations', 'GET', (c) => `/api/v1/partners/${c.p.id}/invitations`, undefined, 200, 403, 200],
  ['canManagePartnerUsers: withdraw an invitation', 'DELETE', (c) => `/api/v1/partners/${c.p.id}/invitations/${c.invitationId}`, undefined, 204, 403, 204],
  ['Change Roles: promote', 'PATCH', (c) => `/api/v1/partners/${c.p.id}/members/${c.member.id}`, () => ({ role: 'PARTNER_OWNER' }), 204, 403, 204],
  ['canManagePartnerUsers: deactivate', 'PATCH', (c) => `/api/v1/partners/${c.p.id}/members/${c.member.id}`, () => ({ status: 'inactive' }), 204, 403, 204],
  ['Remove Users', 'DELETE', (c) => `/api/v1/partners/${c.p.id}/members/${c.member.id}`, undefined, 204, 403, 204],
  ['audit log (owner only)', 'GET', (c) => `/api/v1/partners/${c.p.id}/audit-events`, undefined, 200, 403, 200],
];

describe('the partner permission matrix over HTTP: owner, staff and operator', () => {
  async function fresh(): Promise<Ctx> {
    const p = await t.world.partner({ capabilities: ['referral'] });
    const u = await t.world.user();
    await t.world.joinPartner(p.id, u.id, 'PARTNER_STAFF');
    const link = await mutate(t.services.db, (trx) => t.services.identity.invite(trx, { email: `${unique('pending')}@example.test`, scopeType: 'partner', scopeId: p.id, role: 'PARTNER_STAFF', invitedBy: null }));
    return { p, member: u, invitationId: link.id };
  }

  it.each(ROUTES.flatMap(([name, method, path, body, owner, staff, operator]) => [
    [name, 'owner', method, path, body, owner] as const,
    [name, 'staff', method, path, body, staff] as const,
    [name, 'operator', method, path, body, operator] as const,
  ]))('%s — %s: %s → %s', async (_name, who, method, path, body, status) => {
    const c = await fresh();
    const caller: Client = who === 'owner' ? await c.p.owner.login() : who === 'staff' ? await c.p.staff.login() : await operatorUser.login();
    const r = await caller.request(method, path(c), body?.(c));
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 403) expect(r.body.code).toBe('permission_denied');
  });
});
