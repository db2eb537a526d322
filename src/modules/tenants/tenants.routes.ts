/** /api/v1/tenants: tenants, members, billing accounts. */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems, page } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { InvitationLinkDto, PendingInvitationDto, toPendingInvitationDto } from '../identity/index.ts';
import type { TenantsService } from './tenants.service.ts';
import { toBillingAccountDto, toTenantDto } from './tenants.service.ts';
import { tenantErrors as E } from './tenants.errors.ts';
import * as S from './tenants.schemas.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { problemDetails as PD } from './tenants.problem-details.ts';

interface TenantRouteDeps {
  tenants: TenantsService;
  access: Access;
}

export function tenantRoutes(d: TenantRouteDeps): AudienceRoutes {
  const { tenants, access } = d;

  return {
    me(app: App): void {
      app.get(
        '/api/v1/tenants',
        { schema: { tags: ['tenants'], summary: 'Tenants: all for the operator, your own for members', querystring: S.ListTenantsQuery, response: { 200: page(S.TenantDto), ...problems(400, 401, 403) } } },
        async (req) => {
          const p = access.user(req);
          const limit = req.query.limit ?? 50;
          const ids = access.isOperator(p) ? undefined : p.tenants.map((t) => t.tenantId);
          const rows = await tenants.listTenants({ ids, q: req.query.q, status: req.query.status, cursor: req.query.cursor, limit });
          return pageOf(rows, limit, toTenantDto);
        },
      );
    },
    operator(app: App): void {
      app.post(
        '/api/v1/tenants',
        {
          config: { operator: 'platform.tenants.manage' },
          schema: {
            tags: ['tenants'],
            summary: 'Create a tenant, optionally inviting its first admin, who joins on accepting (operator)',
            body: S.CreateTenantBody,
            response: { 201: Type.Object({ tenant: S.TenantDto, invitation: S.Invitation }), ...problems(400, 401, 403, 409) },
          },
        },
        async (req, reply) => {
          access.operator(req, 'platform.tenants.manage');
          const r = await tenants.createTenant(req.ctx(), req.body);
          return reply.code(201).send({ tenant: toTenantDto(r.tenant), invitation: r.invitation });
        },
      );
    },
    tenant(app: App): void {
      registerTenantProfileRoutes(app, d);
      registerTenantMemberRoutes(app, d);
      registerTenantMembershipRoutes(app, d);
      registerBillingAccountRoutes(app, d);
    },
  };
}

/** A tenant: read it, rename it or change its status. */
function registerTenantProfileRoutes(app: App, { tenants, access }: TenantRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id',
    { schema: { tags: ['tenants'], summary: 'One tenant (its members and the operator; 404 for anyone else)', params: S.TenantParams, response: { 200: S.TenantDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenantMember(req, req.params.tenant_id);
      return toTenantDto(await tenants.requireTenant(req.params.tenant_id));
    },
  );

  app.patch(
    '/api/v1/tenants/:tenant_id',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Change a tenant: name and tier (tenant admin), status (operator)',
        params: S.TenantParams,
        body: S.UpdateTenantBody,
        response: { 200: S.TenantDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const a = access.tenant(req, req.params.tenant_id, 'tenant.update');
      if ((req.body.status !== undefined || req.body.tier !== undefined) && !access.isOperator(a.principal)) {
        throw E.tenant_status_forbidden(PD.onlyPlatformOperatorChanges);
      }
      await tenants.requireTenant(req.params.tenant_id);
      return toTenantDto(await tenants.updateTenant(req.ctx(), req.params.tenant_id, req.body));
    },
  );
}

/** A tenant's members and the invitations to join it. */
function registerTenantMemberRoutes(app: App, { tenants, access }: TenantRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id/members',
    { schema: { tags: ['tenants'], summary: 'Tenant members', params: S.TenantParams, response: { 200: Type.Object({ data: Type.Array(S.MemberDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.read');
      return { data: await tenants.listMembers(req.params.tenant_id) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/members',
    {
      schema: {
        tags: ['tenants'],
        summary:
          'Invite a member (tenant admin): a pending invitation with a one-time link, returned once. The person joins when they accept it — ' +
          'with a new account through the link, or logged in to an existing one. The answer is the same whether or not the email has an account.',
        params: S.TenantParams,
        body: S.AddMemberBody,
        response: { 201: Type.Object({ invitation: InvitationLinkDto }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.manage');
      await tenants.requireTenant(req.params.tenant_id);
      return reply.code(201).send({ invitation: await tenants.inviteMember(req.ctx(), req.params.tenant_id, req.body) });
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/invitations',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Invitations waiting for an answer (tenant admin)',
        params: S.TenantParams,
        response: { 200: Type.Object({ data: Type.Array(PendingInvitationDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.read');
      return { data: (await tenants.listInvitations(req.params.tenant_id)).map(toPendingInvitationDto) };
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant_id/invitations/:invitation_id',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Withdraw a pending invitation: its link stops working (tenant admin)',
        params: S.TenantInvitationParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.manage');
      await tenants.revokeInvitation(req.ctx(), req.params.tenant_id, req.params.invitation_id);
      return reply.code(204).send(null);
    },
  );
}

/** One member of a tenant: change their role or status, remove them. */
function registerTenantMembershipRoutes(app: App, { tenants, access }: TenantRouteDeps): void {
  app.patch(
    '/api/v1/tenants/:tenant_id/members/:user_id',
    {
      schema: {
        tags: ['tenants'],
        summary: "Change a member's role (tenant admin)",
        params: S.TenantMemberParams,
        body: S.ChangeRoleBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.manage');
      await tenants.changeMemberRole(req.ctx(), req.params.tenant_id, req.params.user_id, req.body.role);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/tenants/:tenant_id/members/:user_id',
    { schema: { tags: ['tenants'], summary: 'Remove a member (tenant admin)', params: S.TenantMemberParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.members.manage');
      await tenants.removeMember(req.ctx(), req.params.tenant_id, req.params.user_id);
      return reply.code(204).send(null);
    },
  );
}

/** A tenant's billing accounts. */
function registerBillingAccountRoutes(app: App, { tenants, access }: TenantRouteDeps): void {
  app.get(
    '/api/v1/tenants/:tenant_id/billing-accounts',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Billing accounts (BANs) of a tenant',
        params: S.TenantParams,
        response: { 200: Type.Object({ data: Type.Array(S.BillingAccountDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.billing_accounts.read');
      return { data: (await tenants.listBillingAccounts(req.params.tenant_id)).map(toBillingAccountDto) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/billing-accounts',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Open a billing account (tenant admin or operator)',
        params: S.TenantParams,
        body: S.CreateBillingAccountBody,
        response: { 201: S.BillingAccountDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, 'tenant.billing_accounts.manage');
      await tenants.requireTenant(req.params.tenant_id);
      return reply.code(201).send(toBillingAccountDto(await tenants.createBillingAccount(req.ctx(), req.params.tenant_id, req.body)));
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/billing-accounts/:ban_id',
    { schema: { tags: ['tenants'], summary: 'One billing account', params: S.BillingAccountParams, response: { 200: S.BillingAccountDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.billing_accounts.read');
      return toBillingAccountDto(await tenants.requireBillingAccount(req.params.tenant_id, req.params.ban_id));
    },
  );

  app.patch(
    '/api/v1/tenants/:tenant_id/billing-accounts/:ban_id',
    {
      schema: {
        tags: ['tenants'],
        summary: 'Rename, close or reopen a billing account',
        params: S.BillingAccountParams,
        body: S.UpdateBillingAccountBody,
        response: { 200: S.BillingAccountDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, 'tenant.billing_accounts.manage');
      return toBillingAccountDto(await tenants.updateBillingAccount(req.ctx(), req.params.tenant_id, req.params.ban_id, req.body));
    },
  );
}
