/**
 * A partner's usage against its quotas: requests by UTC day, today's and this month's
 * totals with the quotas from its configuration. One route on the partner plane, read by the
 * operator (any partner) and by the partner's own members (its own only; the partner wall answers
 * 404 for another's).
 */
import type { AudienceRoutes } from '../../platform/http/app-types.ts';
import { platformErrors } from '../../platform/errors/platform.errors.ts';
import { Type, Strict, Id, Nullable, problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { PartnersService } from './partners.service.ts';
import type { PartnerUsage } from './partner-usage.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a UTC day, YYYY-MM-DD' });
const Params = Strict({ partner_id: Id('ptr') });
const Query = Strict({ from: Type.Optional(Day), to: Type.Optional(Day) });
const UsageDto = Type.Object(
  {
    partner_id: Type.String(),
    daily_quota: Nullable(Type.Integer()),
    monthly_quota: Nullable(Type.Integer()),
    today: Type.Object({ day: Type.String(), requests: Type.Integer(), limit: Nullable(Type.Integer()), resets_at: Type.String({ format: 'date-time' }) }),
    month: Type.Object({ month: Type.String(), requests: Type.Integer(), limit: Nullable(Type.Integer()), resets_at: Type.String({ format: 'date-time' }) }),
    days: Type.Array(Type.Object({ day: Type.String(), requests: Type.Integer({ description: 'admitted requests' }), refused: Type.Integer({ description: 'refused for a quota or a per-minute limit' }) })),
  },
  { title: 'PartnerUsage', description: "A partner's gateway requests by UTC day against its quotas (recorded every few seconds)" },
);

export function partnerUsageRoutes(d: { partners: PartnersService; usage: PartnerUsage; access: Access }): AudienceRoutes {
  const { partners, usage, access } = d;
  return {
    partner(app) {
      app.get(
        '/api/v1/partners/:partner_id/usage',
        {
          schema: {
            tags: ['partner configuration'],
            summary: "A partner's requests by day against its daily and monthly quotas (operator; the partner's members)",
            params: Params,
            querystring: Query,
            response: { 200: UsageDto, ...problems(400, 401, 403, 404) },
          },
        },
        async (req) => {
          access.partner(req, req.params.partner_id, 'partner.profile.read', { allowInactivePartner: true });
          const { from, to } = req.query;
          if (from !== undefined && to !== undefined && (from > to || Date.parse(to) - Date.parse(from) > 366 * 86_400_000)) {
            throw problemRange();
          }
          const { config } = await partners.getConfig(req.params.partner_id);
          return { partner_id: req.params.partner_id, ...(await usage.view(req.params.partner_id, config, { from, to })) };
        },
      );
    },
  };
}

function problemRange() {
  return platformErrors.validation_failed(PD.periodMustRunForwards, { fields: [{ pointer: '/querystring/from', detail: 'must be on or before `to`, at most 366 days before it' }] });
}
