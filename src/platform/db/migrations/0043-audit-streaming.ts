/**
 * Audit that leaves the building (modules/auditstream): each organization's audit events streamed
 * to its security team's tools, and how long the log keeps them.
 *  - audit_stream_destinations: where an organization's events go — a signed webhook, syslog over
 *    TLS (RFC 5425) or OTLP logs over HTTP — with the delivery cursor: the chain position
 *    (audit_events.chain_seq) of the last event the receiver acknowledged and its hash, so the next
 *    batch starts after it and carries the link to it. The cursor moves only after an
 *    acknowledgement (at least once); a failed send keeps it and waits (`next_attempt_at`, with
 *    backoff). A due destination is claimed with a lease (`locked_until`), so one instance sends
 *    at a time and a crashed instance's claim lapses. The webhook secret and an OTLP header are
 *    encrypted with the installation secret (they must be read back to sign or to send).
 *  - audit_retention: an organization's retention in days, and the checkpoint of what the sweep
 *    deleted: the chain position and hash of the organization's last deleted event, so an export
 *    after a sweep still links to what came before.
 *  - audit_tombstones: what the sweep leaves of each deleted event — its chain position, prev_hash
 *    and hash, no content — so `audit verify` still walks every link of the chain.
 *  - the guard against deleting audit events lets one delete through: an event whose tombstone
 *    (same position, same hash) was written first. On PostgreSQL the application role still has no
 *    DELETE on audit_events; it calls audit_retention_delete(positions), which runs as the owner
 *    and deletes only tombstoned events.
 *  - permissions to manage them: tenant admins (tenant.*), partner owners, the operator (platform.*).
 * Rows belong to an organization (owner_type, owner_id; '' for the platform) and name no tenant's
 * data themselves, like webhook endpoints: not walled.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { AUDIT_APPEND_ONLY } from './0006-audit-head.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const big = dialect === 'postgres' ? 'bigint' : 'integer';
    await db.schema
      .createTable('audit_stream_destinations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('tenant','partner','platform')`))
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('webhook','syslog','otlp')`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('ca_pem', 'text')
      .addColumn('secret_enc', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','paused')`))
      .addColumn('cursor_seq', big, (c) => c.notNull())
      .addColumn('cursor_hash', 'text', (c) => c.notNull())
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('last_delivered_at', 'text')
      .addColumn('delivered_count', big, (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_stream_destinations_owner_idx').on('audit_stream_destinations').columns(['owner_type', 'owner_id']).execute();
    await db.schema.createIndex('audit_stream_destinations_due_idx').on('audit_stream_destinations').columns(['status', 'next_attempt_at']).execute();

    await db.schema
      .createTable('audit_retention')
      .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('tenant','partner','platform')`))
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('checkpoint_seq', big)
      .addColumn('checkpoint_hash', 'text')
      .addColumn('deleted_count', big, (c) => c.notNull().defaultTo(0))
      .addColumn('swept_at', 'text')
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_retention_pkey', ['owner_type', 'owner_id'])
      .execute();

    await db.schema
      .createTable('audit_tombstones')
      .addColumn('chain_seq', big, (c) => c.primaryKey())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text', (c) => c.notNull())
      .execute();
    await allowTombstonedDeletes(db, dialect);

    await db
      .insertInto('permissions')
      .values([
        { name: 'tenant.audit.stream', description: "Send the tenant's audit events to its security tools, export them, and set how long they are kept." },
        { name: 'partner.audit.stream', description: "Send the partner's audit events to its security tools, export them, and set how long they are kept." },
        { name: 'platform.audit.stream', description: 'Send the platform audit log to the operator’s security tools, export it, and set how long it is kept.' },
      ])
      .execute();
    const owner = await db.selectFrom('roles').select('grants').where('id', '=', 'PARTNER_OWNER').executeTakeFirst();
    if (owner) {
      const grants = JSON.parse(owner.grants as string) as string[];
      if (!grants.includes('partner.audit.stream')) grants.push('partner.audit.stream');
      await db.updateTable('roles').set({ grants: JSON.stringify(grants) }).where('id', '=', 'PARTNER_OWNER').execute();
    }
  },
};

/** The append-only guard of migration 0006 (with 0012's sealing update), and a delete of a tombstoned event let through. */
async function allowTombstonedDeletes(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') {
    await sql.raw('DROP TRIGGER IF EXISTS audit_events_no_delete').execute(db);
    await sql
      .raw(
        `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
         WHEN NOT EXISTS (SELECT 1 FROM audit_tombstones t WHERE t.chain_seq = OLD.chain_seq AND t.hash = OLD.hash)
         BEGIN SELECT RAISE(ABORT, '${AUDIT_APPEND_ONLY}'); END`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF to_jsonb(OLD) ->> 'chain_seq' IS NULL AND OLD.hash IS NULL
              AND to_jsonb(NEW) ->> 'chain_seq' IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
              AND (to_jsonb(NEW) - ARRAY['chain_seq', 'prev_hash', 'hash']) = (to_jsonb(OLD) - ARRAY['chain_seq', 'prev_hash', 'hash']) THEN
             RETURN NEW;
           END IF;
         END IF;
         IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_tombstones t WHERE t.chain_seq = OLD.chain_seq AND t.hash = OLD.hash) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION '${AUDIT_APPEND_ONLY}' USING ERRCODE = 'restrict_violation';
       END $$`,
    )
    .execute(db);
  // runs as the owner (the application role has no DELETE on audit_events); the guard trigger
  // still refuses any event without its tombstone
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION audit_retention_delete(positions bigint[]) RETURNS integer
       LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
       DECLARE n integer;
       BEGIN
         DELETE FROM audit_events e USING audit_tombstones t
          WHERE e.chain_seq = ANY(positions) AND t.chain_seq = e.chain_seq AND t.hash = e.hash;
         GET DIAGNOSTICS n = ROW_COUNT;
         RETURN n;
       END $$`,
    )
    .execute(db);
  // the owner is behind forced row-level security too: the sweep runs as the system
  await sql.raw(`DROP POLICY IF EXISTS audit_events_retention ON audit_events`).execute(db);
  await sql.raw(`CREATE POLICY audit_events_retention ON audit_events FOR DELETE USING ((select current_setting('app.scope', true)) = 'system')`).execute(db);
}
