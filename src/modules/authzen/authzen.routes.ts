/**
 * The AuthZEN 1.0 HTTPS binding (§12): POST /access/v1/evaluation, /access/v1/evaluations,
 * /access/v1/search/{subject,resource,action}, and the PDP metadata at
 * GET /.well-known/authzen-configuration (§11). Outside the /api audience routers, like the
 * gateway: a policy enforcement point authenticates with a partner app's client-credentials
 * access token carrying the authzen.evaluate scope (§13.2 leaves the means to the PDP).
 *
 * The request path reads no database: the token is checked as the gateway checks one (its
 * verification cache, revocations, the app still there), and every answer comes from the decision snapshot.
 * A decision is always 200 (a denial is `decision: false`); 400 / 401 / 403 refuse the request
 * itself, as RFC 9457 problem+json.
 */
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { App } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import { authzErrors, type AuthzSnapshot } from '../authz/index.ts';
import { authzenErrors as E } from './authzen.errors.ts';
import {
  EvaluationBody,
  EvaluationResult,
  EvaluationsBody,
  EvaluationsResult,
  PdpMetadata,
  SearchActionBody,
  SearchActionsResult,
  SearchEntitiesResult,
  SearchResourceBody,
  SearchSubjectBody,
} from './authzen.schemas.ts';
import { PDP_SCOPE, type AuthzenService, type Caller } from './authzen.service.ts';

/** What the caller's token says once verified and found live (the gateway's check: GatewayService.verifyBearer), or why not, in a sentence. */
export type VerifyToken = (token: string) => Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }>;

export interface AuthzenRouteDeps {
  authzen: AuthzenService;
  snapshot: AuthzSnapshot;
  verify: VerifyToken;
  /** the public base URL: the policy decision point identifier (§11.1) */
  publicUrl: string;
}

export const AUTHZEN_PATHS = {
  evaluation: '/access/v1/evaluation',
  evaluations: '/access/v1/evaluations',
  searchSubject: '/access/v1/search/subject',
  searchResource: '/access/v1/search/resource',
  searchAction: '/access/v1/search/action',
  metadata: '/.well-known/authzen-configuration',
} as const;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const challenge = (error?: string) => (error ? `Bearer error="${error}", scope="${PDP_SCOPE}"` : `Bearer scope="${PDP_SCOPE}"`);

export function registerAuthzenRoutes(app: App, d: AuthzenRouteDeps): void {
  // Deny by default: the caller is authenticated before the body is parsed or validated.
  const callers = new WeakMap<FastifyRequest, Caller>();
  const onRequest = async (req: FastifyRequest) => {
    callers.set(req, await authenticateCaller(req, d));
  };
  const guarded: Guarded = { authzen: d.authzen, onRequest, callerOf: (req) => callers.get(req)! };
  registerEvaluationRoutes(app, guarded);
  registerSearchRoutes(app, guarded);
  registerMetadata(app, d.publicUrl);
}

/** The caller: a partner app's own client-credentials token with the PDP scope, of an active partner. */
async function authenticateCaller(req: FastifyRequest, d: AuthzenRouteDeps): Promise<Caller> {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? BEARER.exec(h) : null;
  if (!m) throw E.authzen_token_required('Send Authorization: Bearer <access token> (client credentials, scope authzen.evaluate).', { headers: { 'www-authenticate': challenge() } });
  const v = await d.verify(m[1]);
  if (!v.ok) throw E.authzen_token_invalid(v.reason, { headers: { 'www-authenticate': challenge('invalid_token') } });
  const c = v.claims;
  // a sender-constrained token proves its key to the gateway; no proof is checked here
  if (typeof c.cnf === 'object' && c.cnf !== null) throw E.authzen_token_invalid('A DPoP-bound access token is not accepted here.', { headers: { 'www-authenticate': challenge('invalid_token') } });
  const partnerId = typeof c.partner_id === 'string' ? c.partner_id : null;
  const clientId = typeof c.client_id === 'string' ? c.client_id : null;
  const sub = typeof c.sub === 'string' ? c.sub : '';
  // client credentials: the app acting for its own partner, on no customer's delegation and for no person
  if (partnerId === null || clientId === null || c.dlg !== undefined || sub.startsWith('usr_')) {
    throw E.authzen_caller_not_app("Ask with the partner app's own client-credentials token.");
  }
  const scopes = typeof c.scope === 'string' ? c.scope.split(' ') : [];
  if (!scopes.includes(PDP_SCOPE)) throw E.authzen_scope_required(`The access token needs the ${PDP_SCOPE} scope.`, { headers: { 'www-authenticate': challenge('insufficient_scope') } });
  const partner = d.snapshot.partners.get(partnerId);
  if (partner === undefined || !partner.active) throw authzErrors.partner_inactive(`The partner is ${partner?.status ?? 'unknown'}.`);
  return { partnerId, clientId };
}

/** What the guarded endpoints share: the service, the authenticating hook and the caller it found. */
interface Guarded {
  authzen: AuthzenService;
  onRequest: (req: FastifyRequest) => Promise<void>;
  callerOf: (req: FastifyRequest) => Caller;
}

/** Access evaluation, one decision or many (§6, §7). */
function registerEvaluationRoutes(app: App, { authzen, onRequest, callerOf }: Guarded): void {
  app.post(
    AUTHZEN_PATHS.evaluation,
    {
      onRequest,
      schema: {
        summary: 'AuthZEN access evaluation: may this partner, or one of its people, do this action on this tenant or billing account?',
        description:
          'OpenID AuthZEN Authorization API 1.0 §6. Subject "partner" (its id) or "user" (a person of the partner); resource "tenant" or "ban" (properties.tenant_id: its tenant); ' +
          'action: a permission name. Always 200 with the decision; a denial carries context.code (the refusal code) and context.reason. ' +
          'Client-credentials access token with the authzen.evaluate scope.',
        body: EvaluationBody,
        response: { 200: EvaluationResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => authzen.evaluate(callerOf(req), req.body as Static<typeof EvaluationBody>),
  );

  app.post(
    AUTHZEN_PATHS.evaluations,
    {
      onRequest,
      schema: {
        summary: 'AuthZEN access evaluations: many decisions in one request',
        description:
          'OpenID AuthZEN Authorization API 1.0 §7. Top-level subject, action, resource and context are the defaults of each item of evaluations. ' +
          'options.evaluations_semantic: execute_all (default), deny_on_first_deny (stop after the first denial) or permit_on_first_permit (stop after the first permit).',
        body: EvaluationsBody,
        response: { 200: EvaluationsResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => authzen.evaluateMany(callerOf(req), req.body as Static<typeof EvaluationsBody>),
  );
}

/** The searches: resources, subjects and actions (§8–§10). */
function registerSearchRoutes(app: App, { authzen, onRequest, callerOf }: Guarded): void {
  app.post(
    AUTHZEN_PATHS.searchResource,
    {
      onRequest,
      schema: {
        summary: 'AuthZEN resource search: which tenants or billing accounts can this partner, or one of its people, act on',
        description: 'OpenID AuthZEN Authorization API 1.0 §9. resource.type "tenant" or "ban"; without action: for anything. Paged: page.limit, page.token ← page.next_token.',
        body: SearchResourceBody,
        response: { 200: SearchEntitiesResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => authzen.searchResource(callerOf(req), req.body as Static<typeof SearchResourceBody>),
  );

  app.post(
    AUTHZEN_PATHS.searchSubject,
    {
      onRequest,
      schema: {
        summary: 'AuthZEN subject search: who of the partner can act on this tenant or billing account',
        description: 'OpenID AuthZEN Authorization API 1.0 §8. subject.type "partner" or "user" (the partner\'s people); without action: for anything. Paged like the resource search.',
        body: SearchSubjectBody,
        response: { 200: SearchEntitiesResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => authzen.searchSubject(callerOf(req), req.body as Static<typeof SearchSubjectBody>),
  );

  app.post(
    AUTHZEN_PATHS.searchAction,
    {
      onRequest,
      schema: {
        summary: 'AuthZEN action search: what may this partner, or one of its people, do on this tenant or billing account',
        description: 'OpenID AuthZEN Authorization API 1.0 §10. The permissions of the catalog the decision engine allows. Paged like the resource search.',
        body: SearchActionBody,
        response: { 200: SearchActionsResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => authzen.searchAction(callerOf(req), req.body as Static<typeof SearchActionBody>),
  );
}

/** The policy decision point's metadata (§11): where each endpoint is. */
function registerMetadata(app: App, publicUrl: string): void {
  const base = publicUrl.replace(/\/+$/, '');
  const metadata = {
    policy_decision_point: base,
    access_evaluation_endpoint: base + AUTHZEN_PATHS.evaluation,
    access_evaluations_endpoint: base + AUTHZEN_PATHS.evaluations,
    search_subject_endpoint: base + AUTHZEN_PATHS.searchSubject,
    search_resource_endpoint: base + AUTHZEN_PATHS.searchResource,
    search_action_endpoint: base + AUTHZEN_PATHS.searchAction,
  };
  app.get(
    AUTHZEN_PATHS.metadata,
    {
      schema: {
        summary: 'AuthZEN policy decision point metadata: where each endpoint is',
        description: 'OpenID AuthZEN Authorization API 1.0 §11. No credentials needed.',
        response: { 200: PdpMetadata },
      },
    },
    async (_req, reply) => {
      // §14.5: metadata may be cached
      reply.header('cache-control', 'public, max-age=3600');
      return metadata;
    },
  );
}
