/** /api/v1/overview: the operator's home (platform totals, trends, what waits, health). */
import type { App, AudienceRoutes } from '../../platform/http/app-types.ts';
import { problems } from '../../platform/http/schemas.ts';
import type { Access } from '../authz/index.ts';
import type { OverviewService } from './overview.service.ts';
import { OverviewDto, OverviewQuery } from './overview.schemas.ts';

/** Reading the whole platform's figures: the platform permission that reads everything (the audit log's). */
const PERMISSION = 'platform.audit.read';

export function overviewRoutes(d: { overview: OverviewService; access: Access }): AudienceRoutes {
  return {
    operator(app: App): void {
      app.get(
        '/api/v1/overview',
        {
          config: { operator: PERMISSION },
          schema: {
            tags: ['overview'],
            summary: "The operator's overview: platform totals, new partners, tenants and access granted per week for 12 weeks, what waits for the operator, and delivery health",
            querystring: OverviewQuery,
            response: { 200: OverviewDto, ...problems(400, 401, 403) },
          },
        },
        async (req) => {
          d.access.operator(req, PERMISSION);
          return d.overview.overview({ waitingDays: req.query.waiting_days ?? 7 });
        },
      );
    },
  };
}
