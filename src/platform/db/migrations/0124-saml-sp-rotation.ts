/**
 * Rotating our SAML service provider certificate with an overlap: a connection may hold, besides its
 * current key pair, the next one (prepared, published in our metadata beside the current so the identity
 * provider learns it before it is used) and the previous one (kept after a switch only to decrypt
 * assertions still encrypted to it, until `saml_sp_previous_until`). Private keys are encrypted with the
 * master secret like the current one.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('sso_connections').addColumn('saml_sp_next_private_key_enc', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_sp_next_certificate', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_sp_previous_private_key_enc', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_sp_previous_certificate', 'text').execute();
    await db.schema.alterTable('sso_connections').addColumn('saml_sp_previous_until', 'text').execute();
  },
};
