/**
 * The customers an export job drew on. A finished export's file holds those customers' invoices,
 * so it is handed over only while the person may still export each of them — a link revoked,
 * narrowed or put under an MFA policy after the job ran stops the download as it stops a new
 * export. A JSON array of tenant ids; null on a job from before this column (its file is not
 * handed over: export again).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('export_jobs').addColumn('tenant_ids', 'text').execute();
  },
};
