/**
 * The operator's overview: platform totals, trends, what waits and health, read through the
 * owning modules' services. Owns no table.
 */
export { OverviewService, type Overview, type OverviewDeps } from './overview.service.ts';
export { overviewRoutes } from './overview.routes.ts';
