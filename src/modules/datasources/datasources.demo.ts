/**
 * The demo world's records belong to the built-in "Demo data" source: after the resource data is
 * seeded, its counts per kind and a sync time per customer are recorded, so the portal's freshness
 * line and the Data sources page tell where the demo's records come from.
 */
import type { DemoStep } from '../../platform/demo-step.ts';
import type { DataSourcesService } from './datasources.service.ts';

export const seedDemoDataSource: DemoStep<{ dataSources: DataSourcesService }> = async (s) => {
  await s.dataSources.markDemoData();
};
