/**
 * The other feeds into data sources, both through `dataSources.applySyncLines` so the sync API's
 * rules hold (idempotent by external id and version, held lines, scope, per-line results, audit):
 *  - Stripe as a billing source: signed webhooks and a backfill (stripe.service.ts, migration 0036);
 *  - CSV import per kind, in the portal and as `partnergate import` (csv-import.ts, import.service.ts).
 * Made once per app from its services (dataFeeds), so the routes and the command line share them.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import type { AuditLog } from '../audit/index.ts';
import type { DataSourcesService } from '../datasources/index.ts';
import { DataImport } from './import.service.ts';
import { StripeFeed } from './stripe.service.ts';

export { StripeFeed } from './stripe.service.ts';
export { DataImport } from './import.service.ts';
export { dataFeedRoutes, registerStripeWebhook, stripeWebhookPath } from './datafeeds.routes.ts';
export { dataFeedErrors } from './datafeeds.errors.ts';
export { IMPORT_KINDS, importFields, template } from './csv-import.ts';

const made = new WeakMap<object, { stripe: StripeFeed; imports: DataImport }>();

export function dataFeeds(s: { db: Db; dataSources: DataSourcesService; audit: AuditLog; clock: Clock; config: { secretKey: string; stripeApiBase: string; publicUrl: string } }): { stripe: StripeFeed; imports: DataImport } {
  let f = made.get(s);
  if (!f) {
    f = { stripe: new StripeFeed({ db: s.db, dataSources: s.dataSources, audit: s.audit, clock: s.clock, secretKey: s.config.secretKey, apiBase: s.config.stripeApiBase, publicUrl: s.config.publicUrl }), imports: new DataImport({ dataSources: s.dataSources, clock: s.clock }) };
    made.set(s, f);
  }
  return f;
}
