/**
 * Reading the audit log: the operator sees all, a tenant admin the events about its tenant,
 * a partner owner its partner's (events about it or done by its people and apps).
 */
import type { FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Id, Strict, problems } from '../../platform/http/schemas.ts';
import type { AuditLog, AuditFilter, AuditView } from './audit.service.ts';
import { toAuditEventDto } from './audit.service.ts';
import * as S from './audit.schemas.ts';

/** The access checks audit routes need (structurally satisfied by identity's Access). */
export interface AuditAccess {
  operator(req: FastifyRequest, permission: string): unknown;
  tenant(req: FastifyRequest, tenantId: string, permission: string): unknown;
  partner(req: FastifyRequest, partnerId: string, permission: string): unknown;
}

type Q = {
  action?: string;
  actor_user_id?: string;
  target_id?: string;
  agency_id?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
};

function filterFrom(q: Q): AuditFilter {
  return {
    action: q.action,
    actorUserId: q.actor_user_id,
    targetId: q.target_id,
    agencyId: q.agency_id,
    outcome: q.outcome,
    since: q.since,
    until: q.until,
    limit: q.limit ?? 50,
    cursor: q.cursor ? Number(q.cursor) : undefined,
  };
}

/** The audit log's routes, one group per audience router: the operator's whole log, a tenant's, a partner's. */
export function auditRoutes(d: { audit: AuditLog; access: AuditAccess }): AudienceRoutes {
  const out = async (f: AuditFilter, view: AuditView) => {
    const r = await d.audit.list(f);
    const targets = await d.audit.targetNames(r.data, view);
    if (view.kind !== 'partner') return { data: r.data.map((e) => toAuditEventDto(e, targets)), next_cursor: r.nextCursor };
    const orgs = await d.audit.actorOrgs(r.data, view.partnerId, targets);
    // a person outside the partner (the customer's, the operator) is their organization to the
    // partner (actor_org), never the person: no user id, address or browser
    const outsider = (e: (typeof r.data)[number]) => e.actor_user_id !== null && e.actor_partner_id !== view.partnerId;
    const seen = (e: (typeof r.data)[number]) => {
      const dto = toAuditEventDto(e, targets);
      return outsider(e) ? { ...dto, actor: { ...dto.actor, user_id: null }, ip: null, user_agent: null } : dto;
    };
    return { data: r.data.map((e) => ({ ...seen(e), actor_org: orgs.get(e.id) ?? null })), next_cursor: r.nextCursor };
  };

  const operator = (app: App): void => {
    app.get(
      '/api/v1/audit-events',
      {
        config: { operator: 'platform.audit.read' }, schema: { tags: ['audit'], summary: 'The whole audit log, newest first (operator)', querystring: S.AuditQuery, response: { 200: S.AuditPage, ...problems(400, 401, 403) } } },
      async (req) => {
        d.access.operator(req, 'platform.audit.read');
        return out({ ...filterFrom(req.query), tenantId: req.query.tenant_id, partnerId: req.query.partner_id }, { kind: 'operator' });
      },
    );
  };

  const tenant = (app: App): void => {
    app.get(
      '/api/v1/tenants/:tenant_id/audit-events',
      {
        schema: {
          tags: ['audit'],
          summary: "Events about one tenant, including every partner access to its data (tenant admin)",
          params: Strict({ tenant_id: Id('tnt') }),
          description: 'Each event names the acting person (actor_name, actor_email) and the partner (partner_name); filter by partner with partner_id.',
          querystring: S.TenantAuditQuery,
          response: { 200: S.AuditPage, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => {
        d.access.tenant(req, req.params.tenant_id, 'tenant.audit.read');
        const r = await d.audit.list({ ...filterFrom(req.query), tenantId: req.params.tenant_id, partnerScope: req.query.partner_id });
        const [names, targets] = await Promise.all([d.audit.names(r.data), d.audit.targetNames(r.data, { kind: 'tenant', tenantId: req.params.tenant_id })]);
        return {
          data: r.data.map((e) => {
            const u = e.actor_user_id ? names.users.get(e.actor_user_id) : undefined;
            const pid = e.partner_id ?? e.actor_partner_id;
            return { ...toAuditEventDto(e, targets), actor_name: u?.name ?? null, actor_email: u?.email ?? null, partner_name: pid ? (names.partners.get(pid) ?? null) : null };
          }),
          next_cursor: r.nextCursor,
        };
      },
    );
  };

  const partner = (app: App): void => {
    app.get(
      '/api/v1/partners/:partner_id/audit-events',
      {
        schema: {
          tags: ['audit'],
          summary: "Events about one partner or done by its members and apps (partner owner)",
          params: Strict({ partner_id: Id('ptr') }),
          querystring: S.ScopedAuditQuery,
          response: { 200: S.AuditPage, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => {
        d.access.partner(req, req.params.partner_id, 'partner.audit.read');
        return out({ ...filterFrom(req.query), partnerScope: req.params.partner_id }, { kind: 'partner', partnerId: req.params.partner_id });
      },
    );
  };

  return { operator, tenant, partner };
}
