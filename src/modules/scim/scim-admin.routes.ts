/**
 * The portal's side of SCIM provisioning, the same for both kinds of organization: the partner
 * owner (/api/v1/partners/:partner_id/scim) or the tenant admin (/api/v1/tenants/:tenant_id/scim)
 * creates, rotates and switches off the organization's SCIM token (shown once), reads the base URL
 * to paste into Entra ID or Okta and the directory's last requests in words; the operator reads any
 * organization's connection (the same routes) and may switch it off.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { ScimConnections } from './scim-connections.service.ts';
import type { ConnectionRow, Org } from './scim-connections.service.ts';
import { SCIM_BASE_PATH } from './scim.routes.ts';

const PartnerParams = Strict({ partner_id: Id('ptr') });
const TenantParams = Strict({ tenant_id: Id('tnt') });
const RequestDto = Type.Object({ method: Type.String(), path: Type.String(), status: Type.Integer(), result: Type.String({ description: 'what happened, in words' }), at: Type.String({ format: 'date-time' }) });
const ConnectionDto = Type.Object(
  {
    partner_id: Nullable(Type.String({ description: "the partner's id, for a partner's connection" })),
    tenant_id: Nullable(Type.String({ description: "the tenant's id, for a tenant's connection" })),
    status: Type.Union([Type.Literal('none'), Type.Literal('on'), Type.Literal('off')], { description: 'none: never set up; on: a token works; off: switched off (no token works)' }),
    base_url: Type.String({ description: 'the SCIM base URL to paste into the identity provider' }),
    token_prefix: Nullable(Type.String()),
    token_created_at: Nullable(Type.String({ format: 'date-time' })),
    last_used_at: Nullable(Type.String({ format: 'date-time' })),
    switched_off_at: Nullable(Type.String({ format: 'date-time' })),
    requests: Type.Array(RequestDto, { description: "the directory's last requests, newest first" }),
  },
  { title: 'ScimConnection' },
);
const IssuedDto = Type.Object({ token: Type.String({ description: 'shown once; stored only as a keyed hash' }), connection: ConnectionDto }, { title: 'ScimTokenIssued' });

/** One kind of organization's three routes: its path, its params, whose call it is (`manage`: create or rotate; `read`: read or switch off, the operator too). */
interface OrgRoutes {
  path: string;
  params: typeof PartnerParams | typeof TenantParams;
  who: string;
  org: (req: FastifyRequest) => Org;
  manage: (req: FastifyRequest) => void;
  read: (req: FastifyRequest) => void;
}

export function scimAdminRoutes(d: { connections: ScimConnections; access: Access; publicUrl: string }): AudienceRoutes {
  const { connections, access } = d;
  const baseUrl = `${d.publicUrl.replace(/\/$/, '')}${SCIM_BASE_PATH}`;
  const dto = async (org: Org, c: ConnectionRow | undefined) => ({
    partner_id: org.type === 'partner' ? org.id : null,
    tenant_id: org.type === 'tenant' ? org.id : null,
    status: c ? c.status : ('none' as const),
    base_url: baseUrl,
    token_prefix: c?.status === 'on' ? c.token_prefix : null,
    token_created_at: c?.status === 'on' ? c.token_created_at : null,
    last_used_at: c?.last_used_at ?? null,
    switched_off_at: c?.switched_off_at ?? null,
    requests: c ? await connections.recentRequests(org) : [],
  });
  const register = (app: App, r: OrgRoutes) => {
    app.get(
      r.path,
      { schema: { tags: ['provisioning'], summary: `The ${r.who}'s SCIM provisioning connection and its last requests (${r.who === 'partner' ? 'owner' : 'admin'}; operator)`, params: r.params, response: { 200: ConnectionDto, ...problems(401, 403, 404) } } },
      async (req: FastifyRequest) => {
        r.read(req);
        return dto(r.org(req), await connections.find(r.org(req)));
      },
    );
    app.post(
      `${r.path}/token`,
      {
        schema: {
          tags: ['provisioning'],
          summary: `Create or rotate the ${r.who}'s SCIM token (${r.who === 'partner' ? 'owner' : 'admin'}): shown once; the previous token stops working at once`,
          params: r.params,
          response: { 201: IssuedDto, ...problems(401, 403, 404) },
        },
      },
      async (req: FastifyRequest, reply: FastifyReply) => {
        r.manage(req);
        const { token, connection } = await connections.issueToken(req.ctx(), r.org(req));
        return reply.code(201).send({ token, connection: await dto(r.org(req), connection) });
      },
    );
    app.delete(
      `${r.path}/token`,
      { schema: { tags: ['provisioning'], summary: `Switch the ${r.who}'s SCIM provisioning off (${r.who === 'partner' ? 'owner' : 'admin'}; operator): no token works until a new one is created`, params: r.params, response: { 200: ConnectionDto, ...problems(401, 403, 404) } } },
      async (req: FastifyRequest) => {
        r.read(req);
        return dto(r.org(req), await connections.switchOff(req.ctx(), r.org(req)));
      },
    );
  };
  const partnerId = (req: FastifyRequest) => (req.params as { partner_id: string }).partner_id;
  const tenantId = (req: FastifyRequest) => (req.params as { tenant_id: string }).tenant_id;
  return {
    partner(app) {
      register(app, {
        path: '/api/v1/partners/:partner_id/scim',
        params: PartnerParams,
        who: 'partner',
        org: (req) => ({ type: 'partner', id: partnerId(req) }),
        manage: (req) => access.partner(req, partnerId(req), 'partner.members.manage'),
        read: (req) => access.partner(req, partnerId(req), 'partner.members.manage', { allowInactivePartner: true }),
      });
    },
    tenant(app) {
      // the tenant's own admin: the token's people become this tenant's members and nobody else's
      register(app, {
        path: '/api/v1/tenants/:tenant_id/scim',
        params: TenantParams,
        who: 'tenant',
        org: (req) => ({ type: 'tenant', id: tenantId(req) }),
        manage: (req) => access.tenant(req, tenantId(req), 'tenant.members.manage'),
        read: (req) => access.tenant(req, tenantId(req), 'tenant.members.manage'),
      });
    },
  };
}
