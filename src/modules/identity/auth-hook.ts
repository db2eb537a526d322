/**
 * The guards of the /api audiences (src/app/routers.ts installs one per router), before validation:
 *  1. resolves the caller (session cookie or personal API token) into `request.principal`;
 *  2. enforces CSRF on cookie-authenticated mutations;
 *  3. deny by default: every router but the public one authenticates (and the public router
 *     takes only routes that say `config: { public: true }`);
 *  4. the organization wall of the tenant and partner planes: on /api/v1/tenants/:tenant_id/… and /api/v1/partners/:partner_id/…
 *     the id must name an organization the caller belongs to (or the caller is the operator) —
 *     otherwise the request answers exactly like a missing record (404), before its body is
 *     even looked at. A tenant route meant for non-members opts out with `tenantWall: false`.
 *     On partner routes the partner API's access rules run in a fixed order: 1 authenticated (401), 2 user active,
 *     member of a partner, membership active, partner active (403 each with its code), 3 belongs
 *     to the requested partner (404), and — in the handler — 4 the role allows it (403).
 *  5. sets the request's database context (request-db-context.ts): row-level security then holds
 *     every statement of the request to the organization the wall let it into.
 * Handlers still check roles and permissions; this is the second wall, not the only one.
 */
import type { FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { AppError } from '../../platform/errors/app-error.ts';
import { identityErrors as E } from './identity.errors.ts';
import type { IdentityService } from './identity.service.ts';
import type { Access } from '../authz/index.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { AdmissionNeeds } from '../../platform/http/admission.ts';
import { authzErrors } from '../authz/index.ts';
import { setRequestDbContext } from '../../platform/db/db-context.ts';
import { partnerDbContext, personDbContext, tenantDbContext, type PartnerTenants } from './request-db-context.ts';
import { problemDetails as PD } from './identity.problem-details.ts';

export const SESSION_COOKIE = 'partnergate_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false on public mutations that never act on behalf of a session (login, application). */
    csrf?: boolean;
    /** true for routes anyone may call (login, partner application, invitations). */
    public?: boolean;
    /** false when a `:tenant_id` route is meant for non-members too (e.g. partners acting under a delegation). */
    tenantWall?: boolean;
    /** operator-only route: the platform permission it needs, checked before the body is validated. */
    operator?: string;
    /** a partner API route (/api/v1/partner/…): what its one gate admits a caller for (platform/http/admission.ts) */
    admission?: AdmissionNeeds;
    /**
     * true when the route needs no more of its caller than id, status, platform role and
     * memberships: a personal API token or session the in-memory indexes vouch for is resolved
     * from them and the authz snapshot, without a database read (the decision API keeps answering
     * while the database is away). The principal then has no email or name.
     */
    memoryAuth?: boolean;
    /** set by the audience router that registered the route (src/app/routers.ts), never by a route */
    audience?: Audience | 'embed' | 'oauth';
    /** true on the routes an agency token may call (/embed/v1); it is refused everywhere else */
    agencyToken?: boolean;
  }
}

/** Builds a principal from in-memory state for a user the indexes vouched for (AuthzService.principalOf). */
export type MemoryPrincipals = (userId: string, kind: Principal['kind'], credential: { sessionId?: string; csrfToken?: string; tokenId?: string; mfa?: boolean }) => Principal | null;

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

/**
 * The caller from the in-memory indexes: on a `memoryAuth` route whenever they vouch for the
 * credential; on any other route when the database's description of the person was read for this
 * credential in the last minute (principal-profiles.ts). Null: the database is asked.
 */
function principalFromMemory(identity: IdentityService, memory: MemoryPrincipals | null, req: FastifyRequest, c: { bearer: string } | { cookie: string }): Principal | null {
  if (memory === null) return null;
  const m = identity.credentialFromMemory(c);
  if (m === null) return null;
  const p = memory(m.userId, m.kind, m);
  if (p === null) return null;
  return req.routeOptions.config?.memoryAuth === true ? p : identity.profiles.complete(m, p);
}

async function resolvePrincipal(req: FastifyRequest, identity: IdentityService, memory: MemoryPrincipals | null): Promise<void> {
  const bearer = bearerToken(req);
  if (bearer !== null) {
    if (bearer === '') {
      req.authFailure = { code: 'invalid_token', detail: 'The Authorization header must be "Bearer <token>".' };
      return;
    }
    const known = principalFromMemory(identity, memory, req, { bearer });
    if (known !== null) {
      req.principal = known;
      return;
    }
    const r = await identity.authenticateBearer(bearer);
    if (r.ok) req.principal = r.principal;
    else req.authFailure = { code: r.code, detail: r.detail };
    return; // bearer requests carry no ambient credentials: no CSRF check
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  if (!cookie) return;
  let principal = principalFromMemory(identity, memory, req, { cookie });
  if (principal === null) {
    const r = await identity.authenticateSession(cookie);
    if (!r.ok) {
      req.authFailure = { code: r.code, detail: r.detail };
      return;
    }
    principal = r.principal;
  }
  req.principal = principal;
  if (!SAFE_METHODS.has(req.method) && req.routeOptions.config?.csrf !== false) {
    if (!identity.verifyCsrf(principal, req.headers['x-csrf-token'] as string | undefined)) {
      throw E.csrf_token_invalid(PD.sendCsrfTokenFrom);
    }
  }
}

/**
 * The partner a request acts for, recorded as the audit event's actor partner. Only requests
 * taken in the partner's capacity — its own /api/v1/partners/:partner_id/… routes and the
 * /api/v1/partner/… API — act for it. A partner member who is also a tenant admin acts for the
 * tenant on tenant routes, and the partner's audit view must not show those events. Which
 * routes those are is said by the audience router that registered the route (config.audience).
 */
export function actingPartnerId(req: FastifyRequest, p: Principal): string | null {
  const m = p.partner;
  if (!m) return null;
  const audience = req.routeOptions?.config?.audience;
  if (audience === 'partner-self') return m.partnerId;
  if (audience === 'partner' && (req.params as Record<string, unknown> | undefined)?.partner_id === m.partnerId) return m.partnerId;
  return null;
}

/**
 * The audiences of the /api routes, one per router (src/app/routers.ts). Each router installs the
 * guard of its audience as its own preValidation hook, so no hook asks a URL which audience it is.
 */
export type Audience = 'public' | 'me' | 'operator' | 'tenant' | 'partner' | 'partner-self';

type Guard = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface AuthGuards {
  /** the guard of one audience, as a callback-style preValidation hook */
  hook(audience: Audience): preValidationHookHandler;
  /** authenticate only (401 / 403 user_inactive), for answers outside any route: an unknown /api path */
  authenticated: (req: FastifyRequest) => Promise<void>;
}

/** The partner audience's gate (modules/gateway/partner-admission.ts): every step of a partner person's admission. */
export type PartnerGate = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The partner plane's check for the partner's own people (modules/gateway/partner-admission.ts): its IP allow-list. */
export type PartnerPlaneGate = (req: FastifyRequest, partnerId: string) => void;

/** A partner's id from its slug, or null when no partner has it (modules/partners). */
export type PartnerSlugResolver = (slug: string) => Promise<string | null>;

/** The path parameters of the partner plane that name a partner: each takes its id or its slug. */
const PARTNER_REF_PARAMS = ['partner_id', 'reseller_id'] as const;
const PARTNER_ID = /^ptr_[0-9a-hjkmnp-tv-z]{26}$/;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The one resolver of partner slugs: on /api/v1/partners/:partner_id/… a slug (`fabrikam-msp`) is
 * replaced by its partner's id before the wall, so the wall, the handler's checks, the audit and
 * the answer see exactly what an id would have given. A slug no partner has answers as an unknown
 * id does (404 partner_not_found); a slug is never an id (ids hold an underscore, slugs cannot).
 * Returns false when a slug named no partner.
 */
async function resolvePartnerRefs(params: Record<string, unknown>, resolve: PartnerSlugResolver | null): Promise<boolean> {
  for (const name of PARTNER_REF_PARAMS) {
    const ref = params[name];
    if (typeof ref !== 'string' || PARTNER_ID.test(ref) || !SLUG.test(ref) || resolve === null) continue;
    const id = await resolve(ref);
    if (id === null) return false;
    params[name] = id;
  }
  return true;
}

export function authGuards(
  identity: IdentityService,
  access: Access,
  memory: MemoryPrincipals | null = null,
  partnerTenants: PartnerTenants = () => [],
  partnerGate: PartnerGate | null = null,
  partnerPlaneGate: PartnerPlaneGate | null = null,
  partnerSlugs: PartnerSlugResolver | null = null,
): AuthGuards {
  /** Rules 1–2 and the operator gate a route may declare (before the body is looked at). */
  const caller = async (req: FastifyRequest): Promise<{ p: Principal; operator: boolean }> => {
    await resolvePrincipal(req, identity, memory);
    const p = access.user(req); // 401 / 403 user_inactive
    const permission = req.routeOptions.config?.operator;
    if (permission) access.operator(req, permission);
    return { p, operator: access.isOperator(p) };
  };

  const guards: Record<Audience, Guard> = {
    // Anyone may call; a session still counts (CSRF is checked on its mutations).
    public: (req) => resolvePrincipal(req, identity, memory),

    me: async (req) => {
      const { p, operator } = await caller(req);
      setRequestDbContext(personDbContext(p, operator));
    },

    operator: async (req) => {
      const { p, operator } = await caller(req);
      setRequestDbContext(personDbContext(p, operator));
    },

    // The organization wall of /api/v1/tenants/:tenant_id/…: a non-member gets the answer for a
    // missing tenant. A route meant for non-members too opts out with `tenantWall: false`.
    tenant: async (req) => {
      const { p, operator } = await caller(req);
      const tenantId = (req.params as Record<string, unknown>).tenant_id as string;
      const member = p.tenants.some((t) => t.tenantId === tenantId);
      if (!operator && !member && req.routeOptions.config?.tenantWall !== false) throw access.notFound('tenant');
      setRequestDbContext(operator || member ? tenantDbContext(tenantId) : personDbContext(p, operator));
    },

    // /api/v1/partners/:partner_id/…: the partner API's order of checks, rule 2 (an active member of an active
    // partner: 403 with its own code) before rule 3 (another partner's data: 404). Handlers
    // re-check rule 2 for their own partner, where some reads stay open to a suspended partner
    // (allowInactivePartner).
    partner: async (req) => {
      const { p, operator } = await caller(req);
      const known = await resolvePartnerRefs(req.params as Record<string, unknown>, partnerSlugs);
      const partnerId = (req.params as Record<string, unknown>).partner_id as string;
      // a slug no partner has: the operator is told so; anyone else as for another partner's (below)
      if (!known && operator) throw access.notFound('partner');
      if (!known && p.partner) {
        access.partnerMembership(p);
        throw access.notFound('partner');
      }
      if (!operator) {
        if (!p.partner) throw authzErrors.not_partner_member(PD.notMemberPartnerOrganization);
        if (p.partner.partnerId !== partnerId) {
          access.partnerMembership(p);
          throw access.notFound('partner');
        }
        partnerPlaneGate?.(req, partnerId);
      }
      setRequestDbContext(partnerDbContext(partnerId, partnerTenants));
    },

    // /api/v1/partner/…: the caller's own partner, taken from the credentials, then the partner
    // audience's one gate: every step of the admission the route declares (config.admission).
    'partner-self': async (req, reply) => {
      const { p, operator } = await caller(req);
      setRequestDbContext(p.partner ? partnerDbContext(p.partner.partnerId, partnerTenants) : personDbContext(p, operator));
      if (partnerGate === null) throw new Error('the partner audience has no gate');
      await partnerGate(req, reply);
    },
  };

  return {
    hook(audience) {
      const guard = guards[audience];
      return (req, reply, done) => {
        guard(req, reply).then(() => done(), done);
      };
    },
    authenticated: async (req) => {
      await caller(req);
    },
  };
}

export type { AppError };
