/**
 * /api/v1/tenants/:tenant_id/reseller-links: the customer's links held by resellers, and the
 * customer's switch letting the reseller's distributor act through each (two-tier partners).
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Type, Strict, Id, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { DistributorAccess } from './distributor-access.ts';

export interface DistributorAccessRouteDeps {
  distributorAccess: DistributorAccess;
  access: Access;
}

const Party = Type.Object({ id: Type.String(), name: Type.String() });
const ResellerLinkDto = Type.Object(
  {
    delegation_id: Type.String(),
    status: Type.String(),
    origin: Type.String(),
    reseller: Party,
    distributor: Party,
    distributor_access: Type.Boolean({ description: 'the distributor may act through this link (its people get the link’s permissions ∩ their own roles)' }),
  },
  { title: 'ResellerLink' },
);
const TenantParams = Strict({ tenant_id: Id('tnt') });
const LinkParams = Strict({ tenant_id: Id('tnt'), delegation_id: Id('dlg') });
const TAGS = ['delegations'];

export function distributorAccessRoutes({ distributorAccess, access }: DistributorAccessRouteDeps): AudienceRoutes {
  return {
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/reseller-links',
        {
          schema: {
            tags: TAGS,
            summary: 'Links of partners that resell under a distributor, and whether each distributor may act through them',
            params: TenantParams,
            response: { 200: Type.Object({ data: Type.Array(ResellerLinkDto) }), ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          return { data: await distributorAccess.listResellerLinks(req.params.tenant_id) };
        },
      );
      app.put(
        '/api/v1/tenants/:tenant_id/reseller-links/:delegation_id/distributor-access',
        {
          schema: {
            tags: TAGS,
            summary: "Let the reseller's distributor act through this link, or stop it (off by default; takes effect on the next request)",
            params: LinkParams,
            body: Strict({ allowed: Type.Boolean() }),
            response: { 200: ResellerLinkDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          return distributorAccess.setDistributorAccess(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body.allowed);
        },
      );
    },
  };
}
