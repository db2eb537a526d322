/**
 * Audit streaming, export and retention of a tenant, a partner and the platform: the same routes
 * for each, the organization taken from the path and checked against the caller's session
 * (tenant admin, partner owner, operator) before anything else; another organization's
 * destination answers 404 like a missing one.
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems, Type } from '../../platform/http/schemas.ts';
import type { StreamOrg } from './audit-wire.ts';
import type { AuditStreamService, DestinationRow } from './auditstream.service.ts';
import * as S from './auditstream.schemas.ts';

export interface AuditStreamAccess {
  operator(req: FastifyRequest, permission: string): unknown;
  tenant(req: FastifyRequest, tenantId: string, permission: string): unknown;
  partner(req: FastifyRequest, partnerId: string, permission: string): unknown;
}

const TAGS = ['audit streaming'];

export async function toDestinationDto(svc: AuditStreamService, org: StreamOrg, d: DestinationRow) {
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    address: d.address,
    ca_pinned: d.ca_pem !== null,
    has_authorization: d.kind === 'otlp' && d.secret_enc !== null,
    status: d.status,
    backlog: await svc.backlog(org, d),
    delivered_count: Number(d.delivered_count),
    last_delivered_at: d.last_delivered_at,
    last_error: d.last_error,
    last_error_at: d.last_error_at,
    failures: d.failures,
    next_attempt_at: d.status === 'active' && d.failures > 0 ? d.next_attempt_at : null,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

type Scope = StreamOrg['type'];

/** The routes of one organization kind; `org` checks the caller's access and names the organization. */
function streamRoutes(app: App, svc: AuditStreamService, scope: Scope, base: string, org: (req: FastifyRequest) => StreamOrg) {
  const config: Record<string, string> = scope === 'platform' ? { operator: 'platform.audit.stream' } : {};
  const who = scope === 'platform' ? 'the platform' : `a ${scope}`;
  const p4 = problems(400, 401, 403, 404);
  const params = scope === 'platform' ? {} : { params: S.ScopeParams(scope) };
  const one = `${base}/audit-streams/:destination_id`;
  const dest = (req: FastifyRequest) => (req.params as { destination_id: string }).destination_id;

  app.get(`${base}/audit-streams`, { config, schema: { tags: TAGS, summary: `Where the audit events of ${who} are streamed, with each destination's status`, ...params, response: { 200: Type.Object({ data: Type.Array(S.AuditDestinationDto) }), ...p4 } } }, async (req) => {
    const o = org(req);
    return { data: await Promise.all((await svc.list(o)).map((d) => toDestinationDto(svc, o, d))) };
  });

  app.post(
    `${base}/audit-streams`,
    { config, schema: { tags: TAGS, summary: `Stream the audit events of ${who} to a webhook, a syslog server (TLS) or an OpenTelemetry collector; a webhook's signing secret is in this answer only`, ...params, body: S.CreateAuditDestinationBody, response: { 201: S.CreatedAuditDestinationDto, ...p4 } } },
    async (req, reply) => {
      const o = org(req);
      const r = await svc.create(req.ctx(), o, req.body);
      reply.code(201);
      return { destination: await toDestinationDto(svc, o, r.destination), secret: r.secret };
    },
  );

  app.get(one, { config, schema: { tags: TAGS, summary: 'One audit streaming destination and its status', params: S.DestinationParams(scope), response: { 200: S.AuditDestinationDto, ...p4 } } }, async (req) => {
    const o = org(req);
    return toDestinationDto(svc, o, await svc.get(o, dest(req)));
  });

  app.patch(
    one,
    { config, schema: { tags: TAGS, summary: 'Rename a destination, or pause and resume it (resuming sends what it missed, in order)', params: S.DestinationParams(scope), body: S.UpdateAuditDestinationBody, response: { 200: S.AuditDestinationDto, ...p4 } } },
    async (req) => {
      const o = org(req);
      return toDestinationDto(svc, o, await svc.update(req.ctx(), o, dest(req), req.body));
    },
  );

  app.delete(one, { config, schema: { tags: TAGS, summary: 'Stop streaming to a destination and remove it', params: S.DestinationParams(scope), response: { 204: Type.Null(), ...p4 } } }, async (req, reply) => {
    await svc.remove(req.ctx(), org(req), dest(req));
    reply.code(204);
    return null;
  });

  app.post(`${one}/test`, { config, schema: { tags: TAGS, summary: 'Send one test event now (outside the audit chain); answers whether the receiver took it', params: S.DestinationParams(scope), response: { 200: S.AuditTestResult, ...p4 } } }, async (req) => {
    const r = await svc.sendTest(req.ctx(), org(req), dest(req));
    return r.ok ? { delivered: true, error: null } : { delivered: false, error: r.error };
  });

  app.get(
    `${base}/audit-export`,
    {
      config,
      schema: {
        tags: TAGS,
        summary: `A page of the audit events of ${who} in a time range, with the hash-chain proof`,
        description: 'Events in chain order; each carries its hash, the previous hash of the chain and the hash of the organization’s previous event (org_prev_hash); prev_hash is the first event’s link. Continue with next_cursor.',
        ...params,
        querystring: S.AuditExportQuery,
        response: { 200: S.AuditExportPage, ...p4 },
      },
    },
    async (req) => {
      const q = req.query;
      return svc.exportPage(req.ctx(), org(req), { since: q.since, until: q.until, cursor: q.cursor === undefined ? undefined : Number(q.cursor), limit: q.limit ?? 500 });
    },
  );

  app.get(`${base}/audit-retention`, { config, schema: { tags: TAGS, summary: `How long the audit events of ${who} are kept`, ...params, response: { 200: S.AuditRetentionDto, ...p4 } } }, async (req) => svc.retention(org(req)));

  app.put(
    `${base}/audit-retention`,
    { config, schema: { tags: TAGS, summary: `Set how many days the audit events of ${who} are kept (null: for ever)`, ...params, body: S.AuditRetentionBody, response: { 200: S.AuditRetentionDto, ...p4 } } },
    async (req) => svc.setRetention(req.ctx(), org(req), req.body.days),
  );
}

export function auditStreamRoutes(d: { auditStream: AuditStreamService; access: AuditStreamAccess }): AudienceRoutes {
  const svc = d.auditStream;
  return {
    operator(app: App): void {
      streamRoutes(app, svc, 'platform', '/api/v1', (req) => {
        d.access.operator(req, 'platform.audit.stream');
        return { type: 'platform' };
      });
    },
    tenant(app: App): void {
      streamRoutes(app, svc, 'tenant', '/api/v1/tenants/:tenant_id', (req) => {
        const id = (req.params as { tenant_id: string }).tenant_id;
        d.access.tenant(req, id, 'tenant.audit.stream');
        return { type: 'tenant', id };
      });
    },
    partner(app: App): void {
      streamRoutes(app, svc, 'partner', '/api/v1/partners/:partner_id', (req) => {
        const id = (req.params as { partner_id: string }).partner_id;
        d.access.partner(req, id, 'partner.audit.stream');
        return { type: 'partner', id };
      });
    },
  };
}
