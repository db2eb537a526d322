/**
 * Client authentication: an app may also be registered for `client_secret_post`
 * (the secret in the token request's body, openid-client's default), next to `client_secret_basic`
 * and `private_key_jwt`. Existing apps keep the method they were registered with.
 *
 * PostgreSQL changes the CHECK constraint in place. SQLite cannot alter a constraint, so the
 * table is rebuilt from its own stored definition with only the constraint text changed — columns
 * another migration may have added come along — and its indexes are recreated. No table
 * references `apps` by foreign key, so dropping the old one is safe with foreign keys on.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

const OLD_CHECK = "token_endpoint_auth_method in ('client_secret_basic','private_key_jwt')";
const NEW_CHECK = "token_endpoint_auth_method in ('client_secret_basic','client_secret_post','private_key_jwt')";

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    if (dialect === 'postgres') {
      await sql`alter table apps drop constraint if exists apps_token_endpoint_auth_method_check`.execute(db);
      await sql.raw(`alter table apps add constraint apps_token_endpoint_auth_method_check check (${NEW_CHECK})`).execute(db);
      return;
    }
    const table = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'apps'`.execute(db)).rows[0];
    if (!table) throw new Error('0010-client-auth-method: the apps table is missing');
    if (!table.sql.includes(OLD_CHECK)) {
      if (table.sql.includes(NEW_CHECK)) return;
      throw new Error('0010-client-auth-method: the apps table has an unexpected definition');
    }
    const indexes = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'apps' and sql is not null`.execute(db)).rows;
    const create = table.sql.replace(OLD_CHECK, NEW_CHECK).replace(/^create table\s+("apps"|apps)/i, 'create table "apps_0010"');
    await sql.raw(create).execute(db);
    await sql`insert into apps_0010 select * from apps`.execute(db);
    await sql`drop table apps`.execute(db);
    await sql`alter table apps_0010 rename to apps`.execute(db);
    for (const ix of indexes) await sql.raw(ix.sql).execute(db);
  },
};
