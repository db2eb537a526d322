/** Access requests: a partner asks and withdraws; a tenant's admins approve or reject; the tenant's approval policy. */
import type { App } from '../../platform/http/app-types.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { AccessRequestsService, AccessRequestView } from './accessrequests.service.ts';
import * as S from './accessrequests.schemas.ts';

const TAGS = ['access requests'];

export interface AccessRequestRouteDeps {
  accessRequests: AccessRequestsService;
  access: Access;
}

/** Rows were read with limit + 1: the extra one says there is a next page. */
function requestPage(rows: AccessRequestView[], limit: number) {
  return pageOf(rows, limit, (r) => r);
}

export function registerRequestRoutes({ accessRequests: s, access }: AccessRequestRouteDeps) {
  return {
    partner(app: App): void {
      app.post(
        '/api/v1/partners/:partner_id/access-requests',
        {
          schema: {
            tags: TAGS,
            summary: 'Ask a tenant for access with a template (partner owner; needs managed_services)',
            description:
              'Name the tenant by `tenant_slug` or by the `invite_code` its admin gave you, the billing accounts (or none for all) and the days (at most the template’s max_days). ' +
              'The tenant’s admins answer it as a whole under their approval policy; approval creates the delegation.',
            params: S.PartnerParams,
            body: S.RequestBody,
            response: { 201: S.RequestDto, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req, reply) => {
          access.partner(req, req.params.partner_id, 'partner.delegations.manage');
          const row = await s.requests.request(req.ctx(), req.params.partner_id, req.body);
          return reply.code(201).send(await s.get('partner', row.id, { partnerId: req.params.partner_id }));
        },
      );
      app.get(
        '/api/v1/partners/:partner_id/access-requests',
        { schema: { tags: TAGS, summary: "The partner's access requests, newest first", params: S.PartnerParams, querystring: S.RequestListQuery, response: { 200: S.RequestPage, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
          const limit = req.query.limit ?? 50;
          const rows = await s.list('partner', { partnerId: req.params.partner_id, status: req.query.status ? [req.query.status] : undefined, limit: limit + 1, before: req.query.cursor });
          return requestPage(rows, limit);
        },
      );
      app.post(
        '/api/v1/partners/:partner_id/access-requests/:request_id/withdraw',
        { schema: { tags: TAGS, summary: 'Take back a request that still waits', params: S.PartnerRequestParams, response: { 200: S.RequestDto, ...problems(400, 401, 403, 404, 409) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.delegations.manage', { allowInactivePartner: true });
          await s.requests.withdraw(req.ctx(), req.params.partner_id, req.params.request_id);
          return s.get('partner', req.params.request_id, { partnerId: req.params.partner_id });
        },
      );
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/access-requests',
        { schema: { tags: TAGS, summary: 'Access requests from partners to this tenant, newest first', params: S.TenantParams, querystring: S.RequestListQuery, response: { 200: S.RequestPage, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          const limit = req.query.limit ?? 50;
          const rows = await s.list('tenant', { tenantId: req.params.tenant_id, status: req.query.status ? [req.query.status] : undefined, limit: limit + 1, before: req.query.cursor });
          return requestPage(rows, limit);
        },
      );
      app.post(
        '/api/v1/tenants/:tenant_id/access-requests/:request_id/approve',
        {
          schema: {
            tags: TAGS,
            summary: 'Approve an access request (tenant admin, never the requester); the last approval the policy needs creates the delegation',
            params: S.TenantRequestParams,
            response: { 200: S.RequestDto, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          await s.requests.approve(req.ctx(), req.params.tenant_id, req.params.request_id);
          return s.get('tenant', req.params.request_id, { tenantId: req.params.tenant_id });
        },
      );
      app.post(
        '/api/v1/tenants/:tenant_id/access-requests/:request_id/reject',
        { schema: { tags: TAGS, summary: 'Reject an access request as a whole (tenant admin)', params: S.TenantRequestParams, body: S.RejectBody, response: { 200: S.RequestDto, ...problems(400, 401, 403, 404, 409) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          await s.requests.reject(req.ctx(), req.params.tenant_id, req.params.request_id, req.body.reason ?? null);
          return s.get('tenant', req.params.request_id, { tenantId: req.params.tenant_id });
        },
      );
      const policy = '/api/v1/tenants/:tenant_id/approval-policy';
      app.get(policy, { schema: { tags: TAGS, summary: "Who approves partners' access requests, and how long they wait", params: S.TenantParams, response: { 200: S.PolicyDto, ...problems(401, 403, 404) } } }, async (req) => {
        access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
        return s.policies.get(req.params.tenant_id);
      });
      app.put(policy, { schema: { tags: TAGS, summary: 'Set the approval policy (tenant admin); applies to requests made from now on', params: S.TenantParams, body: S.PolicyBody, response: { 200: S.PolicyDto, ...problems(400, 401, 403, 404) } } }, async (req) => {
        access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
        return s.policies.set(req.ctx(), req.params.tenant_id, req.body);
      });
    },
  };
}
