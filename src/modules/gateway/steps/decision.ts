/**
 * Step decision: decide(principal, the route's permission, target) over the live snapshot — the
 * delegation or membership, the billing accounts covered, the access window, JIT activation and
 * the MFA policies (the tenant's and the operator's: mfa_required) are all decide()'s. Sets
 * st.allowed and what the access event needs (tenant, delegation, accounts, cross-tenant).
 *
 * Around it: a token caller's last admission is reused while nothing it was decided on changed
 * (reuseAdmission / keepAdmission), and a refusal the snapshot may be too old to decide is decided
 * again once the change feed is drained (staleRefusal).
 */
import type { AppError } from '../../../platform/errors/app-error.ts';
import { REFUSAL_CODES, anyGrantCovers, authzErrors, refusalDetail, ACTIVE_TENANT_HEADER, type AuthzPrincipal, type Refused } from '../../authz/index.ts';
import type { GatewayRule } from '../route-table.ts';
import type { GatewayCore, GatewayRequest, GatewayState, Refusal } from './core.ts';

/**
 * Refusals decided on the snapshot that a change made through another instance a moment before
 * the request could turn into an admission (see staleRefusal): every refusal of decide() but those
 * decided by the request or its token alone, and a bill_to the snapshot does not know.
 */
export const STALE_REFUSALS: ReadonlySet<string> = new Set<string>([...REFUSAL_CODES.filter((c) => c !== 'tenant_context_required' && c !== 'scope_insufficient'), 'bill_to_invalid']);

export function decision(g: GatewayCore, rule: GatewayRule, st: GatewayState): Refusal {
  const caller = st.caller!;
  const authz = g.d.authz;
  if (!rule.tenantScoped) {
    // Partner-level routes: an active partner (or user) whose token scopes cover the permission.
    const d = authz.decide(caller.principal as AuthzPrincipal, null, { tenantId: caller.kind === 'app' ? (authz.snapshot.partners.get(caller.partnerId)?.homeTenantId ?? null) : null });
    if (!d.allow && (d.code === 'partner_inactive' || d.code === 'user_inactive')) return refuse(g, d, st);
    // A token's scopes (an app's, or a user's app token) bound the permission; a personal API
    // token or a session carries none.
    const scopes = caller.kind === 'app' ? caller.token.scopes : caller.scopes;
    if (rule.permission && scopes !== null && !anyGrantCovers(scopes, rule.permission)) {
      return refuse(g, { code: 'scope_insufficient', reason: `The token's scopes do not include ${rule.permission}.` }, st);
    }
    st.allowed = null;
    return undefined;
  }
  const d = authz.decide(caller.principal, rule.permission, st.target!);
  if (!d.allow) return refuse(g, d, st);
  st.tenantId = d.tenantId;
  st.delegationId = d.delegationId;
  st.bans = d.bans;
  st.crossTenant = d.via === 'delegation';
  st.allowed = d;
  return undefined;
}

function refuse(g: GatewayCore, d: Pick<Refused, 'code' | 'reason'> & { delegationId?: string | null }, st: GatewayState): AppError {
  st.refusal = d.code;
  st.delegationId = d.delegationId ?? st.delegationId;
  // Refusals of a partner on a tenant are the tenant's business (its access log) — including a
  // partner probing a tenant it has no delegation on, when that tenant exists. The partner's
  // answer is the same either way.
  st.crossTenant =
    st.partnerId !== null &&
    st.tenantId !== null &&
    d.code !== 'tenant_context_required' &&
    (d.code !== 'delegation_not_found' || (g.d.authz.snapshot.tenants.get(st.tenantId)?.status ?? 'unknown') !== 'unknown');
  const headers: Record<string, string> = {};
  if (d.code === 'scope_insufficient' && st.permission) headers['www-authenticate'] = `Bearer realm="partnergate", error="insufficient_scope", scope="${st.permission}"`;
  return authzErrors[d.code](refusalDetail(d.code, d.reason), { headers });
}

/**
 * A refusal the snapshot may be too old to decide: the delegation, user, partner, role or billing
 * account that would admit the request was made through another instance a moment before it, and
 * the change feed has not delivered it here yet. The feed is drained once (one read of the outbox,
 * shared by every request waiting meanwhile); rejects with the refusal unless the snapshot changed,
 * when the request is to be decided again. Never on the admitting path.
 */
export async function staleRefusal(g: GatewayCore, refusal: AppError, st: GatewayState, decidedOn: number): Promise<void> {
  const snap = g.d.authz.snapshot;
  await g.d.feed?.drain();
  if (snap.version === decidedOn) throw refusal;
  st.refusal = null;
  st.delegationId = null;
  st.crossTenant = false;
}

/**
 * The same question as the caller's last admitted request, on a snapshot nothing has changed in
 * since (every change bumps its version), before any time limit of that access: decide() is pure,
 * so its answer is the same — target, decision and billing are taken from it (true). Token
 * revocation, the app and the rate limits are still checked on this request like on every other.
 */
export function reuseAdmission(g: GatewayCore, req: GatewayRequest, rule: GatewayRule, st: GatewayState, version: number): boolean {
  const m = st.caller!.admission;
  if (m === null) return false;
  const now = g.d.clock.nowMs();
  if (m.rule !== rule || m.header !== req.headers[ACTIVE_TENANT_HEADER] || m.query !== req.query || m.version !== version || now >= m.untilMs || now < m.fromMs) return false;
  st.target = m.target;
  st.allowed = m.allowed;
  st.billing = m.billing;
  st.tenantId = m.st.tenantId;
  st.ban = m.st.ban;
  st.delegationId = m.st.delegationId;
  st.bans = m.st.bans;
  st.crossTenant = m.st.crossTenant;
  return true;
}

/**
 * Keeps what target, decision and billing answered on the caller, from a token's second admitted
 * request on: a token used once (a stream of new tokens) keeps no more than it needs.
 */
export function keepAdmission(g: GatewayCore, req: GatewayRequest, rule: GatewayRule, st: GatewayState, version: number): void {
  const caller = st.caller!;
  if (!((caller.kind === 'app' || caller.fromAppToken) && caller.admitted++ > 0)) return;
  const allowed = st.allowed;
  const d = allowed?.delegationId ? g.d.authz.snapshot.delegations.get(allowed.delegationId) : undefined;
  caller.admission = {
    rule,
    header: req.headers[ACTIVE_TENANT_HEADER],
    query: req.query,
    version,
    // an access through a delegation holds inside the delegation's window only
    fromMs: allowed?.delegationId ? (d?.startsMs ?? Number.POSITIVE_INFINITY) : Number.NEGATIVE_INFINITY,
    untilMs: allowed?.delegationId ? (d?.endsMs ?? 0) : Number.POSITIVE_INFINITY,
    target: st.target!,
    allowed,
    billing: st.billing!,
    st: { tenantId: st.tenantId, ban: st.ban, delegationId: st.delegationId, bans: st.bans, crossTenant: st.crossTenant },
    parts: null,
  };
}
