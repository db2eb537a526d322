/**
 * The other feeds into data sources, both through `dataSources.applySyncLines` so the sync API's
 * rules hold (idempotent by external id and version, held lines, scope, per-line results, audit):
 *  - Stripe as a billing source: signed webhooks and a backfill (stripe.service.ts, migration 0036);
 *  - CSV import per kind, in the portal and as `partnergate import` (csv-import.ts, import.service.ts);
 *  - where the billing data behind a referral partner's earnings comes from (its freshness line).
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

interface Feeds {
  stripe: StripeFeed;
  imports: DataImport;
  /** where the billing data behind a referral partner's earnings comes from: its referred customers' invoices, per source */
  earningsFreshness: (partnerId: string, codeCreatedBy?: string) => Promise<{ source_name: string; last_synced_at: string }[]>;
}

const made = new WeakMap<object, Feeds>();

export function dataFeeds(s: {
  db: Db;
  dataSources: DataSourcesService;
  audit: AuditLog;
  clock: Clock;
  config: { secretKey: string; stripeApiBase: string; publicUrl: string };
  program: { referredTenantIds(partnerId: string, codeCreatedBy?: string): Promise<string[]> };
}): Feeds {
  let f = made.get(s);
  if (!f) {
    f = {
      stripe: new StripeFeed({ db: s.db, dataSources: s.dataSources, audit: s.audit, clock: s.clock, secretKey: s.config.secretKey, apiBase: s.config.stripeApiBase, publicUrl: s.config.publicUrl }),
      imports: new DataImport({ dataSources: s.dataSources, clock: s.clock }),
      earningsFreshness: async (partnerId, codeCreatedBy) => {
        const kinds = await s.dataSources.freshness(await s.program.referredTenantIds(partnerId, codeCreatedBy));
        return (kinds.find((k) => k.kind === 'invoices')?.sources ?? []).map((x) => ({ source_name: x.source_name, last_synced_at: x.last_synced_at }));
      },
    };
    made.set(s, f);
  }
  return f;
}
