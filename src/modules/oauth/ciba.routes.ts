/**
 * /api/v1/tenants/:tenant_id/ciba-requests — the customer's side of CIBA: the consent requests
 * partner apps sent out of band, waiting for one of its administrators, and the decision. An
 * approval makes the same consent as the redirect flow's consent screen (ConsentService.approve).
 * When the customer requires a second factor (its MFA policy), the approver's session must have one.
 */
import type { App } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OAuthService } from './oauth.service.ts';
import { oauthErrors as E } from './oauth.errors.ts';
import { problemDetails as PD } from './oauth.problem-details.ts';

const Described = Type.Object({ scope: Type.String(), description: Type.String() });
const CibaRequest = Type.Object({
  id: Type.String(),
  app: Type.Object({ client_id: Type.String(), name: Type.String(), logo_uri: Nullable(Type.String()) }),
  partner: Type.Object({ id: Type.String(), name: Type.String() }),
  permissions: Type.Array(Described, { description: 'what the app asks to do, in words' }),
  purposes: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() })),
  binding_message: Nullable(Type.String({ description: 'the short text the app shows its user, to compare with this one' })),
  created_at: Type.String(),
  expires_at: Type.String(),
}, { title: 'CibaRequest' });

export function cibaTenantRoutes(app: App, d: { oauth: OAuthService; access: Access; identity: IdentityService }): void {
  const Params = Strict({ tenant_id: Id('tnt') });
  const OneParams = Strict({ tenant_id: Id('tnt'), request_id: Id('cib') });

  app.get(
    '/api/v1/tenants/:tenant_id/ciba-requests',
    {
      schema: {
        tags: ['oauth'],
        summary: "Partner apps' consent requests sent out of band (CIBA) that wait for a tenant administrator's decision",
        params: Params,
        response: { 200: Type.Object({ data: Type.Array(CibaRequest) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => {
      d.access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      return { data: await d.oauth.ciba.waiting(req.params.tenant_id) };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/ciba-requests/:request_id/approve',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Approve a consent request sent out of band (tenant admin): the same connection as the consent screen makes — the shared accounts, the account billed, for how long',
        params: OneParams,
        body: Strict({
          ban_ids: Type.Array(Id('ban'), { minItems: 1, maxItems: 100 }),
          bill_to: Id('ban'),
          duration_days: Type.Integer({ minimum: 1, maximum: 3650 }),
          purposes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
        }),
        response: { 200: Type.Object({ delegation_id: Type.String() }), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => {
      const { principal } = d.access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      if ((await d.identity.mfaPolicies.required('tenant', req.params.tenant_id)) && !principal.mfa) {
        throw E.ciba_mfa_required(PD.organizationRequiresSecondFactor);
      }
      const b = req.body;
      const r = await d.oauth.ciba.approve(req.ctx(), principal.userId, req.params.tenant_id, req.params.request_id, { banIds: b.ban_ids, billTo: b.bill_to, days: b.duration_days, purposes: b.purposes });
      return { delegation_id: r.delegationId };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant_id/ciba-requests/:request_id/deny',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Refuse a consent request sent out of band (tenant admin): the app is told access_denied',
        params: OneParams,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { principal } = d.access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
      await d.oauth.ciba.deny(req.ctx(), principal.userId, req.params.tenant_id, req.params.request_id);
      return reply.code(204).send(null);
    },
  );
}
