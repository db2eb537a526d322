/**
 * Access templates, access requests and approval policies, by audience:
 *  - operator: /api/v1/access-templates…                         (the platform's templates)
 *  - partner:  /api/v1/partners/:partner_id/access-templates…     (the templates it may use; its own)
 *              /api/v1/partners/:partner_id/access-requests…      (ask a tenant, list, withdraw)
 *  - tenant:   /api/v1/tenants/:tenant_id/access-requests…        (list, approve, reject)
 *              /api/v1/tenants/:tenant_id/approval-policy          (who approves what)
 * The partner and the tenant come from the URL the caller is verified against (access.*), never
 * from the body.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import type { AccessRequestsService } from './accessrequests.service.ts';
import type { TemplateRow } from './accessrequests.service.ts';
import * as S from './accessrequests.schemas.ts';
import { registerRequestRoutes, type AccessRequestRouteDeps } from './request.routes.ts';

const TAGS = ['access requests'];

export function accessRequestRoutes(d: AccessRequestRouteDeps): AudienceRoutes {
  const requests = registerRequestRoutes(d);
  return {
    operator(app: App) {
      registerOperatorTemplateRoutes(app, d);
    },
    partner(app: App) {
      registerPartnerTemplateRoutes(app, d);
      requests.partner(app);
    },
    tenant(app: App) {
      requests.tenant(app);
    },
  };
}

export function templateDto(s: AccessRequestsService, t: TemplateRow) {
  const grants = JSON.parse(t.grants) as string[];
  return {
    id: t.id,
    owner: t.partner_id === null ? 'platform' : 'partner',
    partner_id: t.partner_id,
    name: t.name,
    description: t.description,
    role: t.role,
    role_name: s.templates.roleName(t.role),
    grants,
    permissions: s.templates.permissionsOf(t.role, grants),
    max_days: t.max_days,
    default_days: t.default_days,
    status: t.status,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}

function registerOperatorTemplateRoutes(app: App, { accessRequests: s, access }: AccessRequestRouteDeps): void {
  const config = { operator: 'platform.delegations.manage' };
  const owner = { type: 'platform' as const };
  app.get(
    '/api/v1/access-templates',
    { config, schema: { tags: TAGS, summary: "The platform's access templates, offered to every partner (operator)", querystring: S.TemplateStatusQuery, response: { 200: S.TemplateList, ...problems(400, 401, 403) } } },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return { data: (await s.templates.list(owner, req.query.status)).map((t) => templateDto(s, t)) };
    },
  );
  app.post(
    '/api/v1/access-templates',
    { config, schema: { tags: TAGS, summary: 'Define an access template every partner may ask tenants with (operator)', body: S.TemplateBody, response: { 201: S.TemplateDto, ...problems(400, 401, 403) } } },
    async (req, reply) => {
      access.operator(req, 'platform.delegations.manage');
      return reply.code(201).send(templateDto(s, await s.templates.create(req.ctx(), owner, req.body)));
    },
  );
  app.get(
    '/api/v1/access-templates/:template_id',
    { config, schema: { tags: TAGS, summary: 'One platform access template (operator)', params: S.TemplateParams, response: { 200: S.TemplateDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return templateDto(s, await s.templates.get(owner, req.params.template_id));
    },
  );
  app.patch(
    '/api/v1/access-templates/:template_id',
    { config, schema: { tags: TAGS, summary: 'Change or archive a platform access template; requests already made keep what they asked for (operator)', params: S.TemplateParams, body: S.TemplatePatch, response: { 200: S.TemplateDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return templateDto(s, await s.templates.update(req.ctx(), owner, req.params.template_id, req.body));
    },
  );
}

function registerPartnerTemplateRoutes(app: App, { accessRequests: s, access }: AccessRequestRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/access-templates',
    {
      schema: {
        tags: TAGS,
        summary: "The templates the partner may ask with (the platform's and its own, active), or with ?status its own only",
        params: S.PartnerParams,
        querystring: S.TemplateStatusQuery,
        response: { 200: S.TemplateList, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.customers.read');
      const owner = { type: 'partner' as const, partnerId: req.params.partner_id };
      const rows = req.query.status ? await s.templates.list(owner, req.query.status) : await s.templates.usable(req.params.partner_id);
      return { data: rows.map((t) => templateDto(s, t)) };
    },
  );
  app.post(
    '/api/v1/partners/:partner_id/access-templates',
    { schema: { tags: TAGS, summary: "Define one of the partner's own access templates (partner owner)", params: S.PartnerParams, body: S.TemplateBody, response: { 201: S.TemplateDto, ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.delegations.manage');
      return reply.code(201).send(templateDto(s, await s.templates.create(req.ctx(), { type: 'partner', partnerId: req.params.partner_id }, req.body)));
    },
  );
  app.patch(
    '/api/v1/partners/:partner_id/access-templates/:template_id',
    { schema: { tags: TAGS, summary: "Change or archive one of the partner's own templates (partner owner)", params: S.PartnerTemplateParams, body: S.TemplatePatch, response: { 200: S.TemplateDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.delegations.manage');
      return templateDto(s, await s.templates.update(req.ctx(), { type: 'partner', partnerId: req.params.partner_id }, req.params.template_id, req.body));
    },
  );
}
