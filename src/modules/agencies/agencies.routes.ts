/**
 * Admin API for a tenant's agencies and their embedded-form tokens (tenant admins with
 * tenant.agencies.manage, and the operator). The plaintext token appears in exactly two
 * responses: creation and rotation.
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { AgenciesService } from './agencies.service.ts';
import { toAgencyDto, toAgencyTokenDto } from './agencies.service.ts';
import * as S from './agencies.schemas.ts';

const PERMISSION = 'tenant.agencies.manage';

interface AgencyRouteDeps {
  agencies: AgenciesService;
  tenants: TenantsService;
  access: Access;
}

export function agencyRoutes(d: AgencyRouteDeps): AudienceRoutes {
  return {
    tenant(app: App): void {
      registerAgencyRoutes(app, d);
      registerAgencyTokenRoutes(app, d);
    },
  };
}

/** An agency: list, create, read, rename or deactivate. */
function registerAgencyRoutes(app: App, { agencies, tenants, access }: AgencyRouteDeps): void {
  const tags = ['agencies'];
  app.get(
    '/api/v1/tenants/:tenant_id/agencies',
    { schema: { tags, summary: "The tenant's agencies, with token counts and last use", params: S.TenantParams, response: { 200: Type.Object({ data: Type.Array(S.AgencyDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return { data: (await agencies.listAgencies(req.params.tenant_id)).map((x) => toAgencyDto(x.agency, x.tokens)) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/agencies',
    { schema: { tags, summary: 'Create an agency (no user accounts: it acts through form tokens)', params: S.TenantParams, body: S.CreateAgencyBody, response: { 201: S.AgencyDto, ...problems(400, 401, 403, 404, 409) } } },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      await tenants.requireTenant(req.params.tenant_id);
      return reply.code(201).send(toAgencyDto(await agencies.createAgency(req.ctx(), req.params.tenant_id, req.body)));
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id',
    { schema: { tags, summary: 'One agency', params: S.AgencyParams, response: { 200: S.AgencyDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return toAgencyDto(await agencies.requireAgency(req.params.tenant_id, req.params.agency_id));
    },
  );

  app.patch(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id',
    {
      schema: {
        tags,
        summary: 'Rename, deactivate or reactivate an agency (deactivation refuses all its tokens from the next request)',
        params: S.AgencyParams,
        body: S.UpdateAgencyBody,
        response: { 200: S.AgencyDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return toAgencyDto(await agencies.updateAgency(req.ctx(), req.params.tenant_id, req.params.agency_id, req.body));
    },
  );
}

/** An agency's form tokens: list, generate, read, change, rotate, revoke. */
function registerAgencyTokenRoutes(app: App, { agencies, access }: AgencyRouteDeps): void {
  const tags = ['agencies'];
    app.get(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens',
    { schema: { tags, summary: "An agency's form tokens (never the secrets)", params: S.AgencyParams, response: { 200: Type.Object({ data: Type.Array(S.AgencyTokenDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      await agencies.requireAgency(req.params.tenant_id, req.params.agency_id);
      return { data: (await agencies.listTokens(req.params.tenant_id, req.params.agency_id)).map(toAgencyTokenDto) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens',
    {
      schema: {
        tags,
        summary: 'Generate a form token. The response holds the secret `token` this once; only its hash is kept.',
        params: S.AgencyParams,
        body: S.CreateTokenBody,
        response: { 201: S.AgencyTokenWithSecret, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      const r = await agencies.createToken(req.ctx(), req.params.tenant_id, req.params.agency_id, { label: req.body.label ?? 'Embedded form', form_config: req.body.form_config });
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...toAgencyTokenDto(r.row), token: r.token });
    },
  );

  app.get(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens/:token_id',
    { schema: { tags, summary: 'One form token (never the secret)', params: S.TokenParams, response: { 200: S.AgencyTokenDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return toAgencyTokenDto(await agencies.requireToken(req.params.tenant_id, req.params.agency_id, req.params.token_id));
    },
  );

  app.patch(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens/:token_id',
    {
      schema: {
        tags,
        summary: "Change a form token's label or form configuration (allowed voucher types, intro text, rules)",
        params: S.TokenParams,
        body: S.UpdateTokenBody,
        response: { 200: S.AgencyTokenDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return toAgencyTokenDto(await agencies.updateToken(req.ctx(), req.params.tenant_id, req.params.agency_id, req.params.token_id, req.body));
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens/:token_id/rotate',
    {
      schema: {
        tags,
        summary: 'Rotate: a new secret for the same form (returned this once); the previous secret is refused from the next request',
        params: S.TokenParams,
        response: { 200: S.AgencyTokenWithSecret, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      const r = await agencies.rotateToken(req.ctx(), req.params.tenant_id, req.params.agency_id, req.params.token_id);
      reply.header('cache-control', 'no-store');
      return { ...toAgencyTokenDto(r.row), token: r.token };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/agencies/:agency_id/tokens/:token_id/revoke',
    { schema: { tags, summary: 'Revoke a form token for good; refused from the next request', params: S.TokenParams, response: { 200: S.AgencyTokenDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.tenant(req, req.params.tenant_id, PERMISSION);
      return toAgencyTokenDto(await agencies.revokeToken(req.ctx(), req.params.tenant_id, req.params.agency_id, req.params.token_id));
    },
  );
}
