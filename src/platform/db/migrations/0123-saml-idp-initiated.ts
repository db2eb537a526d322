/**
 * SAML sign-in started at the identity provider (an unsolicited Response, no InResponseTo): a
 * per-connection choice, off for every connection until its owner turns it on. And the provider's metadata
 * re-read from its address: when it was last tried, last read well, and why the last try failed.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('sso_connections').addColumn('saml_allow_idp_initiated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_idp_metadata_checked_at', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_idp_metadata_read_at', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_idp_metadata_error', 'text').execute();
  },
};
