/**
 * Ingest speed: a sync batch of 5,000 invoices writes 5,000 domain events, and the events worker
 * claims the pending ones 500 at a time, oldest first (`status = 'pending' order by occurred_at, id`).
 * The index it had, (status, occurred_at), kept an entry for every event ever dispatched and did not
 * carry the id: all the events of one batch share their occurred_at, so each claim of 500 read and
 * sorted the whole batch's rows (and, behind them, the dead versions the claims left), and the
 * claims slowed as the table grew. The index becomes partial — only the pending events, in the
 * claim's own order — so a claim reads the 500 rows it takes, whatever the table's size, and a
 * dispatched event leaves the index.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.dropIndex('domain_events_pending_idx').execute();
    await sql`create index domain_events_pending_idx on domain_events (occurred_at, id) where status = 'pending'`.execute(db);
  },
};
