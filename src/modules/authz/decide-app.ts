/**
 * The decision stage for a partner app's token (decide.ts composes it): the user behind it, the
 * partner, the tenant the token and the request name, then either the delegation its `dlg` names,
 * the partner's own home tenant (client credentials: the scopes are the grant), or the wholesale
 * and consent delegations between the partner and the tenant.
 */
import type { AuthzSnapshot, SnapDelegation } from './snapshot.ts';
import { O_CONSENT, O_WHOLESALE } from './snapshot.ts';
import { allowed, disabledFeature, listMatch, pass, refuse, type AppPrincipal, type AuthzTarget, type Decision, type Trace } from './decide-answer.ts';
import { banListed, resolveBans, throughDelegations, throughOne } from './decide-delegation.ts';

export function decideApp(snap: AuthzSnapshot, p: AppPrincipal, action: string | null, target: AuthzTarget, now: number, trace: Trace): Decision {
  if (p.userId) {
    const u = snap.users.get(p.userId);
    if (u === undefined || !u.active) return refuse('user_inactive', u ? `The user account is ${u.status}.` : 'The user is unknown.', trace, 'user_active');
    if (trace !== null) pass(trace, 'user_active', 'The user behind the token is active.');
  }
  const partner = snap.partners.get(p.partnerId);
  if (partner === undefined || !partner.active) return refuse('partner_inactive', `The partner is ${partner?.status ?? 'unknown'}.`, trace, 'partner_active');
  if (trace !== null) pass(trace, 'partner_active', 'The partner is active.');

  const claimed = p.tenantId ?? null;
  const asked = target.tenantId ?? null;
  if (claimed !== null && asked !== null && claimed !== asked) {
    return refuse('delegation_not_found', 'The token is not for this tenant.', trace, 'delegation_found');
  }
  const scopes = p.scopes ?? null;

  if (p.delegationId) {
    const d = snap.delegations.get(p.delegationId);
    const tenantId = asked ?? claimed ?? d?.tenantId ?? null;
    if (d === undefined || d.partnerId !== partner.id || d.tenantId !== tenantId || (d.clientId !== null && d.clientId !== p.clientId)) {
      return refuse('delegation_not_found', 'The delegation of the token does not exist or is not for this partner, app and tenant.', trace, 'delegation_found');
    }
    return throughOne(snap, partner, d, action, target.ban ?? null, d.tenantId, p.bans ?? null, scopes, now, trace);
  }

  const tenantId = asked ?? claimed;
  if (tenantId === null) return refuse('tenant_context_required', 'The token names no tenant and the request none either.', trace, 'tenant_context');
  if (trace !== null) pass(trace, 'tenant_context', `Acting on tenant ${tenantId}.`);

  if (tenantId === partner.homeTenantId) {
    // Client credentials on the partner's own tenant (e.g. a wholesaler's own resources): the scopes are the grant.
    if (trace !== null) pass(trace, 'home_tenant', "The tenant is the partner's own.");
    const t = snap.tenants.get(tenantId);
    if (t === undefined || !t.active) return refuse('tenant_inactive', `The tenant is ${t?.status ?? 'unknown'}.`, trace, 'tenant_active');
    if (trace !== null) pass(trace, 'tenant_active', 'The tenant is active.');
    const banRef = target.ban ?? null;
    if (banRef !== null) {
      const b = snap.ban(banRef);
      if (b === undefined || b.tenantId !== tenantId || (p.bans && !banListed(p.bans, b))) return refuse('ban_not_covered', `Billing account ${banRef} is not covered.`, trace, 'ban_covered');
      if (trace !== null) pass(trace, 'ban_covered', `Billing account ${b.accountNumber} is covered.`);
    }
    if (action === null) return allowed("The partner's own tenant.", null, 'home', tenantId, null, p.bans ? resolveBans(snap, p.bans) : null, null);
    const f = disabledFeature(partner, action);
    if (f !== null) return refuse('feature_disabled', `The feature ${f} is disabled for this partner.`, trace, 'feature_toggle', null, { source: 'feature_toggle', grant: f });
    if (trace !== null) pass(trace, 'feature_toggle', 'No disabled feature covers the action.');
    const s = scopes === null ? null : listMatch(scopes, action);
    if (s === null) return refuse(scopes === null ? 'permission_denied' : 'scope_insufficient', `The token's scopes do not include ${action}.`, trace, 'token_scope');
    if (trace !== null) pass(trace, 'token_scope', `The token scope ${s} covers ${action}.`);
    return allowed("A token scope on the partner's own tenant grants it.", { source: 'token_scope', grant: s }, 'home', tenantId, null, p.bans ? resolveBans(snap, p.bans) : null, null);
  }

  const v = partner.byTenant.get(tenantId);
  const usable = (d: SnapDelegation) => d.origin === O_WHOLESALE || (d.origin === O_CONSENT && (d.clientId === null || d.clientId === p.clientId));
  const candidates: SnapDelegation[] = [];
  if (typeof v === 'number') {
    const d = snap.peek(v);
    if (usable(d)) candidates.push(d);
  } else if (v !== undefined) {
    for (const slot of v) {
      const d = snap.at(slot);
      if (usable(d)) candidates.push(d);
    }
  }
  return throughDelegations(snap, partner, candidates, action, target.ban ?? null, tenantId, p.bans ?? null, scopes, now, trace);
}
