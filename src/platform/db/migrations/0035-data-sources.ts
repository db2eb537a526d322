/**
 * Data sources (modules/datasources): the provider's own systems as the source of billing
 * accounts, invoices, services, orders, tickets, usage and SLA records, pushed through the sync
 * API. The reference store becomes one source among others: the built-in "Demo data" source.
 *  - data_sources: a registered source, the record kinds it owns, the tenants and partners it may
 *    write for (all, or lists), its token stored only as a keyed hash (SecretHasher) with a prefix;
 *  - sync_records: what each source's external id became here (record id, tenant, last version,
 *    content hash; a deletion stays as a tombstone so an older line cannot bring the record back);
 *  - sync_kind_state: per source and kind, the last version seen, the last sync and the record count
 *    (what a source resumes from, and the portal's counts);
 *  - sync_tenant_state: per source, tenant and kind, the last sync (the portal's freshness line);
 *  - sync_held_lines: lines naming a billing account or tenant not known yet, kept for review and
 *    applied when it appears;
 *  - sync_batches: each batch's counts and its rejected lines' reasons (never the lines' contents).
 * sync_records and sync_tenant_state carry tenant_id and sit behind the tenant wall (customer data).
 */
import { sql } from 'kysely';
import { enableTenantRls } from '../rls.ts';
import type { MigrationContext, PartnergateMigration } from '../migration-helpers.ts';

export const DEMO_SOURCE_ID = 'dsrc_00000000000000000000000dem';
const ALL_KINDS = '["billing_accounts","invoices","services","orders","tickets","usage","sla"]';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createSourceTables(ctx);
    await createSyncProgressTables(ctx);
  },
};

/** Data sources, the records they synced and each kind's state. */
async function createSourceTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('data_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('scope_all', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scope_tenant_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('scope_partner_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','revoked')`))
    .addColumn('token_hash', 'text')
    .addColumn('token_prefix', 'text')
    .addColumn('token_created_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_batch_at', 'text')
    .addUniqueConstraint('data_sources_token_hash_key', ['token_hash'])
    .addUniqueConstraint('data_sources_name_key', ['name'])
    .execute();

  await db.schema
    .createTable('sync_records')
    .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_records_pkey', ['source_id', 'kind', 'external_id'])
    .execute();
  await db.schema.createIndex('sync_records_record_idx').on('sync_records').columns(['kind', 'record_id']).execute();
  await db.schema.createIndex('sync_records_tenant_idx').on('sync_records').columns(['tenant_id']).execute();

  await db.schema
    .createTable('sync_kind_state')
    .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('last_version', 'text')
    .addColumn('last_synced_at', 'text', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sync_kind_state_pkey', ['source_id', 'kind'])
    .execute();
}

/** Per-tenant sync state, held lines and batches, and the wall around the tenant tables. */
async function createSyncProgressTables({ db, dialect }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('sync_tenant_state')
    .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('last_synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_tenant_state_pkey', ['source_id', 'tenant_id', 'kind'])
    .execute();
  await db.schema.createIndex('sync_tenant_state_tenant_idx').on('sync_tenant_state').columns(['tenant_id', 'kind']).execute();

  await db.schema
    .createTable('sync_held_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
    .addColumn('batch_id', 'text')
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('missing_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('held','applied','dismissed','rejected')`))
    .addColumn('outcome', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('sync_held_lines_line_key', ['source_id', 'kind', 'external_id'])
    .execute();
  await db.schema.createIndex('sync_held_lines_missing_idx').on('sync_held_lines').columns(['missing_key', 'status']).execute();
  await db.schema.createIndex('sync_held_lines_source_idx').on('sync_held_lines').columns(['source_id', 'status', 'created_at']).execute();

  await db.schema
    .createTable('sync_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('applied', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('held', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('rejections', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('sync_batches_source_idx').on('sync_batches').columns(['source_id', 'received_at']).execute();

  await db
    .insertInto('data_sources')
    .values({ id: DEMO_SOURCE_ID, name: 'Demo data', kinds: ALL_KINDS, scope_all: 1, scope_tenant_ids: '[]', scope_partner_ids: '[]', built_in: 1, status: 'active', created_at: new Date(0).toISOString() })
    .execute();

  for (const table of ['sync_records', 'sync_tenant_state']) await enableTenantRls(db, dialect, { table, managed: true });
}
