/**
 * Step audit, at both ends of the admission: first, no request is served while its access event
 * could not be written (auditBacklog); last, after the answer, the access event of a cross-tenant
 * request is queued (audit) — durable, batched, off the response path.
 */
import type { GatewayRule } from '../route-table.ts';
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { GatewayCore, GatewayRequest, GatewayState, Refusal } from './core.ts';
import { accessPurposes } from './purpose.ts';

/**
 * Access events wait in memory for their batch (and in the spool on disk); when the database has
 * not taken them for a long while, or the spool cannot be written, serve nothing rather than
 * serve what a crash could leave unaudited (fail closed).
 */
export function auditBacklog(g: GatewayCore): Refusal {
  if (g.auditBuffer.pending >= g.auditBacklogLimit || g.auditBuffer.spoolBroken) {
    return E.audit_backlog_full('The access log cannot be written right now, so the request was not served. Try again shortly.', { headers: { 'retry-after': '5' } });
  }
  return undefined;
}

/**
 * Queue the access event of a cross-tenant request. Requests of the same party on the same
 * tenant, billing account and route with the same decision and status within one flush become
 * one event listing each of them (AuditBuffer).
 */
export function audit(g: GatewayCore, req: GatewayRequest, rule: GatewayRule | null, st: GatewayState, status: number): void {
  // Every outcome of the pipeline passes here once (admitted, refused, upstream failed): counted.
  g.metrics.gatewayDecision(st.partnerId, st.refusal);
  if (!st.crossTenant || st.tenantId === null) return;
  const decision = st.refusal ?? 'allowed';
  const ua = req.headers['user-agent'];
  const userAgent = typeof ua === 'string' ? ua : null;
  const at = g.d.clock.nowMs();
  const key = groupKey(g, req, rule, st, status, decision, userAgent);
  if (g.auditBuffer.addToGroup(key, at, req.requestId, req.path, req.ip)) return;
  const request = { at, request_id: req.requestId, path: req.path, ip: req.ip };
  const a = st.actor;
  const route = rule ? rule.method + ' ' + rule.pattern : req.method + ' ' + req.path;
  g.auditBuffer.pushGrouped(key, request, () => ({
    ctx: { requestId: req.requestId, ip: req.ip, userAgent, actor: a },
    entry: {
      action: 'gateway.request',
      tenantId: st.tenantId,
      partnerId: st.partnerId,
      // the account the request names, else the one account the access covers
      ban: st.ban ?? (st.bans !== null && st.bans.length === 1 ? st.bans[0] : null),
      targetType: 'route',
      targetId: route,
      outcome: status >= 500 ? 'failure' : st.refusal !== null || status >= 400 ? 'denied' : 'success',
      // bans (admitted requests): the accounts the access covers ('*': every account of the tenant)
      details: {
        method: req.method,
        path: req.path,
        status,
        decision,
        permission: st.permission,
        delegation_id: st.delegationId,
        // purpose-bound consent: what the request was for (its route's, else the one it named), and what the access was granted for
        purpose: st.purpose ?? rule?.purpose ?? null,
        purposes: accessPurposes(g, st),
        // two-tier partners: a distributor acting through its reseller's link names the reseller
        ...throughReseller(g, st),
        ...(st.refusal === null ? { bans: st.bans ?? '*' } : {}),
      },
    },
  }));
}

function throughReseller(g: GatewayCore, st: GatewayState): { through_reseller?: string } {
  const reseller = g.d.authz.throughReseller(st.partnerId, st.delegationId);
  return reseller === null ? {} : { through_reseller: reseller };
}

/**
 * What the requests of one access event share, as a map key. A caller repeating its last
 * request (same actor object — one per verified token — rule, tenant, account, status, …)
 * gets the same key string back without building it again.
 */
export function groupKey(g: GatewayCore, req: GatewayRequest, rule: GatewayRule | null, st: GatewayState, status: number, decision: string, userAgent: string | null): string {
  const k = g.lastGroup;
  if (
    rule !== null &&
    k.rule === rule &&
    k.actor === st.actor &&
    k.tenantId === st.tenantId &&
    k.partnerId === st.partnerId &&
    k.ban === st.ban &&
    sameList(k.bans, st.bans) &&
    k.status === status &&
    k.decision === decision &&
    k.delegationId === st.delegationId &&
    k.purpose === st.purpose &&
    k.userAgent === userAgent
  ) {
    return k.key;
  }
  const a = st.actor;
  const route = rule ? rule.method + ' ' + rule.pattern : req.method + ' ' + req.path;
  const key = `${st.tenantId}|${st.partnerId}|${a.type}|${a.userId}|${a.clientId}|${st.ban}|${st.bans === null ? '*' : st.bans.join(',')}|${route}|${status}|${decision}|${st.delegationId}|${st.purpose}|${userAgent}`;
  k.rule = rule;
  k.actor = a;
  k.tenantId = st.tenantId;
  k.partnerId = st.partnerId;
  k.ban = st.ban;
  k.bans = st.bans;
  k.status = status;
  k.decision = decision;
  k.delegationId = st.delegationId;
  k.purpose = st.purpose;
  k.userAgent = userAgent;
  k.key = key;
  return key;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
