/**
 * Step target: the tenant the request acts on (X-Active-Tenant-Id, else the token's tenant claim,
 * else a one-tenant user's tenant) and the billing account (ban) its query names. Sets st.target,
 * st.tenantId and st.ban.
 */
import { ACTIVE_TENANT_HEADER, authzErrors } from '../../authz/index.ts';
import { gatewayErrors as E } from '../gateway.errors.ts';
import type { GatewayRequest, GatewayState, Refusal } from './core.ts';

const TENANT_ID = /^tnt_[0-9a-hjkmnp-tv-z]{26}$/;

export function target(req: GatewayRequest, st: GatewayState): Refusal {
  const caller = st.caller!;
  const h = req.headers[ACTIVE_TENANT_HEADER];
  const header = Array.isArray(h) ? h[0] : h;
  let tenantId: string | null = null;
  if (header !== undefined && header !== '') {
    // A malformed id answers like a tenant without delegation: nothing about which tenants exist.
    if (!TENANT_ID.test(header)) return authzErrors.delegation_not_found('No delegation gives access to this tenant.');
    tenantId = header;
  } else if (caller.kind === 'app') {
    tenantId = caller.principal.tenantId ?? null;
  } else if (caller.fromAppToken) {
    tenantId = caller.claimTenant;
  } else {
    tenantId = caller.defaultTenant; // one tenant and no partner: no choice to make
  }
  if (caller.kind === 'user' && caller.fromAppToken && caller.claimTenant !== null && tenantId !== caller.claimTenant) {
    return authzErrors.delegation_not_found('The token is not for this tenant.');
  }
  let ban: string | null = null;
  if (req.query !== '') {
    // The whole query, decoded as the upstream decodes it: `%62an=` names a billing account as
    // surely as `ban=`, and a second `ban` could be the one an upstream reads.
    const named = new URLSearchParams(req.query).getAll('ban');
    if (named.length > 1) return E.ban_ambiguous('Name at most one billing account (ban) per request.');
    if (named.length === 1 && named[0] !== '') ban = named[0];
  }
  st.tenantId = tenantId;
  st.ban = ban;
  st.target = { tenantId, ban };
  return undefined;
}
