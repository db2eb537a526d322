/**
 * "Access by partners expires after …": a customer's own policy (tenant admins, with the
 * delegations permission) at /api/v1/tenants/:tenant_id/partner-token-lifetimes, and the
 * operator's per partner at /api/v1/partners/:partner_id/configuration/lifetimes (in the partner
 * router, operator only, like the rest of the partner configuration).
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { Nullable, problems, Strict, Timestamp, Type } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import { partnerErrors } from '../partners/index.ts';
import type { TokenLifetimes } from './tokenpolicy.service.ts';

const Seconds = (what: string, max: number) => Nullable(Type.Integer({ minimum: 60, maximum: max, description: `${what}, seconds (null: no limit of its own)` }));
const Body = Type.Object({ access_ttl_sec: Seconds('how long an access token lives at most', 86_400), refresh_ttl_sec: Seconds('how long a refresh token lives at most', 31_536_000) }, { additionalProperties: false });
const Dto = Type.Object({
  access_ttl_sec: Nullable(Type.Integer()),
  refresh_ttl_sec: Nullable(Type.Integer()),
  default_access_ttl_sec: Type.Integer(),
  default_refresh_ttl_sec: Type.Integer(),
  summary: Type.String(),
  updated_at: Nullable(Timestamp),
});
const TenantParams = Strict({ tenant_id: Type.String({ maxLength: 64 }) });
const PartnerParams = Strict({ partner_id: Type.String({ maxLength: 64 }) });
const TAGS = ['token lifetimes'];

export function tokenLifetimeRoutes(d: { lifetimes: TokenLifetimes; access: Access; partnerExists: (partnerId: string) => Promise<boolean> }): AudienceRoutes {
  const { lifetimes, access } = d;
  return {
    tenant(app) {
      const path = '/api/v1/tenants/:tenant_id/partner-token-lifetimes';
      app.get(path, { schema: { tags: TAGS, summary: "How long partners' tokens for this customer live at most", params: TenantParams, response: { 200: Dto, ...problems(401, 403, 404) } } }, async (req) => {
        access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
        return lifetimes.get({ type: 'tenant', id: req.params.tenant_id });
      });
      app.put(path, { schema: { tags: TAGS, summary: "Shorten how long partners' tokens for this customer live", params: TenantParams, body: Body, response: { 200: Dto, ...problems(400, 401, 403, 404) } } }, async (req) => {
        access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
        return lifetimes.set(req.ctx(), { type: 'tenant', id: req.params.tenant_id }, req.body);
      });
    },
    partner(app) {
      const path = '/api/v1/partners/:partner_id/configuration/lifetimes';
      const config = { operator: 'platform.partners.manage' };
      app.get(path, { config, schema: { tags: TAGS, summary: "How long this partner's tokens acting for customers live at most (operator)", params: PartnerParams, response: { 200: Dto, ...problems(401, 403, 404) } } }, async (req) => {
        access.operator(req, 'platform.partners.manage');
        if (!(await d.partnerExists(req.params.partner_id))) throw partnerErrors.partner_not_found();
        return lifetimes.get({ type: 'partner', id: req.params.partner_id });
      });
      app.put(path, { config, schema: { tags: TAGS, summary: "Shorten how long this partner's tokens acting for customers live (operator)", params: PartnerParams, body: Body, response: { 200: Dto, ...problems(400, 401, 403, 404) } } }, async (req) => {
        access.operator(req, 'platform.partners.manage');
        if (!(await d.partnerExists(req.params.partner_id))) throw partnerErrors.partner_not_found();
        return lifetimes.set(req.ctx(), { type: 'partner', id: req.params.partner_id }, req.body);
      });
    },
  };
}
