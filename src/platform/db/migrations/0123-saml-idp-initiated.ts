/**
 * SAML sign-in started at the identity provider (an unsolicited Response, no InResponseTo): a
 * per-connection choice, off for every connection until its owner turns it on.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('sso_connections').addColumn('saml_allow_idp_initiated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
