/**
 * The authorization server inside the Fastify app:
 *  - /oauth/* (except /oauth/interaction/*) and the root discovery documents go straight to
 *    oidc-provider from their routes' onRequest hook: the reply is hijacked before Fastify parses
 *    a body, the provider parses its own (RFC 6749 form posts, JSON where it wants them);
 *  - /oauth/interaction/* are our sign-in and consent pages (interaction.routes.ts);
 *  - /api/v1/tenants/:tenant_id/connected-apps: the customer's "Connected partners".
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import type { AppsService } from '../apps/index.ts';
import type { OAuthService } from './oauth.service.ts';
import { OAUTH_MOUNT, INTERACTION_PATH, PROTECTED_RESOURCE_WELL_KNOWN, gatewayAudience } from './provider.ts';
import type { Config } from '../../config/config.ts';
import { registerInteractionRoutes, type InteractionDeps } from './interaction.routes.ts';
import { cibaTenantRoutes } from './ciba.routes.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrontHandler } from '../../platform/http/front-handler.ts';
import { requestIdOf } from '../../platform/http/request-basics.ts';

const ROOT_METADATA: Record<string, string> = {
  // ARCHITECTURE: discovery at the root as well as under the issuer.
  '/.well-known/openid-configuration': '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server': '/.well-known/oauth-authorization-server',
  // RFC 8414 §3.1: for an issuer with a path, the well-known segment goes before the path.
  [`/.well-known/oauth-authorization-server${OAUTH_MOUNT}`]: '/.well-known/oauth-authorization-server',
  [`/.well-known/openid-configuration${OAUTH_MOUNT}`]: '/.well-known/openid-configuration',
};

/** The path the provider routes on for a request URL, or null when the request is not its. */
export function providerPath(url: string): string | null {
  const path = url.split('?')[0];
  if (path in ROOT_METADATA) return ROOT_METADATA[path];
  if (!path.startsWith(OAUTH_MOUNT + '/')) return null;
  if (path === INTERACTION_PATH || path.startsWith(INTERACTION_PATH + '/')) return null;
  return path.slice(OAUTH_MOUNT.length);
}

const ConnectedApp = Type.Object({
  delegation_id: Type.String(),
  status: Type.String(),
  app: Type.Object({ client_id: Nullable(Type.String()), name: Type.String(), logo_uri: Nullable(Type.String()), deleted: Type.Boolean() }),
  partner: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String(), website: Nullable(Type.String()) }),
  permissions: Type.Array(Type.Object({ scope: Type.String(), description: Type.String() })),
  billing_accounts: Type.Array(Type.Object({ id: Type.String(), account_number: Type.String(), name: Type.String() })),
  bill_to: Nullable(Type.String()),
  approved_by: Nullable(Type.String()),
  connected_at: Type.String(),
  ends_at: Type.String(),
  last_used_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
  revoke_reason: Nullable(Type.String()),
}, { title: 'ConnectedApp' });

/** The OAuth router's routes (the authorization server, its pages) and the tenant plane's connected apps. */
export interface OAuthRoutes {
  /** /oauth/…, the discovery documents at the root, the sign-in and consent pages (the demo's sample partner app is mounted by build-app) */
  oauth(app: App): Promise<void>;
  tenant(app: App): void;
}

/** What the provider is handed besides the raw request and response. */
interface ProviderCall {
  ip: string;
  requestId: string;
  path: string;
}

/** Hand a request to the provider on Node's own response; an unexpected error answers 500 in RFC 6749's shape. */
async function serveProvider(oauth: OAuthService, req: IncomingMessage, res: ServerResponse, call: ProviderCall, log: { error(o: object, msg: string): void }): Promise<void> {
  try {
    await oauth.handle(req, res, call);
  } catch (err) {
    log.error({ err }, 'oauth handler error');
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: 'server_error', error_description: 'An unexpected error occurred.' }));
    } else if (!res.writableEnded) {
      res.end();
    }
  }
}

const TOKEN_PATH = `${OAUTH_MOUNT}/token`;

/**
 * The token endpoint before Fastify (platform/http/front-handler.ts): a POST to
 * /oauth/token goes straight to the provider, as Fastify's route would send it from its
 * onRequest hook (the provider reads its own body and writes x-request-id and the security
 * headers itself), without Fastify's routing, hooks and request/reply objects. A request whose
 * address comes from X-Forwarded-For (TRUST_PROXY) is left to Fastify, which derives it.
 * Counted in the request metrics as Fastify would count it (`response`, on finish).
 */
export function oauthTokenFront(d: {
  oauth: OAuthService;
  trustProxy: boolean;
  log: { error(o: object, msg: string): void };
  response: ((route: string, status: number) => void) | null;
}): FrontHandler {
  const route = `${OAUTH_MOUNT}/*`;
  const counted = d.response === null ? null : (res: ServerResponse) => d.response!(route, res.statusCode);
  return (req, res) => {
      if (req.method !== 'POST' || req.url !== TOKEN_PATH) return false;
      if (d.trustProxy && req.headers['x-forwarded-for'] !== undefined) return false;
      const call: ProviderCall = { ip: req.socket.remoteAddress ?? '', requestId: requestIdOf(req.headers['x-request-id']), path: '/token' };
      if (counted !== null) res.once('finish', () => counted(res));
      // No request database scope of its own: the provider runs as the system (OAuthService#handle), the only scope it reads in.
      void serveProvider(d.oauth, req, res, call, d.log);
      return true;
  };
}

export function oauthRoutes(d: { oauth: OAuthService; identity: IdentityService; apps: AppsService; access: Access; config: Config; brandOf?: InteractionDeps['brandOf']; textsFor?: InteractionDeps['textsFor'] }): OAuthRoutes {
  const { oauth, access } = d;

  /**
   * The provider's paths answer from this route's onRequest hook: the reply is hijacked before
   * Fastify parses a body, the provider parses its own (RFC 6749 form posts, JSON where it wants
   * them). A path under /oauth/ the provider does not serve (a page that does not exist under
   * /oauth/interaction/) reaches the handler: 404.
   */
  const provider = {
    // oidc-provider answers an agency token itself, in RFC 6749's error shape (installAgencyTokenGuard leaves it be)
    config: { agencyToken: true },
    schema: { hide: true },
    onRequest: (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      const path = providerPath(req.url);
      if (path === null) return done();
      // Answered by the provider on the raw response: once hijacked, Fastify runs nothing more.
      reply.hijack();
      void serveProvider(oauth, req.raw, reply.raw, { ip: req.ip, requestId: String(req.id), path }, req.log);
      done();
    },
  };
  const ResourceMetadataSchema = {
    summary: "The gateway's protected-resource metadata (RFC 9728): its resource identifier, the authorization server, the scopes and how to send a token",
    security: [],
    response: {
      200: Type.Object(
        { resource: Type.String(), authorization_servers: Type.Array(Type.String()), scopes_supported: Type.Optional(Type.Array(Type.String())), bearer_methods_supported: Type.Optional(Type.Array(Type.String())) },
        { title: 'ProtectedResourceMetadata', additionalProperties: true },
      ),
    },
  };
  const notFound = async (req: FastifyRequest) => {
    throw platformErrors.not_found(`No route for ${req.method} ${req.url.split('?')[0]}.`);
  };

  return {
    async oauth(app) {
      app.all(`${OAUTH_MOUNT}/*`, provider, notFound);
      for (const url of Object.keys(ROOT_METADATA)) app.all(url, provider, notFound);
      // RFC 9728: the gateway's protected-resource metadata, at the path-suffixed URL of its
      // resource identifier (§3.1, what the gateway's 401 names) and at the bare well-known URL
      // for clients that only know the host (the gateway is this host's one protected resource).
      const resourcePath = new URL(gatewayAudience(d.config)).pathname;
      for (const url of [`${PROTECTED_RESOURCE_WELL_KNOWN}${resourcePath}`, PROTECTED_RESOURCE_WELL_KNOWN]) {
        app.get(url, { schema: ResourceMetadataSchema }, async (_req, reply) =>
          reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(oauth.resourceMetadataJson as never), // the JSON text as made once; the schema documents it
        );
      }
      await registerInteractionRoutes(app as unknown as FastifyInstance, { oauth, identity: d.identity, apps: d.apps, secret: d.config.secretKey, brandOf: d.brandOf, textsFor: d.textsFor });
    },

    tenant(app) {
      cibaTenantRoutes(app, { oauth, access, identity: d.identity });
      const Params = Strict({ tenant_id: Id('tnt') });
      const OneParams = Strict({ tenant_id: Id('tnt'), delegation_id: Id('dlg') });

      app.get(
        '/api/v1/tenants/:tenant_id/connected-apps',
        {
          schema: {
            tags: ['oauth'],
            summary: 'Connected partners: the partner apps the tenant approved on the consent screen, with what they may do and when they were last used',
            params: Params,
            querystring: Strict({ include_ended: Type.Optional(Type.Boolean({ default: false })) }),
            response: { 200: Type.Object({ data: Type.Array(ConnectedApp) }), ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          return { data: await oauth.consent.listConnected(req.params.tenant_id, req.query.include_ended ?? false) };
        },
      );

      app.post(
        '/api/v1/tenants/:tenant_id/connected-apps/:delegation_id/revoke',
        {
          schema: {
            tags: ['oauth'],
            summary: "Disconnect a partner app (tenant admin): its refresh tokens stop working and its access tokens are refused at their next check",
            params: OneParams,
            body: Type.Optional(Strict({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) })),
            response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req, reply) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          await oauth.consent.revokeConnection(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body?.reason ?? null);
          return reply.code(204).send(null);
        },
      );
    },
  };
}
