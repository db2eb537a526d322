/**
 * The overviews: the operator's (platform totals, trends, what waits and health) and the partner's
 * home by kind (partner-home.*), read through the
 * owning modules' services. Owns no table.
 */
export { OverviewService, type Overview, type OverviewDeps } from './overview.service.ts';
export { overviewRoutes } from './overview.routes.ts';
export { PartnerHomeService, type PartnerHome, type PartnerHomeDeps } from './partner-home.service.ts';
export { partnerHomeRoutes } from './partner-home.routes.ts';
