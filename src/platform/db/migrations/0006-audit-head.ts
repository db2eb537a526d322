/**
 * The audit log's second line of defence behind the hash chain:
 *  - `audit_head`, one row holding the seq and hash of the newest event, written in the same
 *    transaction as every append. The chain alone cannot tell "the newest events were deleted"
 *    from "nothing happened since"; `audit verify` compares the chain's end with this head.
 *  - triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit events, and
 *    refuse deleting the head or moving it backwards. Someone able to drop triggers can still
 *    tamper; the chain and the head are what make that detectable.
 */
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';

const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_APPEND_ONLY = 'audit_events is append-only';

/** The guard triggers; exported so tests that simulate an attacker with DDL rights can restore them. */
export async function installAuditGuards(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql
      .raw(
        // One update is let through (migration 0012): sealing an event into the hash chain — a row
        // without a chain position gets one, with its hashes, and nothing else of it changes.
        `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'UPDATE' THEN
             IF to_jsonb(OLD) ->> 'chain_seq' IS NULL AND OLD.hash IS NULL
                AND to_jsonb(NEW) ->> 'chain_seq' IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
                AND (to_jsonb(NEW) - ARRAY['chain_seq', 'prev_hash', 'hash']) = (to_jsonb(OLD) - ARRAY['chain_seq', 'prev_hash', 'hash']) THEN
               RETURN NEW;
             END IF;
           END IF;
           RAISE EXCEPTION '${AUDIT_APPEND_ONLY}' USING ERRCODE = 'restrict_violation';
         END $$`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'DELETE' OR NEW.last_seq < OLD.last_seq THEN
             RAISE EXCEPTION 'audit_head only moves forward' USING ERRCODE = 'restrict_violation';
           END IF;
           RETURN NEW;
         END $$`,
      )
      .execute(db);
    await sql.raw('CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()').execute(db);
    await sql.raw('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()').execute(db);
    await sql.raw('CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()').execute(db);
    return;
  }
  await sql.raw(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, '${AUDIT_APPEND_ONLY}'); END`).execute(db);
  await sql.raw(`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, '${AUDIT_APPEND_ONLY}'); END`).execute(db);
  await sql.raw(`CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END`).execute(db);
  await sql
    .raw(`CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head WHEN NEW.last_seq < OLD.last_seq BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END`)
    .execute(db);
}

/** Drops the guard triggers: only for tests that play an attacker with DDL rights. */
export async function dropAuditGuards(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const triggers: [string, string][] =
    dialect === 'postgres'
      ? [
          ['audit_events_no_update', 'audit_events'],
          ['audit_events_no_truncate', 'audit_events'],
          ['audit_head_forward_only', 'audit_head'],
        ]
      : [
          ['audit_events_no_update', 'audit_events'],
          ['audit_events_no_delete', 'audit_events'],
          ['audit_head_no_delete', 'audit_head'],
          ['audit_head_forward_only', 'audit_head'],
        ];
  for (const [name, table] of triggers) {
    await sql.raw(dialect === 'postgres' ? `DROP TRIGGER IF EXISTS ${name} ON ${table}` : `DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
}

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('last_seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
      .addColumn('last_hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // An installation with events already: the head starts at its newest one.
    const newest = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    await db
      .insertInto('audit_head')
      .values({ id: 1, last_seq: newest ? Number(newest.seq) : 0, last_hash: newest ? newest.hash : GENESIS_HASH, updated_at: new Date().toISOString() })
      .execute();
    await installAuditGuards(db, dialect);
  },
};
