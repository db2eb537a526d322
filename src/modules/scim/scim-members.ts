/**
 * What SCIM provisioning does to a person's membership, per kind of organization. The protocol,
 * the SCIM records and the end of access (IdentityService.setUserStatus: sessions, API tokens,
 * OAuth grants and refresh tokens, invitations, on every instance through the change feed) are
 * the same for a partner and a tenant; only the membership differs:
 *  - a partner: PARTNER_STAFF members whose membership goes inactive on deactivation, member roles
 *    (partner_msp_full …) from groups, and their just-in-time activations end;
 *  - a tenant: TENANT_USER members (TENANT_ADMIN from an admin group); deactivation of someone
 *    who belongs to this tenant alone disables the account and keeps the membership, so a
 *    reactivation brings it back with its role.
 * An account is governed only by the organizations it belongs to: when the person belongs to
 * another organization too, a deactivation ends their membership here alone (a partner's goes
 * inactive, a tenant's is removed) and the account, its sessions and its other memberships stay.
 * The organization is always the connection's (the token's), and a person is in reach only while
 * they are a member of it now — nothing in a request body decides either.
 */
import type { Tx } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { RoleCatalog } from '../authz/index.ts';
import type { Org } from './scim.repo.ts';
import { scimProblem } from './scim.errors.ts';

/** Where an existing account stands towards an organization: its member, free to join, or another organization's. */
export type Placement = 'here' | 'free' | 'elsewhere';

export interface OrgMembers {
  /** the role a provisioned person gets */
  readonly defaultRole: string;
  /** the roles groups may give, broadest first, with the names a group may carry for each */
  readonly groupRoles: readonly { id: string; names: readonly string[] }[];
  /** the role of someone who leaves every role group: never more than the default */
  readonly fallbackRole: string;
  placement(org: Org, userId: string): Promise<Placement>;
  /** whether the person belongs now to an organization other than this one (then the directory governs their membership here only) */
  elsewhere(org: Org, userId: string): Promise<boolean>;
  /** after `deactivate`, when the person keeps other organizations: ends their access to this one alone (the account stays) */
  leave(ctx: RequestContext, org: Org, userId: string): Promise<void>;
  /** the organization's members now (the directory reaches a provisioned person only while they are one) */
  members(org: Org): Promise<ReadonlySet<string>>;
  /** adds the person as a member, in the provisioning's transaction (audited with `ctx`) */
  add(trx: Tx, org: Org, userId: string, ctx: RequestContext): Promise<void>;
  /** before the account is disabled: the membership's side of a deactivation (may refuse) */
  deactivate(ctx: RequestContext, org: Org, userId: string): Promise<void>;
  /** after the account is disabled: anything the membership still holds that would outlive a reactivation */
  afterDeactivate(ctx: RequestContext, org: Org, userId: string): Promise<void>;
  reactivate(ctx: RequestContext, org: Org, userId: string): Promise<void>;
  remove(ctx: RequestContext, org: Org, userId: string): Promise<void>;
  setRole(ctx: RequestContext, org: Org, userId: string, role: string): Promise<void>;
}

/** The audit event's organization field for an organization. */
export function auditOrg(org: Org): { partnerId: string } | { tenantId: string } {
  return org.type === 'partner' ? { partnerId: org.id } : { tenantId: org.id };
}

export interface PartnerMembersDeps {
  partners: PartnersService;
  roles: RoleCatalog;
  /** the partner a person belongs to now (the decision snapshot), or null */
  partnerOf: (userId: string) => string | null;
  /** the tenants a person is a member of now (tenant id → role) */
  tenantsOf: (userId: string) => Promise<ReadonlyMap<string, string>>;
  /** ends the person's just-in-time activations (active and pending) with this partner (modules/delegations) */
  endActivations: (ctx: RequestContext, partnerId: string, userId: string) => Promise<void>;
}

const PARTNER_ROLES = ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'] as const;

export function partnerMembers(d: PartnerMembersDeps): OrgMembers {
  const members = async (org: Org) => new Set((await d.partners.listMembers(org.id)).map((m) => m.user_id));
  return {
    members,
    defaultRole: 'PARTNER_STAFF',
    groupRoles: PARTNER_ROLES.map((id) => ({ id, names: [id, d.roles.get(id)?.name ?? id] })),
    fallbackRole: 'partner_auditor',
    // another organization's person is theirs to govern: linked only once they are a member here too
    async placement(org, userId) {
      const of = d.partnerOf(userId);
      if (of === org.id) return 'here';
      return of === null && (await d.tenantsOf(userId)).size === 0 ? 'free' : 'elsewhere';
    },
    elsewhere: async (org, userId) => {
      const of = d.partnerOf(userId);
      return (of !== null && of !== org.id) || (await d.tenantsOf(userId)).size > 0;
    },
    // the membership went inactive in `deactivate`; the just-in-time activations end with it
    leave: (ctx, org, userId) => d.endActivations(ctx, org.id, userId),
    add: (trx, org, userId, ctx) => d.partners.addMember(trx, { scopeId: org.id, userId, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, ctx),
    deactivate: (ctx, org, userId) => d.partners.updateMember(ctx, org.id, userId, { status: 'inactive' }),
    // an activation would outlive the account's return within its window
    afterDeactivate: (ctx, org, userId) => d.endActivations(ctx, org.id, userId),
    reactivate: (ctx, org, userId) => d.partners.updateMember(ctx, org.id, userId, { status: 'active' }),
    async remove(ctx, org, userId) {
      if (d.partnerOf(userId) === org.id || (await members(org)).has(userId)) await d.partners.removeMember(ctx, org.id, userId);
    },
    async setRole(ctx, org, userId, role) {
      await d.partners.setMemberRole(ctx, org.id, userId, role);
    },
  };
}

export interface TenantMembersDeps {
  tenants: TenantsService;
  partnerOf: PartnerMembersDeps['partnerOf'];
  tenantsOf: PartnerMembersDeps['tenantsOf'];
}

export function tenantMembers(d: TenantMembersDeps): OrgMembers {
  const memberRole = async (org: Org, userId: string) => (await d.tenantsOf(userId)).get(org.id) ?? null;
  return {
    members: async (org) => new Set((await d.tenants.listMembers(org.id)).map((m) => m.user_id)),
    defaultRole: 'TENANT_USER',
    groupRoles: [
      { id: 'TENANT_ADMIN', names: ['TENANT_ADMIN', 'admin', 'administrator', 'tenant admin'] },
      { id: 'TENANT_USER', names: ['TENANT_USER', 'user', 'member', 'tenant user'] },
    ],
    fallbackRole: 'TENANT_USER',
    // another organization's person is theirs to govern: linked only once they are a member here too
    async placement(org, userId) {
      const tenants = await d.tenantsOf(userId);
      if (tenants.has(org.id)) return 'here';
      return d.partnerOf(userId) === null && tenants.size === 0 ? 'free' : 'elsewhere';
    },
    elsewhere: async (org, userId) => d.partnerOf(userId) !== null || [...(await d.tenantsOf(userId)).keys()].some((t) => t !== org.id),
    // a tenant's membership has no inactive state: it goes (audited, on every instance through the
    // change feed), and a reactivation adds it back with the role the directory's groups give
    async leave(ctx, org, userId) {
      if (await memberRole(org, userId)) await d.tenants.removeMember(ctx, org.id, userId);
    },
    // within the customer's plan's people limit, like an invitation
    add: (trx, org, userId, ctx) => d.tenants.addProvisionedMember(trx, { scopeId: org.id, userId, role: 'TENANT_USER', invitedBy: null, invitationId: null }, ctx),
    async deactivate(_ctx, org, userId) {
      if ((await memberRole(org, userId)) !== 'TENANT_ADMIN') return;
      const admins = (await d.tenants.listMembers(org.id)).filter((m) => m.role === 'TENANT_ADMIN' && m.status === 'active' && m.user_id !== userId);
      if (admins.length === 0) throw scimProblem.mutability("This person is the tenant's last admin; make someone else an admin before turning them off.");
    },
    afterDeactivate: async () => undefined,
    reactivate: async () => undefined,
    async remove(ctx, org, userId) {
      if (await memberRole(org, userId)) await d.tenants.removeMember(ctx, org.id, userId);
    },
    async setRole(ctx, org, userId, role) {
      if (await memberRole(org, userId)) await d.tenants.changeMemberRole(ctx, org.id, userId, role as 'TENANT_ADMIN' | 'TENANT_USER');
    },
  };
}

/** Each kind of organization's membership rules. */
export type Memberships = Readonly<Record<Org['type'], OrgMembers>>;
