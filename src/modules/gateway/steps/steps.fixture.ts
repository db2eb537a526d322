/**
 * What the steps' unit tests share: a GatewayCore over a real AuthzSnapshot, the real decide()
 * and the in-memory rate limiter, on a fixed clock; a request and a partner app's caller.
 * Only the tests import it.
 */
import type { Config } from '../../../config/config.ts';
import type { Clock } from '../../../platform/clock.ts';
import { MemoryRateLimiter } from '../../../platform/ratelimit/index.ts';
import { NO_METRICS } from '../../../platform/observability/metrics.ts';
import { AuthzSnapshot, decide, type AuthzPrincipal, type AuthzService, type AuthzTarget } from '../../authz/index.ts';
import type { AuditBuffer } from '../../audit/index.ts';
import type { VerifiedToken } from '../access-token.ts';
import type { GatewayRule } from '../route-table.ts';
import { DpopReplayCache } from '../dpop.ts';
import { newRateLimits, newState, type Caller, type GatewayCore, type GatewayDeps, type GatewayRequest, type GatewayState } from './core.ts';

export const NOW = Date.parse('2030-06-15T12:00:00Z');
export const TENANT = `tnt_${'0'.repeat(25)}a`;
export const OTHER_TENANT = `tnt_${'0'.repeat(25)}b`;
const H = 3_600_000;

export function fixedClock(ms = NOW): Clock & { ms: number } {
  const c = { ms, nowMs: () => c.ms, now: () => new Date(c.ms) };
  return c as unknown as Clock & { ms: number };
}

export function testCore(over: Partial<GatewayDeps> = {}, snapshot = new AuthzSnapshot()): GatewayCore & { snapshot: AuthzSnapshot } {
  const clock = (over.clock as ReturnType<typeof fixedClock> | undefined) ?? fixedClock();
  const authz = {
    snapshot,
    decide: (p: AuthzPrincipal, action: string | null, target: AuthzTarget = {}) => decide(snapshot, p, action, target, clock.nowMs()),
    // two-tier partners: the reseller an access went through, as AuthzService answers it
    throughReseller: (partnerId: string | null, delegationId: string | null) => {
      const owner = partnerId === null || delegationId === null ? undefined : snapshot.delegations.get(delegationId)?.partnerId;
      return owner !== undefined && owner !== partnerId ? owner : null;
    },
  } as unknown as AuthzService;
  const d = {
    config: { publicUrl: 'https://gw.example', rateLimits: {} } as unknown as Config,
    clock,
    authz,
    rateLimiter: new MemoryRateLimiter({ clock }),
    tokens: null,
    ...over,
  } as GatewayDeps;
  return {
    d,
    snapshot,
    metrics: NO_METRICS,
    auditBuffer: { pending: 0, spoolBroken: false } as unknown as AuditBuffer,
    auditBacklogLimit: 100,
    rateLimits: {},
    resourceMetadataParam: ', resource_metadata="https://gw.example/.well-known/oauth-protected-resource"',
    dpopReplay: new DpopReplayCache(),
    lastGroup: { rule: null, actor: null, tenantId: null, partnerId: null, ban: null, bans: null, status: 0, decision: '', delegationId: null, purpose: null, userAgent: null, key: '' },
    policyFields: new Map(),
    planQuotas: new Map(),
  };
}

export function request(over: Partial<GatewayRequest> = {}): GatewayRequest {
  return { method: 'GET', path: '/billing/invoices', query: '', headers: {}, sessionCookie: null, ip: '203.0.113.7', requestId: 'req_1', ...over };
}

export function appToken(claims: Partial<VerifiedToken['claims']> = {}, scopes: readonly string[] = ['billing.invoices.read']): VerifiedToken {
  return { id: 'jti_1', scopes, bans: null, claims: { sub: 'app_1', client_id: 'cli_1', partner_id: 'ptr_a', ...claims } } as unknown as VerifiedToken;
}

export function appCaller(partnerId: string | null = 'ptr_a', tenantId: string | null = null): Caller {
  const token = appToken({ partner_id: partnerId ?? undefined, tenant_id: tenantId ?? undefined });
  return {
    kind: 'app',
    token,
    principal: { type: 'app', partnerId: partnerId!, clientId: 'cli_1', delegationId: null, tenantId, bans: null, scopes: token.scopes, userId: null },
    partnerId: partnerId!,
    rateKey: 't:jti_1',
    limits: newRateLimits(),
    admission: null,
    admitted: 0,
  };
}

export function stateWith(caller: Caller | null = null): GatewayState {
  const st = newState();
  st.caller = caller;
  if (caller !== null) st.partnerId = caller.partnerId;
  return st;
}

/** One partner (ptr_a) with an active link delegation (dlg_a, MSP_BILLING) on TENANT and its account ban_a1. */
export function world(config?: Parameters<AuthzSnapshot['putPartner']>[0]['config']): AuthzSnapshot {
  const s = new AuthzSnapshot();
  s.putRole('MSP_BILLING', ['billing.*']);
  s.putPartner({ id: 'ptr_a', status: 'active', capabilities: ['managed_services', 'delegated'], config });
  s.putTenant({ id: TENANT, status: 'active' });
  s.putTenant({ id: OTHER_TENANT, status: 'active' });
  s.putBan({ id: 'ban_a1', tenantId: TENANT, accountNumber: 'BAN-1', status: 'active' });
  s.putDelegation({ id: 'dlg_a', partnerId: 'ptr_a', tenantId: TENANT, origin: 'link', role: 'MSP_BILLING', status: 'active', startsAt: NOW - H, endsAt: NOW + H });
  return s;
}

export function rule(over: Partial<GatewayRule> = {}): GatewayRule {
  return { method: 'GET', pattern: '/billing/invoices', permission: 'billing.invoices.read', rateClass: 'billing', prefix: '/billing', tenantScoped: true, purpose: null, declaredPurpose: null, upstream: {} as GatewayRule['upstream'], ...over };
}
