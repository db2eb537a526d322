/**
 * The algorithm an app's ID tokens are signed with (OpenID Connect Dynamic Client Registration's
 * `id_token_signed_response_alg`): RS256 — OpenID Connect Core's default, what every relying party
 * verifies — or ES256, the server's two managed signing keys. Every existing app keeps RS256.
 * Adding a column with a default and a CHECK reads the same on SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .alterTable('apps')
      .addColumn('id_token_signed_response_alg', 'text', (c) => c.notNull().defaultTo('RS256').check(sql`id_token_signed_response_alg in ('RS256','ES256')`))
      .execute();
  },
};
