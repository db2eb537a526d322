/**
 * The Shared Signals transmitter's endpoints (SSF 1.0): its metadata at
 * GET /.well-known/ssf-configuration (§7), and stream management (§8.1) at /ssf/streams,
 * /ssf/streams/status and /ssf/streams/verify. Outside the /api routers, like AuthZEN: a partner
 * app manages its own stream with its client-credentials access token carrying `ssf.manage`
 * (§7.1 authorization_schemes: OAuth 2). A stream belongs to the app the token was issued to;
 * another app's stream id answers 404 like a missing one.
 */
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { App } from '../../platform/http/app-types.ts';
import { problems, Type } from '../../platform/http/schemas.ts';
import { authzErrors, type AuthzSnapshot } from '../authz/index.ts';
import { PUSH_DELIVERY } from './caep.ts';
import { ssfErrors as E } from './ssf.errors.ts';
import * as S from './ssf.schemas.ts';
import type { AppRef, SsfService } from './ssf.service.ts';

export const SSF_SCOPE = 'ssf.manage';

export const SSF_PATHS = {
  metadata: '/.well-known/ssf-configuration',
  streams: '/ssf/streams',
  status: '/ssf/streams/status',
  verify: '/ssf/streams/verify',
} as const;

export interface SsfRouteDeps {
  ssf: SsfService;
  snapshot: AuthzSnapshot;
  verify: (token: string) => Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; reason: string }>;
  /** the authorization server's JWKS URL (the keys SETs are signed with) */
  jwksUri: string;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const challenge = (error?: string) => (error ? `Bearer error="${error}", scope="${SSF_SCOPE}"` : `Bearer scope="${SSF_SCOPE}"`);
const TAGS = ['shared signals'];

export function registerSsfRoutes(app: App, d: SsfRouteDeps): void {
  const { ssf } = d;
  // Deny by default: the caller is authenticated before the body is parsed or validated.
  const callers = new WeakMap<FastifyRequest, AppRef>();
  const onRequest = async (req: FastifyRequest) => {
    callers.set(req, await authenticateApp(req, d));
  };
  const callerOf = (req: FastifyRequest): AppRef => callers.get(req)!;
  /** The caller's stream, and the stream id asked for must be it. */
  const streamOf = async (req: FastifyRequest, streamId: string | undefined) => {
    const s = await ssf.getStream(callerOf(req));
    if (streamId !== undefined && streamId !== s.id) throw E.ssf_stream_not_found();
    return s;
  };
  const guarded: Guarded = { ssf, onRequest, callerOf, streamOf };
  registerMetadata(app, d);
  registerStreamRoutes(app, guarded);
  registerStatusRoutes(app, guarded);
}

/** The caller: a partner app's own client-credentials token with ssf.manage, of an active partner. */
async function authenticateApp(req: FastifyRequest, d: SsfRouteDeps): Promise<AppRef> {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? BEARER.exec(h) : null;
  if (!m) throw E.ssf_token_required('Send Authorization: Bearer <access token> (client credentials, scope ssf.manage).', { headers: { 'www-authenticate': challenge() } });
  const v = await d.verify(m[1]);
  if (!v.ok) throw E.ssf_token_invalid(v.reason, { headers: { 'www-authenticate': challenge('invalid_token') } });
  const c = v.claims;
  if (typeof c.cnf === 'object' && c.cnf !== null) throw E.ssf_token_invalid('A DPoP-bound access token is not accepted here.', { headers: { 'www-authenticate': challenge('invalid_token') } });
  const partnerId = typeof c.partner_id === 'string' ? c.partner_id : null;
  const clientId = typeof c.client_id === 'string' ? c.client_id : null;
  const sub = typeof c.sub === 'string' ? c.sub : '';
  if (partnerId === null || clientId === null || c.dlg !== undefined || sub.startsWith('usr_')) throw E.ssf_caller_not_app("Manage the stream with the partner app's own client-credentials token.");
  const scopes = typeof c.scope === 'string' ? c.scope.split(' ') : [];
  if (!scopes.includes(SSF_SCOPE)) throw E.ssf_scope_required(`The access token needs the ${SSF_SCOPE} scope.`, { headers: { 'www-authenticate': challenge('insufficient_scope') } });
  const partner = d.snapshot.partners.get(partnerId);
  if (partner === undefined || !partner.active) throw authzErrors.partner_inactive(`The partner is ${partner?.status ?? 'unknown'}.`);
  return { appId: clientId, partnerId };
}

/** What the stream endpoints share: the service, the authenticating hook, the caller it found and the caller's stream. */
interface Guarded {
  ssf: SsfRouteDeps['ssf'];
  onRequest: (req: FastifyRequest) => Promise<void>;
  callerOf: (req: FastifyRequest) => AppRef;
  streamOf: (req: FastifyRequest, streamId: string | undefined) => ReturnType<SsfRouteDeps['ssf']['getStream']>;
}

/** Only push delivery (RFC 8935) is offered. */
function pushOnly(method: string): void {
  if (method !== PUSH_DELIVERY) throw E.ssf_delivery_method_unsupported(`Delivery method ${method} is not offered; use ${PUSH_DELIVERY}.`, { fields: [{ pointer: '/body/delivery/method', detail: `only ${PUSH_DELIVERY}` }] });
}

/** The transmitter's metadata (SSF 1.0 §7): issuer, keys, delivery methods, stream endpoints. */
function registerMetadata(app: App, d: SsfRouteDeps): void {
  const base = d.ssf.issuer.replace(/\/+$/, '');
  const metadata = {
    spec_version: '1_0',
    issuer: base,
    jwks_uri: d.jwksUri,
    delivery_methods_supported: [PUSH_DELIVERY],
    configuration_endpoint: base + SSF_PATHS.streams,
    status_endpoint: base + SSF_PATHS.status,
    verification_endpoint: base + SSF_PATHS.verify,
    authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
    default_subjects: 'ALL',
  };
  app.get(
    SSF_PATHS.metadata,
    { schema: { tags: TAGS, summary: 'Shared Signals transmitter metadata: issuer, keys, delivery methods, stream endpoints', description: 'OpenID Shared Signals Framework 1.0 §7. No credentials needed.', response: { 200: S.TransmitterMetadata } } },
    async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return metadata;
    },
  );
}

/** The calling app's stream configuration (SSF 1.0 §8.1.1): create, read, change or replace, delete. */
function registerStreamRoutes(app: App, { ssf, onRequest, callerOf, streamOf }: Guarded): void {
  app.post(
    SSF_PATHS.streams,
    { onRequest, schema: { tags: TAGS, summary: "Create the calling app's event stream (push delivery to its receiver)", description: 'SSF 1.0 §8.1.1.1. One stream per app.', body: S.CreateStreamBody, response: { 201: S.StreamConfig, ...problems(400, 401, 403, 409) } } },
    async (req, reply) => {
      const b = req.body as Static<typeof S.CreateStreamBody>;
      pushOnly(b.delivery.method);
      const s = await ssf.createStream(req.ctx(), callerOf(req), { endpoint_url: b.delivery.endpoint_url, authorization_header: b.delivery.authorization_header ?? null, events_requested: b.events_requested, description: b.description ?? null }, '/body/delivery');
      return reply.code(201).send(ssf.toStreamConfig(s));
    },
  );

  app.get(
    SSF_PATHS.streams,
    { onRequest, schema: { tags: TAGS, summary: "The calling app's stream configuration", description: 'SSF 1.0 §8.1.1.2. With stream_id: that stream; without: a list (of the one stream).', querystring: S.StreamQuery, response: { 200: Type.Union([S.StreamConfig, Type.Array(S.StreamConfig)]), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const q = req.query as Static<typeof S.StreamQuery>;
      if (q.stream_id === undefined) {
        const s = await ssf.findStream(callerOf(req).appId);
        return s ? [ssf.toStreamConfig(s)] : [];
      }
      return ssf.toStreamConfig(await streamOf(req, q.stream_id));
    },
  );

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: SSF_PATHS.streams,
      onRequest,
      schema: { tags: TAGS, summary: method === 'PATCH' ? "Change some of the calling app's stream settings" : "Replace the calling app's stream settings", description: `SSF 1.0 §8.1.1.${method === 'PATCH' ? 3 : 4}.`, body: S.UpdateStreamBody, response: { 200: S.StreamConfig, ...problems(400, 401, 403, 404) } },
      handler: async (req) => {
        const b = req.body as Static<typeof S.UpdateStreamBody>;
        ssf.checkTransmitterValues(await streamOf(req, b.stream_id), b);
        if (b.delivery) pushOnly(b.delivery.method);
        const s = await ssf.updateStream(
          req.ctx(),
          callerOf(req),
          { ...(b.delivery ? { endpoint_url: b.delivery.endpoint_url, authorization_header: b.delivery.authorization_header ?? null } : {}), ...(b.events_requested ? { events_requested: b.events_requested } : {}), ...(b.description !== undefined ? { description: b.description } : {}) },
          method === 'PUT',
        );
        return ssf.toStreamConfig(s);
      },
    });
  }

  app.delete(
    SSF_PATHS.streams,
    { onRequest, schema: { tags: TAGS, summary: "Delete the calling app's stream (queued events are dropped)", description: 'SSF 1.0 §8.1.1.5.', querystring: S.StreamQuery, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      await streamOf(req, (req.query as Static<typeof S.StreamQuery>).stream_id);
      await ssf.deleteStream(req.ctx(), callerOf(req));
      return reply.code(204).send(null);
    },
  );
}

/** The stream's status (SSF 1.0 §8.1.2) and verification events (§8.1.4). */
function registerStatusRoutes(app: App, { ssf, onRequest, callerOf, streamOf }: Guarded): void {
  app.get(
    SSF_PATHS.status,
    { onRequest, schema: { tags: TAGS, summary: "The calling app's stream status", description: 'SSF 1.0 §8.1.2.1.', querystring: S.StreamQuery, response: { 200: S.StreamStatus, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const s = await streamOf(req, (req.query as Static<typeof S.StreamQuery>).stream_id);
      return { stream_id: s.id, status: s.status, ...(s.status_reason ? { reason: s.status_reason } : {}) };
    },
  );

  app.post(
    SSF_PATHS.status,
    { onRequest, schema: { tags: TAGS, summary: "Enable, pause or disable the calling app's stream", description: 'SSF 1.0 §8.1.2.2. Paused: events are kept and sent once enabled again. Disabled: none are kept.', body: S.UpdateStatusBody, response: { 200: S.StreamStatus, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      const b = req.body as Static<typeof S.UpdateStatusBody>;
      await streamOf(req, b.stream_id);
      const s = await ssf.setStatus(req.ctx(), callerOf(req), b.status, b.reason ?? null);
      return { stream_id: s.id, status: s.status, ...(s.status_reason ? { reason: s.status_reason } : {}) };
    },
  );

  app.post(
    SSF_PATHS.verify,
    { onRequest, schema: { tags: TAGS, summary: 'Ask for a verification event on the stream', description: 'SSF 1.0 §8.1.4.2. The event carries the given state; it is pushed at once.', body: S.VerifyBody, response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      const b = req.body as Static<typeof S.VerifyBody>;
      await streamOf(req, b.stream_id);
      await ssf.verify(req.ctx(), callerOf(req), b.state ?? null);
      return reply.code(204).send(null);
    },
  );
}
