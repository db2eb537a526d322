/**
 * Strong authentication: second factors (TOTP with recovery codes, passkeys), the
 * authentication methods a session was established with (`amr`, and when a second factor was
 * last proven, for step-up), short-lived challenges (the sign-in second step, WebAuthn
 * ceremonies), password-reset links, and the MFA policies the operator and tenants set.
 *
 * Secrets: a TOTP seed must be read back to check codes, so it is stored encrypted
 * (encryptWithSecret); recovery codes, challenge tokens and reset tokens are stored only as keyed
 * hashes (SecretHasher). A passkey's public key is not a secret.
 *
 * mfa_policies holds no tenant_id column on purpose: a policy row is keyed by (scope_type,
 * scope_id) and read whole into the decision snapshot by the system, never by a tenant request.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('sessions').addColumn('amr', 'text', (c) => c.notNull().defaultTo('["pwd"]')).execute();
    await db.schema.alterTable('sessions').addColumn('mfa_at', 'text').execute();

    await db.schema
      .createTable('mfa_totp')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('last_counter', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('mfa_recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('mfa_recovery_codes_user_id_idx').on('mfa_recovery_codes').column('user_id').execute();

    await db.schema
      .createTable('mfa_passkeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('credential_id', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('transports', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema.createIndex('mfa_passkeys_credential_id_key').on('mfa_passkeys').column('credential_id').unique().execute();
    await db.schema.createIndex('mfa_passkeys_user_id_idx').on('mfa_passkeys').column('user_id').execute();

    await db.schema
      .createTable('auth_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('challenge', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('auth_challenges_user_id_idx').on('auth_challenges').column('user_id').execute();

    await db.schema
      .createTable('password_resets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('requested_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('password_resets_user_id_idx').on('password_resets').column('user_id').execute();

    await db.schema
      .createTable('mfa_policies')
      .addColumn('scope_type', 'text', (c) => c.notNull())
      .addColumn('scope_id', 'text', (c) => c.notNull())
      .addColumn('require_mfa', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addPrimaryKeyConstraint('mfa_policies_pkey', ['scope_type', 'scope_id'])
      .execute();
  },
};
