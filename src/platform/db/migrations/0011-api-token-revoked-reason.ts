/**
 * Why a personal API token was revoked. Disabling a user revokes their API
 * tokens for good (re-enabling the account brings none back, as GitHub and Keycloak do), so a
 * revocation says who ended it: `owner` (the user revoked it) or `user_disabled` (the operator
 * disabled the account). Tokens revoked before this column existed were revoked by their owner.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('api_tokens').addColumn('revoked_reason', 'text').execute();
    await sql`update api_tokens set revoked_reason = 'owner' where revoked_at is not null`.execute(db);
  },
};
