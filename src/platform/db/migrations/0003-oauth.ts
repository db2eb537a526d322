/**
 * OAuth: partner apps (OAuth clients), the oidc-provider persistence store (every protocol model
 * in one table, keyed by model and id), the grant ↔ consent-delegation link, and the signing keys
 * (private parts encrypted with the master secret).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('logo_uri', 'text')
      // JSON arrays
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('grant_types', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull().check(sql`token_endpoint_auth_method in ('client_secret_basic','private_key_jwt')`))
      // JSON Web Key Set of a private_key_jwt client (public keys only)
      .addColumn('jwks', 'text')
      // keyed hash (SecretHasher) of the client secret; the secret itself is never stored
      .addColumn('secret_hash', 'text')
      // the first characters of the secret, so an owner can tell which secret an app uses
      .addColumn('secret_hint', 'text')
      .addColumn('secret_rotated_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','deleted')`))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .execute();
    await db.schema.createIndex('apps_partner_idx').on('apps').columns(['partner_id', 'status']).execute();

    // One table for every oidc-provider model (Session, Interaction, Grant, AuthorizationCode,
    // RefreshToken, AccessToken when opaque, PushedAuthorizationRequest, ReplayDetection, …).
    await db.schema
      .createTable('oauth_store')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('uid', 'text')
      .addColumn('user_code', 'text')
      .addColumn('expires_at', 'text')
      // set once, by an atomic compare-and-set (UPDATE … WHERE consumed_at IS NULL)
      .addColumn('consumed_at', 'text')
      .addPrimaryKeyConstraint('oauth_store_pkey', ['model', 'id'])
      .execute();
    await db.schema.createIndex('oauth_store_grant_idx').on('oauth_store').column('grant_id').execute();
    await db.schema.createIndex('oauth_store_uid_idx').on('oauth_store').columns(['model', 'uid']).execute();
    await db.schema.createIndex('oauth_store_user_code_idx').on('oauth_store').columns(['model', 'user_code']).execute();
    await db.schema.createIndex('oauth_store_expires_idx').on('oauth_store').column('expires_at').execute();

    // A grant approved on the consent screen and the consent delegation it created.
    await db.schema
      .createTable('oauth_consents')
      .addColumn('grant_id', 'text', (c) => c.primaryKey())
      .addColumn('delegation_id', 'text', (c) => c.notNull().references('delegations.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oauth_consents_delegation_idx').on('oauth_consents').column('delegation_id').execute();

    await db.schema
      .createTable('oauth_signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('alg', 'text', (c) => c.notNull())
      // the private JWK, encrypted with the master secret (encryptWithSecret)
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('current','retired')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      // a retired key stays published until the tokens it signed have expired
      .addColumn('expires_at', 'text')
      .execute();
  },
};
