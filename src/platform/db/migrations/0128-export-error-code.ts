/**
 * A failed export said why in an English sentence stored on the job (export_jobs.error), so every
 * reader got English. The job now keeps what went wrong as a stable code (error_code) and its figures
 * (error_values, a JSON object), and the sentence is written when the job is read, in the reader's
 * language. `error` keeps its English sentence: the release before reads it, and jobs that failed
 * before this migration have nothing else and show it as it is.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('export_jobs').addColumn('error_code', 'text').execute();
    await db.schema.alterTable('export_jobs').addColumn('error_values', 'text').execute();
  },
};
