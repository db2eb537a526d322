/**
 * Token issuance throughput: every refresh writes a new refresh-token row into `oauth_store`, and
 * each of the table's indexes is written with it. Two of them serve lookups only some models make
 * — by `uid` (sessions and interactions) and by `user_code` (the device flow) — yet held an entry
 * for every row, tokens included, whose value there is null. Both become partial (`where … is not
 * null`): the lookups (`model = ? and uid = ?`, an equality, so never null) use them as before,
 * and a token row is written into three indexes instead of five.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.dropIndex('oauth_store_uid_idx').execute();
    await db.schema.dropIndex('oauth_store_user_code_idx').execute();
    await sql`create index oauth_store_uid_idx on oauth_store (model, uid) where uid is not null`.execute(db);
    await sql`create index oauth_store_user_code_idx on oauth_store (model, user_code) where user_code is not null`.execute(db);
  },
};
