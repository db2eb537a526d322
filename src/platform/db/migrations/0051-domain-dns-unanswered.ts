/**
 * organization_domains.dns_unanswered_since: when the re-checks of a verified domain began to get no definite
 * answer from DNS (a timeout, a refusal, a server failure), null while they get one. A verified domain keeps its
 * verification through such an outage for a grace period counted from this time; only a definite answer without
 * the record, or an outage longer than the grace period, un-verifies it (modules/domains).
 * Nullable: the release before neither reads nor writes it.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('organization_domains').addColumn('dns_unanswered_since', 'text').execute();
  },
};
