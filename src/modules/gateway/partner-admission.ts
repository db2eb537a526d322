/**
 * The one admission of a partner person at every door into customer data that is not the
 * gateway itself: the partner API (/api/v1/partner/…) — the consolidated views, customers,
 * tickets, exports, alerts. The partner audience's router installs it as its gate, so every route
 * it mounts passes it; each route only declares what it needs (platform/http/admission.ts).
 *
 * The steps, in the order the gateway takes them, each refusing with the code the gateway gives:
 *
 *   organization   an active member of an active partner          not_partner_member, partner_membership_inactive, partner_inactive
 *   orgRole        the organization role does customer work       permission_denied
 *   memberRole     the member role grants the route's permissions permission_denied
 *   decision       the named tenant (or account): link ∩ member   delegation_* / ban_not_covered / permission_denied / activation_required / mfa_required …
 *                  role, the billing accounts covered,
 *                  window, JIT activation, the tenant's MFA policy
 *   partnerMfa     the operator's MFA policy for the partner      mfa_required
 *   partnerPolicy  route classes and the IP allow-list            route_class_not_allowed, ip_not_allowed
 *   limits         the credential's class window, the partner's   rate_limited, quota_exceeded
 *                  window, its quotas, the customer's plan quota
 *
 * The last two are the gateway's own code (GatewayService.admitPartnerPerson) on the gateway's
 * own counters, so a partner has one budget whichever door it uses. The access event is the
 * view's: every tenant an answer drew on gets one in its own log (msp-views.service.ts).
 * A step-up counts wherever a sign-in with a second factor counts: both mark the session's amr.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdmissionNeeds, AdmittedPartnerPerson } from '../../platform/http/admission.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import type { Metrics } from '../../platform/observability/metrics.ts';
import { authzErrors, linkLimitRefusal, type Access, type AuthzService } from '../authz/index.ts';
import type { GatewayService } from './gateway.service.ts';
import { problemDetails as PD } from './gateway.problem-details.ts';

export interface PartnerAdmissionDeps {
  access: Access;
  authz: Pick<AuthzService, 'snapshot' | 'now' | 'memberAccess' | 'memberRoleGrants' | 'refusalError'>;
  gateway: Pick<GatewayService, 'admitPartnerPerson' | 'checkPartnerAddress'>;
  /** every outcome is counted with the gateway's (partnergate_gateway_decisions_total), so one alert sees every door */
  metrics?: Pick<Metrics, 'gatewayDecision'>;
}

/** What the steps share for one request. */
interface Admission {
  req: FastifyRequest;
  needs: AdmissionNeeds;
  p: Principal;
  partnerId: string;
  mfa: boolean;
  tenantId: string | null;
}

type Step = (a: Admission, d: PartnerAdmissionDeps) => void;

const TENANT_ID = /^tnt_[0-9a-hjkmnp-tv-z]{26}$/;
/** a well-formed id no tenant has: decided like any tenant without access (404 delegation_not_found) */
const UNKNOWN_TENANT = 'tnt_00000000000000000000000000';
const MFA_REQUIRED = 'A policy requires partner people to sign in with a second factor (authenticator app or passkey) to act on customers.';

/** Organization role: the customer work of a partner (owners and staff; a role without it, e.g. a finance-only role, is refused). */
const orgRole: Step = (a, d) => {
  const perm = a.needs.orgPermission ?? 'partner.customers.read';
  const role = a.p.partner!.role;
  if (!d.access.can(role, perm)) throw authzErrors.permission_denied(PD.roleDoesNotAllow, { values: { role, perm } });
};

/** Member role: the permission the route exercises, whatever the customer (the same words as decide()'s cut). */
const memberRole: Step = (a, d) => {
  for (const perm of [a.needs.permission, a.needs.memberPermission]) {
    if (perm !== null && perm !== undefined && !d.authz.memberRoleGrants(a.p.userId, perm)) {
      const mr = d.authz.snapshot.users.get(a.p.userId)?.memberRole?.id ?? 'your member role';
      throw authzErrors.permission_denied(PD.memberRoleDoesNot, { values: { mr, perm } });
    }
  }
};

/** The tenant the route names: decided as the gateway decides it, with the caller's second factor. */
const decision: Step = (a, d) => {
  const { tenant, ban: banAt } = a.needs;
  let tenantId = tenant === undefined ? null : namedTenant(a.req, tenant);
  const ban = banAt === undefined ? null : named(a.req, banAt);
  // an account named without its tenant: the account's tenant is decided (an account the snapshot
  // does not know answers like a tenant without access)
  if (ban !== null && tenantId === null) tenantId = d.authz.snapshot.ban(ban)?.tenantId ?? UNKNOWN_TENANT;
  // a route that names a tenant and a request that names none (or not a tenant id): the route's own validation answers
  if (tenantId === null) return;
  const r = d.authz.memberAccess(a.p.userId, a.partnerId, tenantId, a.needs.permission, undefined, a.mfa, ban);
  if (!r.allow) throw d.authz.refusalError(r);
  // the customer's own limits on the link it acts through: the gateway's step (steps/link-limits.ts)
  const limited = linkLimitRefusal(d.authz.snapshot.linkLimits, r.delegationId, a.req.ip, d.authz.now());
  if (limited !== undefined) throw limited;
  a.tenantId = tenantId;
};

/** The operator's MFA policy for every partner's people, or this partner's, holds before any customer is named. */
const partnerMfa: Step = (a, d) => {
  if (!a.mfa && d.authz.snapshot.mfa.requiredForPartner(a.partnerId)) throw authzErrors.mfa_required(MFA_REQUIRED);
};

const STEPS: readonly Step[] = [orgRole, memberRole, decision, partnerMfa];

/**
 * The gate of the partner audience: organization, roles, decision and MFA (STEPS), then the
 * gateway's partner policy and limits. Sets `req.admitted` and the RateLimit headers.
 */
export function partnerAdmission(d: PartnerAdmissionDeps): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const admit = admitPartner(d);
  const metrics = d.metrics;
  if (metrics === undefined) return admit;
  return async (req, reply) => {
    try {
      await admit(req, reply);
      metrics.gatewayDecision(req.admitted?.partnerId ?? null, null);
    } catch (e) {
      // a refusal (a wave of refused context switches shows in the same counter as the gateway's); a bug is not one
      if (e instanceof AppError && e.status < 500) metrics.gatewayDecision(req.principal?.partner?.partnerId ?? null, e.code);
      throw e;
    }
  };
}

function admitPartner(d: PartnerAdmissionDeps): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    const needs = req.routeOptions.config?.admission;
    // the router refuses at boot a partner route that declares nothing: this is a bug, not a request
    if (needs === undefined) throw new Error(`${req.method} ${req.routeOptions.url}: a partner API route declares no admission`);
    const p = d.access.user(req);
    const credentialKey = p.tokenId !== null ? `k:${p.tokenId}` : `s:${p.sessionId}`;
    if (p.partner === null && needs.nonPartnersToo === true) {
      // someone outside any partner, on a route that answers them too: the limits alone
      const h = await d.gateway.admitPartnerPerson({ ip: req.ip, credentialKey, userId: p.userId, partnerId: null, rateClass: needs.rateClass, tenantId: null });
      for (const [k, v] of Object.entries(h)) reply.header(k, v);
      return;
    }
    const m = d.access.partnerMembership(p); // organization: not_partner_member, partner_membership_inactive, partner_inactive
    const a: Admission = { req, needs, p, partnerId: m.partnerId, mfa: p.mfa === true, tenantId: null };
    for (const step of STEPS) step(a, d);
    const headers = await d.gateway.admitPartnerPerson({
      ip: req.ip,
      credentialKey,
      userId: p.userId,
      partnerId: a.partnerId,
      rateClass: needs.rateClass,
      tenantId: a.tenantId,
    });
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    const admitted: AdmittedPartnerPerson = { userId: p.userId, partnerId: a.partnerId, mfa: a.mfa, tenantId: a.tenantId };
    req.admitted = admitted;
  };
}

/** The value a request names where its route says it does. */
function named(req: FastifyRequest, at: { from: 'params' | 'query' | 'body' | 'header'; field: string }): string | null {
  let v: unknown;
  if (at.from === 'header') v = req.headers[at.field];
  else v = ((req[at.from] ?? {}) as Record<string, unknown>)[at.field];
  if (Array.isArray(v)) v = v[0];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** The tenant id a request names where its route says it does (a malformed one is the validator's to refuse). */
function namedTenant(req: FastifyRequest, t: NonNullable<AdmissionNeeds['tenant']>): string | null {
  const v = named(req, t);
  return v !== null && TENANT_ID.test(v) ? v : null;
}

/**
 * The gate of the partner's own pages (/api/v1/partners/:partner_id/…) for its people: they list
 * customers, resold customers' identity documents and earnings, so the partner's IP allow-list
 * holds there as at every other door. (Status, roles and the organization wall are the partner
 * router's; the operator is not the partner's person.)
 */
export function partnerPlaneAdmission(d: Pick<PartnerAdmissionDeps, 'gateway'>): (req: FastifyRequest, partnerId: string) => void {
  return (req, partnerId) => d.gateway.checkPartnerAddress(partnerId, req.ip);
}
