/**
 * OAuth: single JWT access tokens can be revoked (RFC 7009). A JWT is checked
 * locally, so revoking one records its `jti` here until the token would have expired anyway; every
 * instance keeps the unexpired ones in memory (loaded at start, then through the change feed), and
 * the purge drops rows past `expires_at`.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('oauth_revoked_tokens')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      // the token's own `exp`: after it the token is refused anyway and the row can go
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('oauth_revoked_tokens_expires_idx').on('oauth_revoked_tokens').column('expires_at').execute();
  },
};
