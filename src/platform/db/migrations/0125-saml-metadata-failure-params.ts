/**
 * Why a SAML identity provider's metadata could not be re-read is kept as a code and its figures, so the portal
 * says it in each reader's language: saml_idp_metadata_error now holds the code (`http_status`, `not_xml` …,
 * modules/sso/saml/metadata-failure.ts) and this column the figures as JSON (the status, the entity ids …).
 * Rows written before hold an English sentence in saml_idp_metadata_error and no figures: they are shown as
 * they are. One nullable column: safe while instances of the previous release serve (they neither read nor
 * write it; one of them shows a new failure's code as it is, and clears it on a good read as before).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('sso_connections').addColumn('saml_idp_metadata_error_params', 'text').execute();
  },
};
