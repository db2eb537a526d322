/**
 * An alert's figures, so each reader is told it in their own language: partner_alerts.facts holds the kind's
 * figures as JSON (availability and commitment, amounts and currency, the invoice's number and due date).
 * The English sentence stays in `message`: rows written before this have only it and are shown as they are.
 * One nullable column: safe while instances of the previous release serve (they neither read nor write it).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('partner_alerts').addColumn('facts', 'text').execute();
  },
};
