/**
 * Single logout for single sign-on (modules/sso):
 *
 *  - sso_sessions: which connection made a portal session, and who and which session at the
 *    organization's identity provider it came from — the OpenID Connect `sub` and `sid`, or the SAML
 *    NameID and SessionIndex — each kept as a keyed hash (HMAC with the master secret, scoped to the
 *    connection), so a logout from the provider finds the sessions to end without the table holding
 *    the provider's identifiers. A SAML session also keeps the NameID and SessionIndex encrypted with
 *    the master secret: a LogoutRequest we send must name them. Ends with its session (cascade).
 *  - sso_logout_tokens: the `jti` of every back-channel logout token accepted, until it would be too
 *    old anyway, so a replayed token is refused (keyed by connection and a hash of the jti).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('sso_sessions')
      // the portal session's id (SHA-256 of the cookie)
      .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('sso_connections.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('subject_hash', 'text', (c) => c.notNull())
      .addColumn('upstream_session_hash', 'text')
      .addColumn('saml_logout_enc', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_sessions_subject_idx').on('sso_sessions').columns(['connection_id', 'subject_hash']).execute();
    await db.schema.createIndex('sso_sessions_upstream_idx').on('sso_sessions').columns(['connection_id', 'upstream_session_hash']).execute();

    await db.schema
      .createTable('sso_logout_tokens')
      .addColumn('connection_id', 'text', (c) => c.notNull().references('sso_connections.id').onDelete('cascade'))
      .addColumn('jti_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sso_logout_tokens_pkey', ['connection_id', 'jti_hash'])
      .execute();
    await db.schema.createIndex('sso_logout_tokens_expires_idx').on('sso_logout_tokens').column('expires_at').execute();
  },
};
