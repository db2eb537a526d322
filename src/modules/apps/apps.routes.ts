/** /api/v1/partners/:partner_id/apps (partner OAuth apps), …/resold-tenants (wholesale), /api/v1/oauth/scopes. */
import type { Static } from 'typebox';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { AppsService } from './apps.service.ts';
import { toAppDto } from './apps.service.ts';
import { appErrors as E } from './apps.errors.ts';
import type { ResoldTenantsService } from './resold-tenants.service.ts';
import * as S from './apps.schemas.ts';

interface AppRouteDeps {
  apps: AppsService;
  resold: ResoldTenantsService;
  access: Access;
  /** what this instance last read at a key set address, read now if it never tried (the authorization server's) */
  keySet: (uri: string) => Promise<Static<typeof S.AppKeySetDto>>;
}

export function appRoutes(d: AppRouteDeps): AudienceRoutes {
  const { apps, access } = d;

  return {
    me(app: App): void {
      app.get(
        '/api/v1/oauth/scopes',
        {
          schema: {
            tags: ['apps'],
            summary: 'The scopes a partner app may ask for, with what each allows in plain words',
            response: { 200: Type.Object({ data: Type.Array(S.ScopeDto) }), ...problems(401, 403) },
          },
        },
        async (req) => {
          access.user(req);
          const identity = ['openid', 'profile', 'email', 'offline_access'].map((s) => apps.describeScope(s)!);
          return { data: [...identity, ...apps.scopeCatalog().values()] };
        },
      );
    },
    partner(app: App): void {
      registerPartnerAppRoutes(app, d);
      registerResoldTenantRoutes(app, d);
    },
  };
}

/** A partner's OAuth apps: list, register, read, edit, rotate the secret, delete. */
function registerPartnerAppRoutes(app: App, { apps, access, keySet }: AppRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/apps',
    { schema: { tags: ['apps'], summary: "The partner's OAuth apps (owner and staff; never the secrets)", params: S.PartnerParams, response: { 200: Type.Object({ data: Type.Array(S.AppDto) }), ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.apps.read', { allowInactivePartner: true });
      return { data: (await apps.list(req.params.partner_id)).map(toAppDto) };
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/apps',
    {
      schema: {
        tags: ['apps'],
        summary: 'Register an OAuth app (partner owner). The client secret is in this response only.',
        params: S.PartnerParams,
        body: S.CreateAppBody,
        response: { 201: S.AppWithSecret, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.apps.manage');
      const r = await apps.create(req.ctx(), req.params.partner_id, req.body);
      return reply.code(201).send({ app: toAppDto(r.app), client_secret: r.secret });
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/apps/:app_id',
    { schema: { tags: ['apps'], summary: 'One OAuth app', params: S.AppParams, response: { 200: S.AppDto, ...problems(400, 401, 403, 404) } } },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.apps.read', { allowInactivePartner: true });
      return toAppDto(await apps.get(req.params.partner_id, req.params.app_id));
    },
  );

  app.patch(
    '/api/v1/partners/:partner_id/apps/:app_id',
    {
      schema: {
        tags: ['apps'],
        summary: 'Edit an OAuth app: name, description, logo, exact redirect URIs, scopes, grant types, keys (partner owner)',
        params: S.AppParams,
        body: S.UpdateAppBody,
        response: { 200: S.AppDto, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.apps.manage');
      return toAppDto(await apps.update(req.ctx(), req.params.partner_id, req.params.app_id, req.body));
    },
  );

  app.get(
    '/api/v1/partners/:partner_id/apps/:app_id/key-set',
    {
      schema: {
        tags: ['apps'],
        summary: "The keys last read from the app's key set address (jwks_uri), when, and why the last read failed (partner owner); read now if never read",
        params: S.AppParams,
        response: { 200: S.AppKeySetDto, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.apps.manage');
      const a = await apps.get(req.params.partner_id, req.params.app_id);
      if (!a.jwks_uri) throw E.app_keys_not_at_address('This app’s keys are pasted in; it has no key set address to read.');
      return keySet(a.jwks_uri);
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/apps/:app_id/rotate-secret',
    {
      schema: {
        tags: ['apps'],
        summary: 'Replace the client secret (partner owner). The new secret is in this response only; the old one stops working at once.',
        params: S.AppParams,
        response: { 200: S.AppWithSecret, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.apps.manage');
      const r = await apps.rotateSecret(req.ctx(), req.params.partner_id, req.params.app_id);
      return { app: toAppDto(r.app), client_secret: r.secret };
    },
  );

  app.delete(
    '/api/v1/partners/:partner_id/apps/:app_id',
    {
      schema: {
        tags: ['apps'],
        summary: 'Delete an OAuth app (partner owner): it stops working at once and the customer connections it held are revoked',
        params: S.AppParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.apps.manage');
      await apps.delete(req.ctx(), req.params.partner_id, req.params.app_id);
      return reply.code(204).send(null);
    },
  );
}

/** Wholesale: the end-customer tenants a partner resells, and provisioning one. */
function registerResoldTenantRoutes(app: App, { resold, access }: AppRouteDeps): void {
  app.get(
    '/api/v1/partners/:partner_id/resold-tenants',
    {
      schema: {
        tags: ['apps'],
        summary: 'End-customer tenants the wholesaler resells, with their wholesale delegation',
        params: S.PartnerParams,
        response: { 200: Type.Object({ data: Type.Array(S.ResoldTenantDto) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
      return { data: await resold.list(req.params.partner_id) };
    },
  );

  app.post(
    '/api/v1/partners/:partner_id/resold-tenants',
    {
      schema: {
        tags: ['apps'],
        summary: "Provision an end-customer tenant the wholesaler resells (partner owner): creates the tenant, its billing account and a wholesale delegation billed to the wholesaler's own account",
        params: S.PartnerParams,
        body: S.CreateResoldTenantBody,
        response: { 201: S.CreatedResoldTenant, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      access.partner(req, req.params.partner_id, 'partner.delegations.manage');
      return reply.code(201).send(await resold.provision(req.ctx(), req.params.partner_id, req.body));
    },
  );
}
