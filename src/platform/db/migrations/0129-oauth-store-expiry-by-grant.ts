/**
 * Token issuance throughput: a refresh writes its successor's row into the table and each of its
 * indexes, and one of them — the expiry, for the purge — held an entry for every row. Rows issued
 * from a grant (codes, refresh tokens) now find their expiry in the grant index itself, extended to
 * `(grant_id, expires_at)`: the purge walks the grants present and, in each, the expired range
 * (OAuthStore.purgeExpired). The expiry index keeps only the rows of no grant (sessions,
 * interactions, the grants themselves), so a refresh token's row is written into two indexes
 * instead of three. The release before still finds its rows (its grant lookups use the wider
 * index; its purge reads the table instead of the index until this release replaces it).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await sql`create index oauth_store_grant_expires_idx on oauth_store (grant_id, expires_at) where grant_id is not null`.execute(db);
    await db.schema.dropIndex('oauth_store_grant_idx').execute();
    await db.schema.dropIndex('oauth_store_expires_idx').execute();
    await sql`create index oauth_store_expires_idx on oauth_store (expires_at) where grant_id is null`.execute(db);
  },
};
