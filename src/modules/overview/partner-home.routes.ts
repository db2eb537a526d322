/** /api/v1/partners/:partner_id/home: the partner's home, by the partner's kind (its own members; the operator). */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { PartnerHomeService } from './partner-home.service.ts';
import { PartnerHomeDto, PartnerHomeParams } from './partner-home.schemas.ts';

/** Money on the home: the member's own member role must include reading invoices (no member role: it does). */
const BILLING = 'billing.invoices.read';

export function partnerHomeRoutes(d: { home: PartnerHomeService; access: Access; memberRoleGrants: (userId: string, permission: string) => boolean }): AudienceRoutes {
  return {
    partner(app: App): void {
      app.get(
        '/api/v1/partners/:partner_id/home',
        {
          schema: {
            tags: ['overview'],
            summary:
              "The partner's home by kind: a delegated partner's customers connected to its apps with 30 days of their requests per app and per customer; a wholesaler's own invoices (when the member's role reads billing) and its customers' subscriptions and identity checks waiting",
            params: PartnerHomeParams,
            response: { 200: PartnerHomeDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          const a = d.access.partner(req, req.params.partner_id, 'partner.profile.read');
          // the operator reads every figure; a member by the organization role, and money by the member role too
          const customers = a.membership === null || d.access.can(a.membership.role, 'partner.customers.read');
          const billing = a.membership === null || (customers && d.memberRoleGrants(a.principal.userId, BILLING));
          return d.home.home(req.params.partner_id, { customers, billing });
        },
      );
    },
  };
}
