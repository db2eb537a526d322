/**
 * No global write lock, so writes grow with instances. Mutations on PostgreSQL no longer queue on one advisory lock,
 * so neither the change feed nor the audit chain may rely on rows committing in the order their
 * ids were drawn:
 *  - change_events.xid (PostgreSQL): the id of the transaction that wrote the row. The feed
 *    tails the outbox by transaction id behind the safe horizon
 *    `pg_snapshot_xmin(pg_current_snapshot())` (every transaction below it has ended), so a row
 *    that commits late is still read (change-feed.ts).
 *  - audit_events.chain_seq: the event's place in the hash chain. On PostgreSQL events are
 *    appended without a chain position (prev_hash, hash and chain_seq null) and sealed into the
 *    chain afterwards by one sealer at a time (AuditLog.seal); the guard trigger lets exactly that
 *    one update through (a row without a hash gets one, nothing else changes). SQLite has one
 *    writer: it keeps chaining events as it inserts them. Existing events keep their place
 *    (chain_seq = seq), so an existing log verifies as before.
 *  - the row-level-security policy that lets the system (the sealer) seal events.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';
import { TENANT_TABLES_0008 } from './0008-row-level-security.ts';
import { dropAuditGuards, installAuditGuards } from './0006-audit-head.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const pg = dialect === 'postgres';
    if (pg) {
      await sql`alter table change_events add column xid xid8 not null default pg_current_xact_id()`.execute(db);
      await sql`create index change_events_xid_idx on change_events (xid)`.execute(db);
    }
    await dropAuditGuards(db, dialect);
    await db.schema.alterTable('audit_events').addColumn('chain_seq', pg ? 'bigint' : 'integer').execute();
    await sql`update audit_events set chain_seq = seq`.execute(db);
    await db.schema.createIndex('audit_events_chain_seq_key').on('audit_events').column('chain_seq').unique().execute();
    if (pg) {
      await sql`alter table audit_events alter column prev_hash drop not null, alter column hash drop not null`.execute(db);
      // what the sealer reads: the events not in the chain yet (few at any moment)
      await sql`create index audit_events_unsealed_idx on audit_events (seq) where chain_seq is null`.execute(db);
      const spec = TENANT_TABLES_0008.find((s) => s.table === 'audit_events');
      if (spec) await enableTenantRls(db, dialect, spec);
    }
    await installAuditGuards(db, dialect);
  },
};
