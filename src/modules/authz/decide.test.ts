/** decide() as a table of cases over one small world (OpenFGA keeps its cases as data the same way). */
import { describe, expect, it } from 'vitest';
import { AuthzSnapshot } from './snapshot.ts';
import { decide, explain, type AuthzPrincipal, type AuthzTarget } from './decide.ts';
import { compileGrants, matchGrant } from './grant-set.ts';
import { anyGrantCovers } from './permissions.ts';

const NOW = Date.parse('2031-06-01T12:00:00Z');
const H = 3_600_000;

function world(): AuthzSnapshot {
  const s = new AuthzSnapshot();
  s.putRole('SUPER_ADMIN', ['platform.*', 'tenant.*']);
  s.putRole('TENANT_ADMIN', ['tenant.*', 'billing.*', 'orders.*']);
  s.putRole('TENANT_USER', ['tenant.read', 'billing.invoices.read']);
  s.putRole('MSP_FULL', ['billing.*', 'orders.*', 'support.*']);
  s.putRole('MSP_BILLING', ['billing.*', 'reports.usage.read']);
  s.putRole('AUDITOR', ['billing.invoices.read', 'orders.read']);
  s.putRole('DELEGATE', []);
  s.putRole('WHOLESALE', ['billing.*', 'orders.*', 'services.*']);

  s.putPartner({ id: 'ptr_msp', status: 'active', capabilities: ['managed_services', 'delegated'] });
  s.putPartner({ id: 'ptr_susp', status: 'suspended', capabilities: ['managed_services'] });
  s.putPartner({ id: 'ptr_nocap', status: 'active', capabilities: ['referral'] });
  s.putPartner({ id: 'ptr_whole', status: 'active', capabilities: ['wholesale'], homeTenantId: 'tnt_home' });
  s.putPartner({ id: 'ptr_toggle', status: 'active', capabilities: ['managed_services'], featureToggles: { orders: false, 'billing.invoices': true } });
  // the operator's role limits: an MSP limited to support links and to support/auditor member roles
  s.putPartner({ id: 'ptr_roles', status: 'active', capabilities: ['managed_services'], config: { roles: { delegation_roles: ['MSP_SUPPORT'], member_roles: ['partner_msp_support', 'partner_auditor'] } } });

  for (const [id, status] of [['tnt_acme', 'active'], ['tnt_beta', 'active'], ['tnt_susp', 'suspended'], ['tnt_home', 'active'], ['tnt_gamma', 'active']]) s.putTenant({ id, status });
  s.putBan({ id: 'ban_a1', tenantId: 'tnt_acme', accountNumber: 'BAN-1', status: 'active' });
  s.putBan({ id: 'ban_a2', tenantId: 'tnt_acme', accountNumber: 'BAN-2', status: 'active' });
  s.putBan({ id: 'ban_b1', tenantId: 'tnt_beta', accountNumber: 'BAN-3', status: 'active' });

  s.putUser({ id: 'usr_op', status: 'active', platformRole: 'SUPER_ADMIN' });
  s.putUser({ id: 'usr_admin', status: 'active', tenants: [['tnt_acme', 'TENANT_ADMIN']] });
  s.putUser({ id: 'usr_tuser', status: 'active', tenants: [['tnt_acme', 'TENANT_USER']] });
  s.putUser({ id: 'usr_disabled', status: 'disabled', partner: { partnerId: 'ptr_msp', role: 'PARTNER_STAFF', status: 'active' } });
  s.putUser({ id: 'usr_msp', status: 'active', partner: { partnerId: 'ptr_msp', role: 'PARTNER_STAFF', status: 'active' } });
  s.putUser({ id: 'usr_msp_off', status: 'active', partner: { partnerId: 'ptr_msp', role: 'PARTNER_STAFF', status: 'inactive' } });
  s.putUser({ id: 'usr_susp', status: 'active', partner: { partnerId: 'ptr_susp', role: 'PARTNER_OWNER', status: 'active' } });
  s.putUser({ id: 'usr_nocap', status: 'active', partner: { partnerId: 'ptr_nocap', role: 'PARTNER_OWNER', status: 'active' } });
  s.putUser({ id: 'usr_toggle', status: 'active', partner: { partnerId: 'ptr_toggle', role: 'PARTNER_OWNER', status: 'active' } });
  s.putRole('MSP_SUPPORT', ['support.*']);
  s.putRole('partner_msp_support', ['support.*']);
  s.putRole('partner_msp_billing', ['billing.*']);
  s.putUser({ id: 'usr_roles_support', status: 'active', partner: { partnerId: 'ptr_roles', role: 'PARTNER_STAFF', status: 'active', memberRole: 'partner_msp_support' } });
  s.putUser({ id: 'usr_roles_billing', status: 'active', partner: { partnerId: 'ptr_roles', role: 'PARTNER_STAFF', status: 'active', memberRole: 'partner_msp_billing' } });
  s.putUser({ id: 'usr_roles_full', status: 'active', partner: { partnerId: 'ptr_roles', role: 'PARTNER_OWNER', status: 'active' } });

  const base = { origin: 'link' as const, startsAt: NOW - 24 * H, endsAt: NOW + 24 * H };
  s.putDelegation({ ...base, id: 'dlg_acme', partnerId: 'ptr_msp', tenantId: 'tnt_acme', role: 'MSP_BILLING', status: 'active', banIds: ['ban_a1'], grant: ['orders.read'], deny: ['billing.invoices.export'] });
  s.putDelegation({ ...base, id: 'dlg_beta', partnerId: 'ptr_msp', tenantId: 'tnt_beta', role: 'MSP_FULL', status: 'requested' });
  s.putDelegation({ ...base, id: 'dlg_susp', partnerId: 'ptr_msp', tenantId: 'tnt_susp', role: 'MSP_FULL', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_gamma_old', partnerId: 'ptr_msp', tenantId: 'tnt_gamma', role: 'MSP_FULL', status: 'revoked' });
  s.putDelegation({ ...base, id: 'dlg_gamma_new', partnerId: 'ptr_msp', tenantId: 'tnt_gamma', role: 'AUDITOR', status: 'active', startsAt: NOW + H });
  s.putDelegation({ ...base, id: 'dlg_home_lapsed', partnerId: 'ptr_msp', tenantId: 'tnt_home', role: 'MSP_FULL', status: 'active', endsAt: NOW });
  s.putDelegation({ ...base, id: 'dlg_consent', partnerId: 'ptr_msp', tenantId: 'tnt_beta', origin: 'consent', role: 'DELEGATE', status: 'active', clientId: 'cli_1', scopes: ['billing.*'], grant: ['billing.invoices.read', 'orders.read'] });
  s.putDelegation({ ...base, id: 'dlg_susp_p', partnerId: 'ptr_susp', tenantId: 'tnt_acme', role: 'MSP_FULL', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_nocap', partnerId: 'ptr_nocap', tenantId: 'tnt_acme', role: 'MSP_FULL', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_toggle', partnerId: 'ptr_toggle', tenantId: 'tnt_acme', role: 'MSP_FULL', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_whole', partnerId: 'ptr_whole', tenantId: 'tnt_beta', origin: 'wholesale', role: 'WHOLESALE', status: 'active', banIds: ['ban_b1'] });
  s.putDelegation({ ...base, id: 'dlg_roles_full', partnerId: 'ptr_roles', tenantId: 'tnt_acme', role: 'MSP_FULL', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_roles_support', partnerId: 'ptr_roles', tenantId: 'tnt_beta', role: 'MSP_SUPPORT', status: 'active' });
  s.putDelegation({ ...base, id: 'dlg_rejected', partnerId: 'ptr_toggle', tenantId: 'tnt_beta', role: 'MSP_FULL', status: 'rejected' });
  return s;
}

const user = (userId: string, scopes?: string[]): AuthzPrincipal => ({ type: 'user', userId, scopes });
/** An MSP user's token from the partner's own app: bound to that partner, limited to its scopes. */
const bound = (userId: string, partnerId: string, scopes?: string[]): AuthzPrincipal => ({ type: 'user', userId, scopes, partnerId });
const app = (o: Partial<Extract<AuthzPrincipal, { type: 'app' }>> = {}): AuthzPrincipal => ({ type: 'app', partnerId: 'ptr_msp', clientId: 'cli_1', ...o });

type Case = [string, AuthzPrincipal, string | null, AuthzTarget, string, string?];

const CASES: Case[] = [
  // users of the tenant itself
  ['tenant admin on its tenant', user('usr_admin'), 'orders.create', { tenantId: 'tnt_acme' }, 'allowed', 'tenant_role:orders.*'],
  ['tenant user lacks a permission', user('usr_tuser'), 'orders.create', { tenantId: 'tnt_acme' }, 'permission_denied'],
  ['tenant admin with a scoped token beyond its scope', user('usr_admin', ['billing.*']), 'orders.create', { tenantId: 'tnt_acme' }, 'scope_insufficient'],
  ['tenant admin on a BAN of another tenant', user('usr_admin'), 'billing.invoices.read', { tenantId: 'tnt_acme', ban: 'ban_b1' }, 'ban_not_covered'],
  ['tenant admin on another tenant', user('usr_admin'), 'billing.invoices.read', { tenantId: 'tnt_beta' }, 'delegation_not_found'],
  ['tenant admin on an unknown tenant (same answer)', user('usr_admin'), 'billing.invoices.read', { tenantId: 'tnt_nowhere' }, 'delegation_not_found'],
  ['operator: platform grant anywhere', user('usr_op'), 'tenant.members.manage', { tenantId: 'tnt_beta' }, 'allowed', 'platform_role:tenant.*'],
  ['operator: no resource grant', user('usr_op'), 'billing.invoices.read', { tenantId: 'tnt_beta' }, 'delegation_not_found'],
  ['disabled user', user('usr_disabled'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'user_inactive'],
  ['unknown user', user('usr_ghost'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'user_inactive'],
  // partner users through link delegations
  ['MSP: role grant', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'allowed', 'delegation_role:billing.*'],
  ['MSP: override grant widens the role', user('usr_msp'), 'orders.read', { tenantId: 'tnt_acme' }, 'allowed', 'override_grant:orders.read'],
  ['MSP: override deny beats the role', user('usr_msp'), 'billing.invoices.export', { tenantId: 'tnt_acme' }, 'permission_denied', 'override_deny:billing.invoices.export'],
  ['MSP: outside the role', user('usr_msp'), 'orders.create', { tenantId: 'tnt_acme' }, 'permission_denied'],
  ['MSP: covered BAN by number', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme', ban: 'BAN-1' }, 'allowed'],
  ['MSP: uncovered BAN of the tenant', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme', ban: 'ban_a2' }, 'ban_not_covered'],
  ['MSP: unknown BAN', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme', ban: 'BAN-404' }, 'ban_not_covered'],
  ['MSP: no tenant context', user('usr_msp'), 'billing.invoices.read', {}, 'tenant_context_required'],
  ['MSP: pending link', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_beta' }, 'delegation_pending'],
  ['MSP: suspended tenant', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_susp' }, 'tenant_inactive'],
  ['MSP: a not-yet-started link outranks a revoked one', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_gamma' }, 'delegation_not_started'],
  ['MSP: active link past its end date', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_home' }, 'delegation_expired'],
  ['MSP: unlinked tenant', user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_nowhere' }, 'delegation_not_found'],
  ['MSP: deactivated membership', user('usr_msp_off'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'partner_membership_inactive'],
  ['suspended partner', user('usr_susp'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'partner_inactive'],
  ['partner without managed_services', user('usr_nocap'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'partner_capability_missing'],
  ['feature toggle off disables a namespace', user('usr_toggle'), 'orders.read', { tenantId: 'tnt_acme' }, 'feature_disabled', 'feature_toggle:orders'],
  ['feature toggle on changes nothing', user('usr_toggle'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'allowed'],
  ['rejected request', user('usr_toggle'), 'billing.invoices.read', { tenantId: 'tnt_beta' }, 'delegation_rejected'],
  ['context only (no action)', user('usr_msp'), null, { tenantId: 'tnt_acme' }, 'allowed'],
  // the partner's allowed roles, for links and members that already hold a disallowed one
  ['allowed roles: a link whose delegation role the partner may no longer use', user('usr_roles_support'), 'support.tickets.read', { tenantId: 'tnt_acme' }, 'role_not_allowed'],
  ['allowed roles: a link with an allowed role, a member with an allowed role', user('usr_roles_support'), 'support.tickets.read', { tenantId: 'tnt_beta' }, 'allowed'],
  ['allowed roles: a member whose member role the partner may no longer assign', user('usr_roles_billing'), 'support.tickets.read', { tenantId: 'tnt_beta' }, 'role_not_allowed'],
  ['allowed roles: no member role counts as full access, not allowed here', user('usr_roles_full'), 'support.tickets.read', { tenantId: 'tnt_beta' }, 'role_not_allowed'],
  // an MSP user's token from the partner's own app (bound to the partner)
  ['bound MSP user: link role ∩ token scopes', bound('usr_msp', 'ptr_msp', ['billing.*']), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'allowed', 'delegation_role:billing.*'],
  ['bound MSP user: token scopes cut the role', bound('usr_msp', 'ptr_msp', ['orders.read']), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'scope_insufficient'],
  ['bound MSP user: no tenant context', bound('usr_msp', 'ptr_msp', ['billing.*']), 'billing.invoices.read', {}, 'tenant_context_required'],
  ['bound MSP user: unlinked tenant', bound('usr_msp', 'ptr_msp', ['billing.*']), 'billing.invoices.read', { tenantId: 'tnt_nowhere' }, 'delegation_not_found'],
  ['bound MSP user: not a consent delegation of an app', bound('usr_msp', 'ptr_msp', ['billing.*']), 'billing.invoices.read', { tenantId: 'tnt_beta' }, 'delegation_pending'],
  ['bound to a partner the user is not in', bound('usr_msp', 'ptr_toggle', ['billing.*']), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'user_inactive'],
  ['bound, membership deactivated (even without a tenant)', bound('usr_msp_off', 'ptr_msp', ['billing.*']), 'billing.invoices.read', {}, 'user_inactive'],
  ['bound, partner suspended (even without a tenant)', bound('usr_susp', 'ptr_susp', ['billing.*']), null, {}, 'partner_inactive'],
  ['bound, user disabled', bound('usr_disabled', 'ptr_msp', ['billing.*']), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'user_inactive'],
  // partner apps
  ['app through its consent delegation', app({ delegationId: 'dlg_consent', tenantId: 'tnt_beta' }), 'billing.invoices.read', {}, 'allowed', 'override_grant:billing.invoices.read'],
  ['app: consented scopes cap the overrides', app({ delegationId: 'dlg_consent' }), 'orders.read', {}, 'scope_insufficient'],
  ['app: token scopes cap the delegation', app({ delegationId: 'dlg_consent', scopes: ['orders.*'] }), 'billing.invoices.read', {}, 'scope_insufficient'],
  ['app of another client cannot use the consent', app({ clientId: 'cli_2', delegationId: 'dlg_consent' }), 'billing.invoices.read', {}, 'delegation_not_found'],
  ['app token for one tenant used on another', app({ delegationId: 'dlg_consent', tenantId: 'tnt_beta' }), 'billing.invoices.read', { tenantId: 'tnt_acme' }, 'delegation_not_found'],
  ['app: dlg of another partner', app({ delegationId: 'dlg_whole' }), 'billing.invoices.read', {}, 'delegation_not_found'],
  ['app without dlg finds its consent by tenant', app({ tenantId: 'tnt_beta' }), 'billing.invoices.read', {}, 'allowed'],
  ['app cannot use the partner link delegation without dlg', app({ tenantId: 'tnt_acme' }), 'billing.invoices.read', {}, 'delegation_not_found'],
  ['app with no tenant at all', app(), 'billing.invoices.read', {}, 'tenant_context_required'],
  ['wholesaler for its resold customer', app({ partnerId: 'ptr_whole', clientId: 'cli_w', delegationId: 'dlg_whole' }), 'orders.create', {}, 'allowed', 'delegation_role:orders.*'],
  ['wholesaler limited to the customer BAN', app({ partnerId: 'ptr_whole', clientId: 'cli_w', delegationId: 'dlg_whole' }), 'orders.create', { ban: 'ban_a1' }, 'ban_not_covered'],
  ['wholesaler token limited to one BAN', app({ partnerId: 'ptr_whole', clientId: 'cli_w', delegationId: 'dlg_whole', bans: ['BAN-9'] }), 'orders.create', { ban: 'ban_b1' }, 'ban_not_covered'],
  ['wholesaler client credentials on its own tenant', app({ partnerId: 'ptr_whole', clientId: 'cli_w', tenantId: 'tnt_home', scopes: ['orders.*'] }), 'orders.create', {}, 'allowed', 'token_scope:orders.*'],
  ['wholesaler on its own tenant beyond scope', app({ partnerId: 'ptr_whole', clientId: 'cli_w', tenantId: 'tnt_home', scopes: ['orders.read'] }), 'orders.create', {}, 'scope_insufficient'],
  ['app of a suspended partner', app({ partnerId: 'ptr_susp', delegationId: 'dlg_susp_p' }), 'billing.invoices.read', {}, 'partner_inactive'],
  ['app acting for a disabled user', app({ delegationId: 'dlg_consent', userId: 'usr_disabled' }), 'billing.invoices.read', {}, 'user_inactive'],
];

describe('decide()', () => {
  const snap = world();
  it.each(CASES)('%s → %s', (_name, principal, action, target, code, matched) => {
    const d = decide(snap, principal, action, target, NOW);
    expect(d.code).toBe(code);
    expect(d.allow).toBe(code === 'allowed');
    if (matched) expect(d.matched ? `${d.matched.source}:${d.matched.grant}` : null).toBe(matched);
    // explain() walks the same checks and reaches the same decision; a refusal ends on a failed check
    const e = explain(snap, principal, action, target, NOW);
    expect(e.decision).toEqual(d);
    if (!d.allow) expect(e.checks.at(-1)?.passed).toBe(false);
    else expect(e.checks.every((c) => c.passed)).toBe(true);
  });

  it('reports the delegation and the BANs an allowed access covers', () => {
    const d = decide(snap, user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW);
    expect(d).toMatchObject({ allow: true, via: 'delegation', delegationId: 'dlg_acme', bans: ['ban_a1'], role: 'MSP_BILLING' });
  });

  it('a link or consent is effective only while its approver is an active TENANT_ADMIN of the tenant', () => {
    const s = world();
    s.putUser({ id: 'usr_approver', status: 'active', tenants: [['tnt_gamma', 'TENANT_ADMIN']] });
    const base = { partnerId: 'ptr_msp', tenantId: 'tnt_gamma', role: 'MSP_FULL', status: 'active' as const, startsAt: NOW - H, endsAt: NOW + H };
    s.removeDelegation('dlg_gamma_old');
    s.removeDelegation('dlg_gamma_new');
    s.putDelegation({ ...base, id: 'dlg_g', origin: 'link', approvedBy: 'usr_approver' });
    const ask = () => decide(s, user('usr_msp'), 'orders.read', { tenantId: 'tnt_gamma' }, NOW);
    expect(ask().allow).toBe(true);
    // demoted → refused, with the check named in explain()
    s.putUser({ id: 'usr_approver', status: 'active', tenants: [['tnt_gamma', 'TENANT_USER']] });
    expect(ask()).toMatchObject({ allow: false, code: 'delegation_approver_inactive', delegationId: 'dlg_g' });
    expect(explain(s, user('usr_msp'), 'orders.read', { tenantId: 'tnt_gamma' }, NOW).checks.at(-1)).toMatchObject({ check: 'delegation_approver', passed: false });
    // promoted again → allowed; disabled → refused; removed from the snapshot → refused
    s.putUser({ id: 'usr_approver', status: 'active', tenants: [['tnt_gamma', 'TENANT_ADMIN']] });
    expect(ask().allow).toBe(true);
    s.putUser({ id: 'usr_approver', status: 'disabled', tenants: [['tnt_gamma', 'TENANT_ADMIN']] });
    expect(ask().code).toBe('delegation_approver_inactive');
    s.putUser({ id: 'usr_approver', status: 'active', tenants: [['tnt_gamma', 'TENANT_ADMIN']] });
    s.removeUser('usr_approver');
    expect(ask().code).toBe('delegation_approver_inactive');
    // admin of another tenant only: not an approver of this one
    s.putUser({ id: 'usr_approver', status: 'active', tenants: [['tnt_acme', 'TENANT_ADMIN']] });
    expect(ask().code).toBe('delegation_approver_inactive');
    // re-confirmed by a current admin (the delegation changes: decided_by is the new admin)
    s.putDelegation({ ...base, id: 'dlg_g', origin: 'link', approvedBy: 'usr_admin2' });
    expect(ask().code).toBe('delegation_approver_inactive');
    s.putUser({ id: 'usr_admin2', status: 'active', tenants: [['tnt_gamma', 'TENANT_ADMIN']] });
    expect(ask().allow).toBe(true);
    // wholesale has no tenant approver: whatever decided_by says, nothing to check
    s.putPartner({ id: 'ptr_msp', status: 'active', capabilities: ['managed_services', 'delegated', 'wholesale'] });
    s.putDelegation({ ...base, id: 'dlg_g', origin: 'wholesale', role: 'WHOLESALE', approvedBy: 'usr_nobody' });
    expect(ask().allow).toBe(true);
  });

  it("a token bound to a partner never uses the user's own tenant membership or platform role", () => {
    const s = world();
    s.putUser({ id: 'usr_both', status: 'active', platformRole: 'SUPER_ADMIN', tenants: [['tnt_gamma', 'TENANT_ADMIN']], partner: { partnerId: 'ptr_msp', role: 'PARTNER_STAFF', status: 'active' } });
    s.removeDelegation('dlg_gamma_new');
    // a personal API token of the same person: its own membership and role answer
    expect(decide(s, user('usr_both'), 'orders.create', { tenantId: 'tnt_gamma' }, NOW)).toMatchObject({ allow: true, via: 'membership' });
    expect(decide(s, user('usr_both'), 'tenant.members.manage', { tenantId: 'tnt_beta' }, NOW)).toMatchObject({ allow: true, via: 'platform' });
    // through the partner's app: only the partner's delegations (a revoked link on gamma, none of its own on beta)
    expect(decide(s, bound('usr_both', 'ptr_msp'), 'orders.create', { tenantId: 'tnt_gamma' }, NOW).code).toBe('delegation_revoked');
    expect(decide(s, bound('usr_both', 'ptr_msp'), 'tenant.members.manage', { tenantId: 'tnt_beta' }, NOW).code).toBe('delegation_pending');
    // removed from the partner: refused on the next decision
    s.putUser({ id: 'usr_msp', status: 'active' });
    expect(decide(s, bound('usr_msp', 'ptr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).code).toBe('user_inactive');
  });

  it('sees a change at once: revoke, expire, suspend', () => {
    const s = world();
    const p = user('usr_msp');
    expect(decide(s, p, 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).allow).toBe(true);
    expect(decide(s, p, 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW + 24 * H).code).toBe('delegation_expired');
    s.putDelegation({ id: 'dlg_acme', partnerId: 'ptr_msp', tenantId: 'tnt_acme', origin: 'link', role: 'MSP_BILLING', status: 'revoked', startsAt: NOW - H, endsAt: NOW + H });
    expect(decide(s, p, 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).code).toBe('delegation_revoked');
    s.removeDelegation('dlg_acme');
    expect(decide(s, p, 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).code).toBe('delegation_not_found');
    s.putPartner({ id: 'ptr_msp', status: 'suspended', capabilities: ['managed_services'] });
    expect(decide(s, p, 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).code).toBe('partner_inactive');
  });
});

describe('compiled grant sets match the catalog grant rules', () => {
  const grants = ['*', 'billing.*', 'billing.invoices.*', 'billing.invoices.read', 'orders.read', 'billingx.*'];
  const perms = ['billing', 'billing.invoices', 'billing.invoices.read', 'billing.summary.read', 'billingx.read', 'orders.read', 'orders.create', 'b'];
  it.each(grants.flatMap((g) => perms.map((p) => [g, p] as const)))('%s vs %s', (g, p) => {
    expect(matchGrant(compileGrants([g]), p) !== null).toBe(anyGrantCovers([g], p) !== null);
  });
});

describe('eligible (just-in-time) roles beside a standing one', () => {
  // dlg_acme: MSP_BILLING standing (+ orders.read override, − billing.invoices.export); AUDITOR and MSP_FULL eligible
  const s = world();
  s.jit.put('dlg_acme', false, [{ userId: 'usr_msp', endsAt: new Date(NOW + H).toISOString() }], ['AUDITOR', 'MSP_FULL']);
  s.putUser({ id: 'usr_msp2', status: 'active', partner: { partnerId: 'ptr_msp', role: 'PARTNER_STAFF', status: 'active' } });
  const at = (userId: string, action: string | null, now = NOW) => decide(s, user(userId), action, { tenantId: 'tnt_acme' }, now);
  const T: [string, string, string | null, number, string, string?][] = [
    ['standing role, not activated', 'usr_msp2', 'billing.invoices.read', NOW, 'allowed', 'MSP_BILLING'],
    ['context only, not activated: the standing role is enough', 'usr_msp2', null, NOW, 'allowed'],
    ['eligible-only permission, not activated', 'usr_msp2', 'support.tickets.read', NOW, 'activation_required'],
    ['neither standing nor eligible grants it', 'usr_msp2', 'partner.members.manage', NOW, 'permission_denied'],
    ['eligible permission inside the window', 'usr_msp', 'support.tickets.read', NOW, 'allowed', 'MSP_FULL'],
    ['a millisecond before the end', 'usr_msp', 'support.tickets.read', NOW + H - 1, 'allowed', 'MSP_FULL'],
    ['at the end of the window', 'usr_msp', 'support.tickets.read', NOW + H, 'activation_required'],
    ['a deny override still wins inside the window', 'usr_msp', 'billing.invoices.export', NOW, 'permission_denied'],
    ['the standing role after the window', 'usr_msp', 'billing.invoices.read', NOW + 2 * H, 'allowed', 'MSP_BILLING'],
  ];
  for (const [name, u, action, now, code, role] of T) {
    it(name, () => {
      const d = at(u, action, now);
      expect(d.code).toBe(code);
      if (role && d.allow) expect(d.role).toBe(role);
    });
  }
  it('the whole link eligible (the older switch): nothing without an activation', () => {
    const w = world();
    w.jit.put('dlg_acme', true, [], ['MSP_FULL']);
    expect(decide(w, user('usr_msp'), 'billing.invoices.read', { tenantId: 'tnt_acme' }, NOW).code).toBe('activation_required');
    expect(decide(w, user('usr_msp'), null, { tenantId: 'tnt_acme' }, NOW).code).toBe('activation_required');
  });
});
