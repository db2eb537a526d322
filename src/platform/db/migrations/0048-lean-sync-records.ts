/**
 * Less to write for each synced record. A provider's billing system sends invoices by the million, and
 * each one wrote, beside the invoice itself, a sync record with two secondary indexes and a check of
 * its source, and the invoice two checks of what it references. Measured on PostgreSQL as the
 * application role, 5,000 invoices at 1,000,000 records (median of 7): the sync records' upsert went
 * from 99 to 41 ms without what goes here, the invoices' insert from 228 to 206 ms.
 *
 *  - sync_records_tenant_idx goes: nothing reads sync records by customer (they are read by source,
 *    kind and external id, the primary key).
 *  - sync_records_record_idx keeps orders and tickets only: a record is looked up by its own id only
 *    to send a change of it to the provider's system, which is done for orders and tickets alone.
 *  - PostgreSQL: a sync record's reference to its source goes. The source id comes from the source's
 *    verified token, and a source is never deleted (it is disabled, and its records stay).
 *  - PostgreSQL: an invoice's reference to its customer goes. An invoice names its customer through
 *    its billing account: both writers (the sync API, the demo world) take the customer from the
 *    account, whose own reference to the customer stays, as does the invoice's reference to it.
 * SQLite keeps its references (changing one there means copying the table).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

/** The kinds whose records are looked up by id: the ones sent to the provider's system. */
export const SENT_KINDS_SQL = `kind in ('order', 'ticket')`;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.dropIndex('sync_records_tenant_idx').execute();
    await db.schema.dropIndex('sync_records_record_idx').execute();
    await db.schema.createIndex('sync_records_record_idx').on('sync_records').columns(['kind', 'record_id']).where(sql.raw<boolean>(SENT_KINDS_SQL)).execute();
    if (dialect === 'postgres') {
      await sql`alter table sync_records drop constraint sync_records_source_id_fkey`.execute(db);
      await sql`alter table invoices drop constraint invoices_tenant_id_fkey`.execute(db);
    }
  },
};
