/**
 * What one instance writes and another may need lives in the database, not under DATA_DIR: every
 * instance behind the load balancer serves every download and lists every message.
 *
 *  - export_file_chunks: the file of a finished invoice export job, in chunks of up to 256 KiB
 *    (bytea / blob), read back one chunk at a time when downloaded; each chunk carries the
 *    job's expiry and the expiry sweep deletes expired ones. An export belongs to a partner and a
 *    person, not to one tenant (like export_jobs, which it hangs off): no tenant wall — the job's
 *    owner check is the wall, as for the job itself.
 *  - mail_outbox: the messages written instead of sent when no SMTP server is set (the operator's
 *    Mail outbox), the RFC 5322 message encrypted with the installation secret (it carries
 *    invitation and password-reset links), kept for a retention period.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
    await db.schema
      .createTable('export_file_chunks')
      .addColumn('job_id', 'text', (c) => c.notNull().references('export_jobs.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('data', bytes, (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('export_file_chunks_pk', ['job_id', 'seq'])
      .execute();
    await db.schema.createIndex('export_file_chunks_expires_idx').on('export_file_chunks').column('expires_at').execute();

    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('to_addr', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('message_enc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mail_outbox_created_idx').on('mail_outbox').column('created_at').execute();
    await db.schema.createIndex('mail_outbox_expires_idx').on('mail_outbox').column('expires_at').execute();
  },
};
