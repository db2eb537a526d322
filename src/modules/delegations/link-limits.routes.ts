/**
 * A customer's own limits on a partner's link: the tenant's admins read and set them under
 * /api/v1/tenants/:tenant_id/delegations/:delegation_id/limits; the partner reads them under
 * /api/v1/partners/:partner_id/delegations/:delegation_id/limits (to tell its people in words).
 */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { Nullable, Strict, Timestamp, Type, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { LinkLimitsService } from './link-limits.service.ts';
import * as S from './delegations.schemas.ts';

export interface LinkLimitsRouteDeps {
  linkLimits: LinkLimitsService;
  access: Access;
}

const TAGS = ['delegations'];
const Hours = Strict(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7, description: 'ISO weekdays: 1 = Monday … 7 = Sunday' }),
    from: Type.String({ maxLength: 5, description: 'local start, HH:MM' }),
    to: Type.String({ maxLength: 5, description: 'local end, HH:MM; earlier than `from`: the window runs overnight' }),
    time_zone: Type.String({ maxLength: 64, description: 'an IANA time zone such as Europe/Paris' }),
  },
  { title: 'LinkHours' },
);
const LinkLimitsDto = Type.Object(
  {
    delegation_id: Type.String(),
    ip_allow: Type.Array(Type.String(), { description: 'addresses or ranges (CIDR) the partner may reach the customer from through this link; empty: anywhere' }),
    hours: Nullable(Hours),
    expires_at: Nullable(Timestamp),
    link_ends_at: Timestamp,
    own_ends_at: Type.String({ format: 'date-time', description: 'the end the link has without the customer’s: the latest end the customer may choose' }),
    updated_at: Nullable(Timestamp),
  },
  { title: 'LinkLimits' },
);
const LinkLimitsBody = Strict({
  ip_allow: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }),
  hours: Nullable(Hours),
  expires_at: Nullable(Type.String({ maxLength: 40 })),
});
const DESCRIPTION =
  'Enforced on the partner’s next request at every door (gateway, forward auth, partner API): a request from another address is 403 link_address_not_allowed, outside the hours 403 link_outside_hours. The end is applied to the link itself. A malformed range, day, time or time zone, or an end in the past or after the link’s own end, is 400 link_limits_invalid with a pointer per field; an ended link is 409 link_limits_link_closed.';

export function linkLimitsRoutes({ linkLimits, access }: LinkLimitsRouteDeps): AudienceRoutes {
  return {
    partner(app: App): void {
      app.get(
        '/api/v1/partners/:partner_id/delegations/:delegation_id/limits',
        { schema: { tags: TAGS, summary: 'The limits the customer set on this link: addresses, hours, end', params: S.PartnerDelegationParams, response: { 200: LinkLimitsDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.customers.read', { allowInactivePartner: true });
          return linkLimits.get(req.params.delegation_id, { partnerId: req.params.partner_id });
        },
      );
    },
    tenant(app: App): void {
      app.get(
        '/api/v1/tenants/:tenant_id/delegations/:delegation_id/limits',
        { schema: { tags: TAGS, summary: 'Your limits on this partner’s link: addresses, hours, end', params: S.TenantDelegationParams, response: { 200: LinkLimitsDto, ...problems(400, 401, 403, 404) } } },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.read');
          return linkLimits.get(req.params.delegation_id, { tenantId: req.params.tenant_id });
        },
      );
      app.put(
        '/api/v1/tenants/:tenant_id/delegations/:delegation_id/limits',
        {
          schema: {
            tags: TAGS,
            summary: 'Limit where from, when and until when this partner may reach you through this link (tenant admin)',
            description: DESCRIPTION,
            params: S.TenantDelegationParams,
            body: LinkLimitsBody,
            response: { 200: LinkLimitsDto, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (req) => {
          access.tenant(req, req.params.tenant_id, 'tenant.delegations.manage');
          return linkLimits.set(req.ctx(), req.params.tenant_id, req.params.delegation_id, req.body);
        },
      );
    },
  };
}
