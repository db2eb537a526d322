/**
 * The operator's overview (/api/v1/overview): platform totals, twelve weeks of trends, what waits for
 * the operator and delivery health. The overview page and the Partners sidebar badge share one cached query.
 */
import { http } from './client.ts';
import type { paths } from './schema.ts';

export type OperatorOverview = paths['/api/v1/overview']['get']['responses'][200]['content']['application/json'];

export const operatorOverviewApi = {
  get: (waitingDays?: number) => http.get<OperatorOverview>('/api/v1/overview', waitingDays ? { waiting_days: waitingDays } : {}),
};
