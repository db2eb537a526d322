/**
 * SCIM 2.0 provisioning (RFC 7643/7644) per organization (modules/scim): an organization's identity
 * provider (Entra ID, Okta) creates, updates, deactivates and deletes its people here.
 *  - scim_connections: one per organization, its bearer token stored only as a keyed hash
 *    (the SecretHasher API tokens use) with a readable prefix, and who switched it on or off;
 *  - scim_users: a person provisioned by an organization's directory, with the directory's externalId
 *    and a version for ETags (the person's account, membership and audit history live elsewhere);
 *  - scim_groups / scim_group_members: the directory's groups, each optionally mapped to a member role;
 *  - scim_requests: the last requests of each organization's directory, in words, for the portal.
 * `org_type` is 'partner' for now; tenants may follow on the same tables.
 */
import { sql } from 'kysely';
import { autoIncrementPk, type PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const orgType = (c: any) => c.notNull().check(sql`org_type in ('partner','tenant')`);
    await db.schema
      .createTable('scim_connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_type', 'text', orgType)
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text')
      .addColumn('token_prefix', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('on','off')`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('token_created_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('switched_off_at', 'text')
      .addColumn('switched_off_by', 'text')
      .addUniqueConstraint('scim_connections_org_key', ['org_type', 'org_id'])
      .addUniqueConstraint('scim_connections_token_hash_key', ['token_hash'])
      .execute();

    await db.schema
      .createTable('scim_users')
      .addColumn('org_type', 'text', orgType)
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('external_id', 'text')
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('given_name', 'text')
      .addColumn('family_name', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('scim_users_pkey', ['org_type', 'org_id', 'user_id'])
      .addUniqueConstraint('scim_users_external_id_key', ['org_type', 'org_id', 'external_id'])
      .execute();

    await db.schema
      .createTable('scim_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_type', 'text', orgType)
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('member_role', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('scim_groups_display_name_key', ['org_type', 'org_id', 'display_name'])
      .execute();
    await db.schema
      .createTable('scim_group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('scim_groups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('scim_group_members_pkey', ['group_id', 'user_id'])
      .execute();
    await db.schema.createIndex('scim_group_members_user_idx').on('scim_group_members').column('user_id').execute();

    let requests = db.schema.createTable('scim_requests');
    requests = autoIncrementPk(requests, dialect, 'id')
      .addColumn('org_type', 'text', orgType)
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull());
    await requests.execute();
    await db.schema.createIndex('scim_requests_org_idx').on('scim_requests').columns(['org_type', 'org_id', 'id']).execute();
  },
};
