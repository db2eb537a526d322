/**
 * The portal's side of SCIM provisioning: the partner owner creates, rotates and switches off the
 * organization's SCIM token (shown once), reads the base URL to paste into Entra ID or Okta and the
 * directory's last requests in words; the operator reads any partner's connection (the same routes)
 * and may switch it off.
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { ScimConnections } from './scim-connections.service.ts';
import type { ConnectionRow } from './scim-connections.service.ts';
import { SCIM_BASE_PATH } from './scim.routes.ts';

const Params = Strict({ partner_id: Id('ptr') });
const RequestDto = Type.Object({ method: Type.String(), path: Type.String(), status: Type.Integer(), result: Type.String({ description: 'what happened, in words' }), at: Type.String({ format: 'date-time' }) });
const ConnectionDto = Type.Object(
  {
    partner_id: Type.String(),
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

export function scimAdminRoutes(d: { connections: ScimConnections; access: Access; publicUrl: string }): AudienceRoutes {
  const { connections, access } = d;
  const baseUrl = `${d.publicUrl.replace(/\/$/, '')}${SCIM_BASE_PATH}`;
  const dto = async (partnerId: string, c: ConnectionRow | undefined) => ({
    partner_id: partnerId,
    status: c ? c.status : ('none' as const),
    base_url: baseUrl,
    token_prefix: c?.status === 'on' ? c.token_prefix : null,
    token_created_at: c?.status === 'on' ? c.token_created_at : null,
    last_used_at: c?.last_used_at ?? null,
    switched_off_at: c?.switched_off_at ?? null,
    requests: c ? await connections.recentRequests({ type: 'partner', id: partnerId }) : [],
  });
  const org = (id: string) => ({ type: 'partner' as const, id });
  return {
    partner(app) {
      app.get(
        '/api/v1/partners/:partner_id/scim',
        { schema: { tags: ['provisioning'], summary: "The partner's SCIM provisioning connection and its last requests (owner; operator)", params: Params, response: { 200: ConnectionDto, ...problems(401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.members.manage', { allowInactivePartner: true });
          return dto(req.params.partner_id, await connections.find(org(req.params.partner_id)));
        },
      );
      app.post(
        '/api/v1/partners/:partner_id/scim/token',
        {
          schema: {
            tags: ['provisioning'],
            summary: 'Create or rotate the SCIM token (owner): shown once; the previous token stops working at once',
            params: Params,
            response: { 201: IssuedDto, ...problems(401, 403, 404) },
          },
        },
        async (req, reply) => {
          access.partner(req, req.params.partner_id, 'partner.members.manage');
          const { token, connection } = await connections.issueToken(req.ctx(), org(req.params.partner_id));
          return reply.code(201).send({ token, connection: await dto(req.params.partner_id, connection) });
        },
      );
      app.delete(
        '/api/v1/partners/:partner_id/scim/token',
        { schema: { tags: ['provisioning'], summary: 'Switch SCIM provisioning off (owner; operator): no token works until a new one is created', params: Params, response: { 200: ConnectionDto, ...problems(401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.members.manage', { allowInactivePartner: true });
          return dto(req.params.partner_id, await connections.switchOff(req.ctx(), org(req.params.partner_id)));
        },
      );
    },
  };
}
