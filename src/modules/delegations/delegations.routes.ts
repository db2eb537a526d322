/**
 * Delegation routes, by side:
 *  - partner:  /api/v1/partners/:partner_id/delegations…  (request a link, renew, relinquish, list)
 *              /api/v1/partner/customers[/:tenant_id], /api/v1/partner/context  (MSP views, the caller's own partner:
 *              partner-customers.routes.ts)
 *  - tenant:   /api/v1/tenants/:tenant_id/delegations…     (approve, reject, revoke, edit, renewals, confirm, break-glass)
 *              /api/v1/tenants/:tenant_id/invite-code
 *  - operator: /api/v1/delegations…                         (all, filterable; revoke any; break-glass)
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { AuthzService } from '../authz/index.ts';
import type { DelegationsService } from './delegations.service.ts';
import { toDelegationDto } from './delegations.service.ts';
import { relationshipRoutes } from './relationship.routes.ts';
import { registerCustomerRoutes, registerPartnerContextRoute, statuses, type DelegationDtoOf } from './partner-customers.routes.ts';
import * as S from './delegations.schemas.ts';
import { pageOf } from '../../platform/http/pagination.ts';

export interface DelegationRouteDeps {
  delegations: DelegationsService;
  authz: AuthzService;
  access: Access;
}

const TAGS = ['delegations'];

interface DelegationKit {
  dto: DelegationDtoOf;
}

export function delegationRoutes(d: DelegationRouteDeps): AudienceRoutes {
  const kit: DelegationKit = {
    /** The wire shape, with whether the approver still counts (read from the decision snapshot, not the database). */
    dto: (v) => ({ ...toDelegationDto(v), approver_active: d.authz.approverActive(v.id) }),
  };
  const relationship = relationshipRoutes(d);

  return {
    partner(app: App): void {
      relationship.partner!(app);
      registerLinkRequestRoutes(app, d, kit);
      registerPartnerLinkChangeRoutes(app, d, kit);
    },
    partnerSelf(app: App): void {
      registerCustomerRoutes(app, d, kit.dto);
      registerPartnerContextRoute(app, d);
    },
    tenant(app: App): void {
      relationship.tenant!(app);
      registerTenantReviewRoutes(app, d, kit);
      registerTenantLinkChangeRoutes(app, d, kit);
      registerRenewalRoutes(app, d, kit);
      registerInviteCodeRoutes(app, d);
    },
    operator(app: App): void {
      registerOperatorDelegationRoutes(app, d, kit);
    },
  };
}

/** A partner's links: request one, list, read. */
function registerLinkRequestRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.post(
    '/api/v1/partners/:partner_id/delegations',
    {
      schema: {
        tags: TAGS,
        summary: 'Request a link to a tenant (partner owner; needs the managed_services capability). Active once a tenant admin approves it.',
        description:
          'Name the tenant by `tenant_slug` or by the `invite_code` its admin gave you. `ends_at` is required and at most DELEGATION_MAX_DAYS (default 730) days away. ' +
          'A malformed or unknown permission in `overrides` is 400 invalid_permission.',
        params: S.PartnerParams,
        body: S.RequestLinkBody,
        response: { 201: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.delegations.manage');
      return reply.code(201).send(dto(await delegations.requestLink(req.ctx(), req.params.partner_id, req.body)));
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/delegations',
    {
      schema: {
        tags: TAGS,
        summary: "The partner's delegations (all origins), newest first",
        params: S.PartnerParams,
        querystring: S.PartnerListQuery,
        response: { 200: S.DelegationPage, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
      const limit = req.query.limit ?? 50;
      const rows = await delegations.list({ partnerId: req.params.partner_id, tenantId: req.query.tenant_id, status: statuses(req.query.status), origin: req.query.origin, cursor: req.query.cursor, limit });
      return pageOf(rows, limit, dto);
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/delegations/:delegation_id',
    { schema: { tags: TAGS, summary: 'One delegation of the partner', params: S.PartnerDelegationParams, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
      return dto(await delegations.get(req.params.delegation_id, { partnerId: req.params.partner_id }));
    },
  );
}

/** A partner's link: ask to renew it, or relinquish it. */
function registerPartnerLinkChangeRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.post(
    '/api/v1/partners/:partner_id/delegations/:delegation_id/renew',
    {
      schema: {
        tags: TAGS,
        summary: 'Ask the tenant to extend an active delegation to a new end date',
        params: S.PartnerDelegationParams,
        body: S.RenewBody,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.delegations.manage');
      await delegations.requestRenewal(req.ctx(), req.params.partner_id, req.params.delegation_id, req.body.ends_at);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/delegations/:delegation_id/relinquish',
    {
      schema: {
        tags: TAGS,
        summary: 'Give up a delegation (or withdraw a pending request); takes effect on the next request',
        params: S.PartnerDelegationParams,
        body: S.ReasonBody,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      // Relinquishing only reduces access: allowed to a suspended partner too.
      access.partner(req, req.params.partner_id, 'partner.delegations.manage', { allowInactivePartner: true });
      return dto(await delegations.revokeAndShow(req.ctx(), req.params.delegation_id, { side: 'partner', partnerId: req.params.partner_id, reason: req.body.reason }));
    },
  );
}

/** A tenant's links: list, read, approve or reject a request. */
function registerTenantReviewRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.get(
    '/api/v1/tenants/:tenant_id/delegations',
    {
      schema: {
        tags: TAGS,
        summary: 'Partners with access: the delegations of the tenant (pending, active and history), newest first',
        params: S.TenantParams,
        querystring: S.TenantListQuery,
        response: { 200: S.DelegationPage, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
      const limit = req.query.limit ?? 50;
      const rows = await delegations.list({ tenantId: req.params.tenant_id, partnerId: req.query.partner_id, status: statuses(req.query.status), origin: req.query.origin, cursor: req.query.cursor, limit });
      return pageOf(rows, limit, dto);
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id',
    { schema: { tags: TAGS, summary: 'One delegation of the tenant', params: S.TenantDelegationParams, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
      return dto(await delegations.get(req.params.delegation_id, { tenantId: req.params.tenant_id }));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/approve',
    {
      schema: {
        tags: TAGS,
        summary: 'Approve a requested link (tenant admin); optionally narrow the billing accounts and set overrides as you approve',
        params: S.TenantDelegationParams,
        body: S.ApproveBody,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.approve(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/reject',
    {
      schema: { tags: TAGS, summary: 'Reject a requested link (tenant admin)', params: S.TenantDelegationParams, body: S.OptionalReasonBody, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) } },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.reject(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body.reason ?? null);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );
}

/** A tenant's link: revoke it or edit what it grants. */
function registerTenantLinkChangeRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/revoke',
    {
      schema: {
        tags: TAGS,
        summary: 'Revoke a delegation of any origin (tenant admin); the partner is refused from the next request on',
        params: S.TenantDelegationParams,
        body: S.ReasonBody,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      return dto(await delegations.revokeAndShow(req.ctx(), req.params.delegation_id, { side: 'tenant', tenantId: req.params.tenant_id, reason: req.body.reason }));
    },
  );

  app.patch(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change what a delegation allows (tenant admin): permission overrides and covered billing accounts',
        params: S.TenantDelegationParams,
        body: S.UpdateAccessBody,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.updateAccess(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/purposes/:purpose_id/revoke',
    {
      schema: {
        tags: TAGS,
        summary: "Revoke one purpose of a partner's access (tenant admin); its other purposes stay",
        description: 'Routes that require the purpose refuse the partner (purpose_revoked) on every instance from its next request; tokens issued from now on no longer carry it. Audited as delegation.purpose_revoked.',
        params: S.TenantDelegationPurposeParams,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.revokePurpose(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.params.purpose_id);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );
}

/** Renewals, confirming a link, and break-glass access. */
function registerRenewalRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/renewal/approve',
    { schema: { tags: TAGS, summary: "Accept the partner's requested end date (tenant admin)", params: S.TenantDelegationParams, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.approveRenewal(req.ctx(), req.params.tenant_id, req.params.delegation_id);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/renewal/reject',
    { schema: { tags: TAGS, summary: 'Decline a renewal request (tenant admin); the current end date stays', params: S.TenantDelegationParams, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.rejectRenewal(req.ctx(), req.params.tenant_id, req.params.delegation_id);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/:delegation_id/confirm',
    {
      schema: {
        tags: TAGS,
        summary: 'Confirm an active link or consent again (tenant admin): you become its approver',
        description:
          'A link or consent is effective only while the tenant admin who approved it stays an active TENANT_ADMIN of the tenant; when that admin leaves, is demoted or deactivated, ' +
          'the partner is refused with 403 delegation_approver_inactive (`approver_active: false`) until a current admin confirms it here. Audited as delegation.reconfirmed.',
        params: S.TenantDelegationParams,
        response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.reconfirm(req.ctx(), req.params.tenant_id, req.params.delegation_id);
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/delegations/break-glass',
    {
      schema: {
        tags: TAGS,
        summary: "Break-glass: revoke every open delegation of one partner on this tenant, in one action (tenant admin)",
        params: S.TenantParams,
        body: S.TenantBreakGlassBody,
        response: { 200: S.BreakGlassResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      return delegations.breakGlass(req.ctx(), { partnerId: req.body.partner_id, tenantId: req.params.tenant_id, reason: req.body.reason, side: 'tenant' });
    },
  );
}

/** A tenant's invite code: read, issue, withdraw. */
function registerInviteCodeRoutes(app: App, { delegations, access }: DelegationRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id/invite-code',
    { schema: { tags: TAGS, summary: 'The code partners can use to request a link to this tenant (tenant admin)', params: S.TenantParams, response: { 200: S.InviteCodeDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      return { invite_code: await delegations.getInviteCode(req.params.tenant_id) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/invite-code',
    { schema: { tags: TAGS, summary: 'Generate or rotate the invite code; the previous one stops working at once (tenant admin)', params: S.TenantParams, response: { 200: S.InviteCodeDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      if (!(await delegations.tenant(req.params.tenant_id))) throw access.notFound('tenant');
      return { invite_code: await delegations.rotateInviteCode(req.ctx(), req.params.tenant_id) };
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant_id/invite-code',
    { schema: { tags: TAGS, summary: 'Stop accepting link requests by invite code (tenant admin)', params: S.TenantParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } } },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await delegations.clearInviteCode(req.ctx(), req.params.tenant_id);
      return reply.code(204).send(null);
    },
  );
}

/** Every delegation, for the operator: list, read, revoke any, break-glass. */
function registerOperatorDelegationRoutes(app: App, { delegations, access }: DelegationRouteDeps, { dto }: DelegationKit): void {
  app.get(
    '/api/v1/delegations',
    {
      config: { operator: 'platform.delegations.manage' },
      schema: {
        tags: TAGS,
        summary: 'Every delegation, filterable by partner, tenant, status and origin (operator)',
        querystring: S.OperatorListQuery,
        response: { 200: S.DelegationPage, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      const limit = req.query.limit ?? 50;
      const rows = await delegations.list({ partnerId: req.query.partner_id, tenantId: req.query.tenant_id, status: statuses(req.query.status), origin: req.query.origin, cursor: req.query.cursor, limit });
      return pageOf(rows, limit, dto);
    },
  );

  app.get(
    '/api/v1/delegations/:delegation_id',
    { config: { operator: 'platform.delegations.manage' }, schema: { tags: TAGS, summary: 'One delegation (operator)', params: S.DelegationParams, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return dto(await delegations.get(req.params.delegation_id));
    },
  );

  app.post(
    '/api/v1/delegations/:delegation_id/revoke',
    {
      config: { operator: 'platform.delegations.manage' },
      schema: { tags: TAGS, summary: 'Revoke any delegation (operator)', params: S.DelegationParams, body: S.ReasonBody, response: { 200: S.DelegationDto, ...problems(400, 401, 403, 404, 409) } },
    },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return dto(await delegations.revokeAndShow(req.ctx(), req.params.delegation_id, { side: 'operator', reason: req.body.reason }));
    },
  );

  app.post(
    '/api/v1/delegations/break-glass',
    {
      config: { operator: 'platform.delegations.manage' },
      schema: {
        tags: TAGS,
        summary: "Break-glass: revoke every open delegation of one partner — on one tenant, or everywhere when tenant_id is omitted (operator)",
        body: S.OperatorBreakGlassBody,
        response: { 200: S.BreakGlassResult, ...problems(400, 401, 403) },
      },
    },
    async (req) => {
      access.operator(req, 'platform.delegations.manage');
      return delegations.breakGlass(req.ctx(), { partnerId: req.body.partner_id, tenantId: req.body.tenant_id, reason: req.body.reason, side: 'operator' });
    },
  );
}
