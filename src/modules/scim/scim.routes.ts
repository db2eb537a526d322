/**
 * The SCIM 2.0 protocol endpoints (RFC 7644) at /scim/v2, outside the /api audience routers like
 * the gateway's and AuthZEN's: an identity provider (Entra ID, Okta) authenticates with its
 * organization's (a partner's or a tenant's) SCIM token (Authorization: Bearer), and the organization is the token's — never
 * the payload's. Answers are application/scim+json; refusals use RFC 7644 §3.12's error schema
 * (schemas, status, scimType, detail) instead of problem+json, and nothing answers 500 with a
 * reason. Each request is written to the organization's request log in words (for the portal).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.ts';
import { depthLimitedJsonParser } from '../../platform/http/json-depth.ts';
import { setRequestDbContext } from '../../platform/db/db-context.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { ScimProblem, scimProblem } from './scim.errors.ts';
import type { ScimConnections } from './scim-connections.service.ts';
import type { ScimGroups } from './scim-groups.service.ts';
import type { ScimPeople } from './scim-people.service.ts';
import type { Org } from './scim-connections.service.ts';
import { GROUP_SCHEMA, LIST_SCHEMA, SCIM_CONTENT_TYPE, USER_SCHEMA, listResponse, paging, resourceTypes, schemas, serviceProviderConfig } from './scim.resources.ts';

export const SCIM_BASE_PATH = '/scim/v2';

export interface ScimRouteDeps {
  connections: ScimConnections;
  people: ScimPeople;
  groups: ScimGroups;
  publicUrl: string;
  /** the tenants the partner may act on now (the decision snapshot): the request's row-level-security context */
  partnerTenants: (partnerId: string) => readonly string[];
}

interface Caller {
  org: Org;
  ctx: RequestContext;
  result: string | null;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** The scimType of a platform error raised inside a SCIM request (e.g. a partner's last owner). */
function fromAppError(e: AppError): ScimProblem {
  if (e.code === 'malformed_json' || e.code === 'json_too_deep') return scimProblem.invalidSyntax(e.detail);
  // RFC 7644 §3.12: mutability is a 400 (the partner's last owner cannot be turned off); a clash is 409 uniqueness
  if (e.code === 'last_partner_owner' || e.code === 'last_tenant_admin') return scimProblem.mutability(e.detail);
  // RFC 7644 §3.12: 403 Forbidden, the operation is not permitted (the customer's plan allows no more people)
  if (e.code === 'plan_member_limit_reached') return new ScimProblem(403, e.detail);
  if (e.status === 409) return new ScimProblem(409, e.detail, 'uniqueness');
  if (e.status === 400 || e.status === 403) return new ScimProblem(400, e.detail, 'invalidValue');
  if (e.status === 404) return new ScimProblem(404, e.detail);
  return new ScimProblem(e.status >= 500 ? 500 : e.status, e.status >= 500 ? 'The request could not be completed; try again.' : e.detail);
}

export async function registerScimRoutes(app: FastifyInstance, d: ScimRouteDeps): Promise<void> {
  const base = `${d.publicUrl.replace(/\/$/, '')}${SCIM_BASE_PATH}`;
  const callers: Callers = new WeakMap<FastifyRequest, Caller>();

  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/scim+json'], { parseAs: 'string' }, depthLimitedJsonParser(app) as never);
    answerScimProblems(scope, callers);
    authenticateOrganization(scope, d, callers);
    logOrganizationRequests(scope, d, callers);
    const kit: ScimKit = {
      caller: (req) => callers.get(req)!,
      said: (req, words) => {
        callers.get(req)!.result = words;
      },
    };
    registerDiscoveryRoutes(scope, d, base);
    registerUserRoutes(scope, d, base, kit);
    registerGroupRoutes(scope, d, base, kit);
    // anything else under /scim/v2: a SCIM 404, not the portal's page
    scope.all(`${SCIM_BASE_PATH}/*`, opts, async () => {
      throw scimProblem.notFound('Endpoint');
    });
  });
}

type Callers = WeakMap<FastifyRequest, Caller>;
/** The request's caller (its organization, its context), and what the request log says it did. */
interface ScimKit {
  caller: (req: FastifyRequest) => Caller;
  said: (req: FastifyRequest, words: string) => void;
}

/** A SCIM document, with the resource's version as its ETag. */
function send(reply: FastifyReply, status: number, doc: unknown, version?: string) {
  if (version) void reply.header('etag', version);
  return reply.code(status).type(SCIM_CONTENT_TYPE).send(doc);
}
const ifMatch = (req: FastifyRequest) => (typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined);
const q = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;
const id = (req: FastifyRequest) => (req.params as { id: string }).id;
const opts = { schema: { hide: true } };

/** Every refusal as a SCIM error document (RFC 7644 §3.12), noted for the request log. */
function answerScimProblems(scope: FastifyInstance, callers: Callers): void {
  scope.setErrorHandler((err, req, reply) => {
    let p: ScimProblem;
    if (err instanceof ScimProblem) p = err;
    else if (err instanceof AppError) p = fromAppError(err);
    else if (typeof (err as { statusCode?: number }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500) {
      const status = (err as { statusCode: number }).statusCode;
      p = new ScimProblem(status, status === 415 ? 'Send the body as application/scim+json or application/json.' : 'The request body is not valid JSON.', status === 400 ? 'invalidSyntax' : undefined);
    } else {
      req.log.error({ err }, 'SCIM request failed');
      p = new ScimProblem(500, 'The request could not be completed; try again.');
    }
    const c = callers.get(req);
    if (c) c.result = `Refused: ${p.detail}`;
    void reply.code(p.status).headers(p.headers).type(SCIM_CONTENT_TYPE).send(p.toJSON());
  });
}

/** Deny by default: every SCIM route, discovery included, needs the organization's token. */
function authenticateOrganization(scope: FastifyInstance, d: ScimRouteDeps, callers: Callers): void {
  scope.addHook('onRequest', async (req) => {
    const m = BEARER.exec(req.headers.authorization ?? '');
    const connection = m ? await d.connections.authenticate(m[1]) : null;
    if (!connection) throw scimProblem.unauthorized(m ? 'The SCIM token is unknown, rotated or switched off.' : undefined);
    const org: Org = { type: connection.org_type, id: connection.org_id };
    // the database's wall follows the token's organization: a tenant's rows alone, or a partner's reach
    let tenantIds: readonly string[] | undefined;
    setRequestDbContext(
      org.type === 'tenant'
        ? { kind: 'tenant', tenantId: org.id }
        : {
            kind: 'partner',
            partnerId: org.id,
            get tenantIds() {
              return (tenantIds ??= d.partnerTenants(org.id));
            },
          },
    );
    const ua = req.headers['user-agent'];
    callers.set(req, {
      org,
      result: null,
      ctx: { requestId: String(req.id), ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null, actor: { type: 'system', userId: null, partnerId: org.type === 'partner' ? org.id : null, clientId: connection.id, agencyId: null } },
    });
  });
}

/** The organization's request log, written before the answer leaves. */
function logOrganizationRequests(scope: FastifyInstance, d: ScimRouteDeps, callers: Callers): void {
  scope.addHook('onSend', async (req, reply, payload) => {
    const c = callers.get(req);
    if (c && req.method !== 'GET') {
      const status = reply.statusCode;
      const result = c.result ?? (status < 400 ? 'Done.' : 'Refused.');
      await d.connections.logRequest(c.org, { method: req.method, path: req.url.split('?')[0].slice(0, 300), status, result: result.slice(0, 500) }).catch((e: unknown) => req.log.warn({ err: e }, 'SCIM request log'));
    } else if (c && req.method === 'GET' && reply.statusCode >= 400) {
      await d.connections.logRequest(c.org, { method: req.method, path: req.url.slice(0, 300), status: reply.statusCode, result: (c.result ?? 'Refused.').slice(0, 500) }).catch(() => undefined);
    }
    return payload;
  });
}

/** Discovery (RFC 7644 §4): the service provider's configuration, resource types and schemas. */
function registerDiscoveryRoutes(scope: FastifyInstance, d: ScimRouteDeps, base: string): void {
  // ---- discovery ----
  scope.get(`${SCIM_BASE_PATH}/ServiceProviderConfig`, opts, async (_req, reply) => send(reply, 200, serviceProviderConfig(base, `${d.publicUrl}/docs`)));
  scope.get(`${SCIM_BASE_PATH}/ResourceTypes`, opts, async (req, reply) => send(reply, 200, listResponse(resourceTypes(base), paging(q(req)))));
  scope.get(`${SCIM_BASE_PATH}/ResourceTypes/:id`, opts, async (req, reply) => {
    const t = resourceTypes(base).find((r) => r.id === id(req));
    if (!t) throw scimProblem.notFound('Resource type');
    return send(reply, 200, t);
  });
  scope.get(`${SCIM_BASE_PATH}/Schemas`, opts, async (req, reply) => send(reply, 200, listResponse(schemas(base), paging(q(req)))));
  scope.get(`${SCIM_BASE_PATH}/Schemas/:id`, opts, async (req, reply) => {
    const s = schemas(base).find((r) => r.id === id(req));
    if (!s) throw scimProblem.notFound('Schema');
    return send(reply, 200, s);
  });
}

/** Users (RFC 7644 §3): list, provision, read, replace, patch, remove. */
function registerUserRoutes(scope: FastifyInstance, d: ScimRouteDeps, base: string, { caller, said }: ScimKit): void {
  // ---- Users ----
  scope.get(`${SCIM_BASE_PATH}/Users`, opts, async (req, reply) => send(reply, 200, await d.people.list(base, caller(req).org, q(req), paging(q(req)))));
  scope.post(`${SCIM_BASE_PATH}/Users`, opts, async (req, reply) => {
    const u = await d.people.create(caller(req).ctx, base, caller(req).org, req.body);
    said(req, `Provisioned ${u.displayName} (${u.userName})${u.active ? '' : ', deactivated'}.`);
    return send(reply.header('location', u.meta.location), 201, u, u.meta.version);
  });
  scope.get(`${SCIM_BASE_PATH}/Users/:id`, opts, async (req, reply) => {
    const u = await d.people.get(base, caller(req).org, id(req));
    return send(reply, 200, u, u.meta.version);
  });
  scope.put(`${SCIM_BASE_PATH}/Users/:id`, opts, async (req, reply) => {
    const u = await d.people.replace(caller(req).ctx, base, caller(req).org, id(req), req.body, ifMatch(req));
    said(req, `Updated ${u.displayName} (${u.userName})${u.active ? '' : '; access ended'}.`);
    return send(reply, 200, u, u.meta.version);
  });
  scope.patch(`${SCIM_BASE_PATH}/Users/:id`, opts, async (req, reply) => {
    const u = await d.people.patch(caller(req).ctx, base, caller(req).org, id(req), req.body, ifMatch(req));
    said(req, `Updated ${u.displayName} (${u.userName}): ${u.active ? 'active' : 'deactivated, access ended'}.`);
    return send(reply, 200, u, u.meta.version);
  });
  scope.delete(`${SCIM_BASE_PATH}/Users/:id`, opts, async (req, reply) => {
    const u = await d.people.get(base, caller(req).org, id(req));
    await d.people.remove(caller(req).ctx, caller(req).org, id(req), ifMatch(req));
    said(req, `Removed ${u.displayName} (${u.userName}): access ended, history kept.`);
    return reply.code(204).send();
  });
}

/** Groups (RFC 7644 §3): list, create, read, replace, patch, delete. */
function registerGroupRoutes(scope: FastifyInstance, d: ScimRouteDeps, base: string, { caller, said }: ScimKit): void {
  // ---- Groups ----
  scope.get(`${SCIM_BASE_PATH}/Groups`, opts, async (req, reply) => send(reply, 200, await d.groups.list(base, caller(req).org, q(req), paging(q(req)))));
  scope.post(`${SCIM_BASE_PATH}/Groups`, opts, async (req, reply) => {
    const g = await d.groups.create(caller(req).ctx, base, caller(req).org, req.body);
    said(req, `Created group ${g.displayName} with ${g.members.length} member(s).`);
    return send(reply.header('location', g.meta.location), 201, g, g.meta.version);
  });
  scope.get(`${SCIM_BASE_PATH}/Groups/:id`, opts, async (req, reply) => {
    const g = await d.groups.get(base, caller(req).org, id(req));
    return send(reply, 200, g, g.meta.version);
  });
  scope.put(`${SCIM_BASE_PATH}/Groups/:id`, opts, async (req, reply) => {
    const g = await d.groups.replace(caller(req).ctx, base, caller(req).org, id(req), req.body, ifMatch(req));
    said(req, `Updated group ${g.displayName}: ${g.members.length} member(s).`);
    return send(reply, 200, g, g.meta.version);
  });
  scope.patch(`${SCIM_BASE_PATH}/Groups/:id`, opts, async (req, reply) => {
    const g = await d.groups.patch(caller(req).ctx, base, caller(req).org, id(req), req.body, ifMatch(req));
    said(req, `Updated group ${g.displayName}: ${g.members.length} member(s).`);
    // RFC 7644 §3.5.2: 204 unless attributes were asked for; Okta and Entra ID accept both
    return send(reply, 200, g, g.meta.version);
  });
  scope.delete(`${SCIM_BASE_PATH}/Groups/:id`, opts, async (req, reply) => {
    const g = await d.groups.get(base, caller(req).org, id(req));
    await d.groups.remove(caller(req).ctx, caller(req).org, id(req), ifMatch(req));
    said(req, `Deleted group ${g.displayName}.`);
    return reply.code(204).send();
  });
}

export { USER_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA };
