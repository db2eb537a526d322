/**
 * CAMARA's purpose-bound scopes name a purpose by its W3C Data Privacy Vocabulary term
 * (`dpv:FraudPreventionAndDetection#sim-swap`). purposes.dpv is the DPV term a catalog purpose
 * answers to (null: none; no two purposes share one). The built-in purposes whose meaning has a
 * DPV term get it; the operator sets the others.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

const BUILT_IN_DPV: Record<string, string> = {
  fraud_prevention: 'FraudPreventionAndDetection',
  support: 'CustomerCare',
  service_management: 'ServiceProvision',
  usage_reporting: 'ServiceUsageAnalytics',
};

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('purposes').addColumn('dpv', 'text').execute();
    await db.schema.createIndex('purposes_dpv_unique').on('purposes').column('dpv').unique().execute();
    for (const [id, dpv] of Object.entries(BUILT_IN_DPV)) {
      await sql`update purposes set dpv = ${dpv} where id = ${id} and built_in = 1`.execute(db);
    }
  },
};
