/**
 * Writes to the system of record: where new orders and tickets (and changes to them) go, and what
 * a record sent there looks like here until its source sends it back.
 *  - record_write_routes: per writable kind (orders, tickets), the operator's gateway route of the
 *    provider's system and the data source the records come back through, with how long a sent
 *    record may wait for its confirmation before the portal says to check with the provider. No row:
 *    the reference service takes the write at once (the default).
 *  - orders and support_tickets gain the provisional state of a record sent to the provider:
 *    write_state ('provisional' until its source sends it back, then 'confirmed'; null for records
 *    that were never sent), to whom (the source's name), when, and until when it is expected.
 *    support_tickets also keep the Idempotency-Key a new ticket was sent with, once per tenant, so a
 *    retry answers the ticket already sent (orders have their own idempotency_key).
 * record_write_routes is the operator's configuration (no tenant data, no wall).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('record_write_routes')
      .addColumn('kind', 'text', (c) => c.primaryKey().check(sql`kind in ('orders','tickets')`))
      .addColumn('route_name', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
      .addColumn('confirm_within_minutes', 'integer', (c) => c.notNull().defaultTo(60))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    for (const table of ['orders', 'support_tickets'] as const) {
      await db.schema.alterTable(table).addColumn('write_state', 'text').execute();
      await db.schema.alterTable(table).addColumn('write_sent_to', 'text').execute();
      await db.schema.alterTable(table).addColumn('write_sent_at', 'text').execute();
      await db.schema.alterTable(table).addColumn('write_confirm_by', 'text').execute();
    }
    await db.schema.alterTable('support_tickets').addColumn('write_key', 'text').execute();
    await db.schema.createIndex('support_tickets_write_key_idx').on('support_tickets').columns(['tenant_id', 'write_key']).unique().execute();
  },
};
