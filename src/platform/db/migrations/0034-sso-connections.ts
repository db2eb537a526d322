/**
 * Single sign-on per organization (modules/sso): a partner or a tenant signs its people in with its
 * own company's identity provider, by OpenID Connect or SAML 2.0.
 *
 *  - sso_connections: one per organization. The OpenID Connect settings (the provider's address, our
 *    client id, the client secret encrypted with the master secret — it must be sent to the token
 *    endpoint, so a hash would not do — or our own signing key for private_key_jwt), the SAML
 *    settings (SamlConnectionSettings in modules/sso/sso.types.ts), the claim or attribute names,
 *    the default member role for people created on their first sign-in, whether the provider's MFA
 *    counts, and "require single sign-on" with the one owner who keeps a password (break glass).
 *  - sso_role_mappings: the provider's group name → a member role of the organization's kind.
 *  - sso_identities: which person a provider's subject is (connection + subject → user).
 *  - sso_flows: sign-ins in progress (state, nonce, PKCE verifier), single use and short-lived, when
 *    no Redis is configured; keyed by a hash of the state, the secrets encrypted.
 * The rows are no tenant data (no tenant_id); every read and write is scoped by the organization in
 * the sso module.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('sso_connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_type', 'text', (c) => c.notNull().check(sql`org_type in ('partner','tenant')`))
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('oidc','saml')`))
      // how the portal names it ("Contoso sign-in")
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
      // OpenID Connect
      .addColumn('oidc_issuer', 'text')
      .addColumn('oidc_client_id', 'text')
      .addColumn('oidc_auth_method', 'text', (c) => c.check(sql`oidc_auth_method is null or oidc_auth_method in ('client_secret_basic','client_secret_post','private_key_jwt')`))
      // encryptWithSecret(SECRET_KEY, …): never logged, never returned by the API
      .addColumn('oidc_client_secret_enc', 'text')
      .addColumn('oidc_private_jwk_enc', 'text')
      .addColumn('oidc_public_jwk', 'text')
      .addColumn('oidc_scopes', 'text')
      // SAML 2.0 (SamlConnectionSettings)
      .addColumn('saml_sp_entity_id', 'text')
      .addColumn('saml_acs_url', 'text')
      .addColumn('saml_idp_metadata_url', 'text')
      .addColumn('saml_idp_metadata_xml', 'text')
      .addColumn('saml_clock_skew_seconds', 'integer', (c) => c.notNull().defaultTo(60))
      // our SAML key pair for this connection (signed AuthnRequests, encrypted assertions): the key
      // encrypted like oidc_private_jwk_enc, the certificate public (it goes out in our metadata)
      .addColumn('saml_sp_private_key_enc', 'text')
      .addColumn('saml_sp_certificate', 'text')
      // claim (OIDC) or attribute (SAML) names
      .addColumn('claim_email', 'text', (c) => c.notNull().defaultTo('email'))
      .addColumn('claim_name', 'text', (c) => c.notNull().defaultTo('name'))
      .addColumn('claim_groups', 'text', (c) => c.notNull().defaultTo('groups'))
      .addColumn('default_role', 'text', (c) => c.notNull())
      .addColumn('trust_upstream_mfa', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('require_sso', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('break_glass_user_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'text')
      // the operator switched it off (enabled = 0): who, when, why
      .addColumn('switched_off_by', 'text')
      .addColumn('switched_off_at', 'text')
      .addColumn('switched_off_reason', 'text')
      .addUniqueConstraint('sso_connections_org_key', ['org_type', 'org_id'])
      .execute();

    await db.schema
      .createTable('sso_role_mappings')
      .addColumn('connection_id', 'text', (c) => c.notNull().references('sso_connections.id').onDelete('cascade'))
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('sso_role_mappings_pkey', ['connection_id', 'group_name'])
      .execute();

    await db.schema
      .createTable('sso_identities')
      .addColumn('connection_id', 'text', (c) => c.notNull().references('sso_connections.id').onDelete('cascade'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sso_identities_pkey', ['connection_id', 'subject'])
      .execute();
    await db.schema.createIndex('sso_identities_user_idx').on('sso_identities').column('user_id').execute();

    await db.schema
      .createTable('sso_flows')
      // sha256 of the state the browser carries
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('payload_enc', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','used')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_flows_expires_idx').on('sso_flows').column('expires_at').execute();
  },
};
