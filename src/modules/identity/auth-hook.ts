/**
 * Runs before validation on every /api request:
 *  1. resolves the caller (session cookie or personal API token) into `request.principal`;
 *  2. enforces CSRF on cookie-authenticated mutations;
 *  3. deny by default: a route is authenticated unless it says `config: { public: true }`;
 *  4. the organization wall: on /api/v1/tenants/:tenant_id/… and /api/v1/partners/:partner_id/…
 *     the id must name an organization the caller belongs to (or the caller is the operator) —
 *     otherwise the request answers exactly like a missing record (404), before its body is
 *     even looked at. A tenant route meant for non-members opts out with `tenantWall: false`.
 *     On partner routes seed 003's rules run in its order: 1 authenticated (401), 2 user active,
 *     member of a partner, membership active, partner active (403 each with its code), 3 belongs
 *     to the requested partner (404), and — in the handler — 4 the role allows it (403).
 *  5. sets the request's database context (request-db-context.ts): row-level security then holds
 *     every statement of the request to the organization the wall let it into.
 * Handlers still check roles and permissions; this is the second wall, not the only one.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import type { AppError } from '../../platform/errors/app-error.ts';
import { identityErrors as E } from './identity.errors.ts';
import type { IdentityService } from './identity.service.ts';
import type { Access } from '../authz/index.ts';
import type { Principal } from '../../platform/http/principal.ts';
import { authzErrors } from '../authz/index.ts';
import { setRequestDbContext } from '../../platform/db/db-context.ts';
import { requestDbContext, type PartnerTenants } from './request-db-context.ts';

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
    /**
     * true when the route needs no more of its caller than id, status, platform role and
     * memberships: a personal API token or session the in-memory indexes vouch for is resolved
     * from them and the authz snapshot, without a database read (the decision API keeps answering
     * while the database is away). The principal then has no email or name.
     */
    memoryAuth?: boolean;
  }
}

/** Builds a principal from in-memory state for a user the indexes vouched for (AuthzService.principalOf). */
export type MemoryPrincipals = (userId: string, kind: Principal['kind'], credential: { sessionId?: string; csrfToken?: string; tokenId?: string }) => Principal | null;

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

function principalFromMemory(identity: IdentityService, memory: MemoryPrincipals | null, req: FastifyRequest, c: { bearer: string } | { cookie: string }): Principal | null {
  if (memory === null || req.routeOptions.config?.memoryAuth !== true) return null;
  const m = identity.credentialFromMemory(c);
  return m === null ? null : memory(m.userId, m.kind, m);
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
      throw E.csrf_token_invalid('Send the csrf_token from the login response in the x-csrf-token header.');
    }
  }
}

/**
 * The partner a request acts for, recorded as the audit event's actor partner. Only requests
 * taken in the partner's capacity — its own /api/v1/partners/:partner_id/… routes and the
 * /api/v1/partner/… API — act for it. A partner member who is also a tenant admin acts for the
 * tenant on tenant routes, and the partner's audit view must not show those events.
 */
export function actingPartnerId(req: FastifyRequest, p: Principal): string | null {
  const m = p.partner;
  if (!m) return null;
  const route = req.routeOptions?.url ?? '';
  if (route.startsWith('/api/v1/partner/')) return m.partnerId;
  if (route.startsWith('/api/v1/partners/:partner_id') && (req.params as Record<string, unknown> | undefined)?.partner_id === m.partnerId) return m.partnerId;
  return null;
}

export function installAuthHook(app: FastifyInstance, identity: IdentityService, access: Access, memory: MemoryPrincipals | null = null, partnerTenants: PartnerTenants = () => []): void {
  // Callback-style so requests outside /api (the gateway's) pay no promise for it.
  app.addHook('preValidation', (req, _reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    guard(req).then(() => done(), done);
  });

  async function guard(req: FastifyRequest): Promise<void> {
    await resolvePrincipal(req, identity, memory);
    const config = req.routeOptions.config ?? {};
    if (config.public) return;
    const p = access.user(req); // 401 / 403 user_inactive
    if (config.operator) access.operator(req, config.operator);
    const operator = access.isOperator(p);
    if (!operator) orgWall(req, p, config);
    setRequestDbContext(requestDbContext(req, p, operator, partnerTenants));
  }

  function orgWall(req: FastifyRequest, p: Principal, config: FastifyContextConfig): void {
    const params = (req.params ?? {}) as Record<string, unknown>;
    const route = req.routeOptions.url ?? '';
    if (route.startsWith('/api/v1/tenants/:tenant_id') && config.tenantWall !== false) {
      if (!p.tenants.some((t) => t.tenantId === params.tenant_id)) throw access.notFound('tenant');
    }
    if (route.startsWith('/api/v1/partners/:partner_id')) {
      // Seed 003's order: rule 2 (an active member of an active partner: 403 with its own code)
      // before rule 3 (another partner's data: 404). Handlers re-check rule 2 for their own
      // partner, where some reads stay open to a suspended partner (allowInactivePartner).
      if (!p.partner) throw authzErrors.not_partner_member('You are not a member of a partner organization.');
      if (p.partner.partnerId !== params.partner_id) {
        access.partnerMembership(p);
        throw access.notFound('partner');
      }
    }
  }
}

export type { AppError };
