/** The invoice export's jobs (export_jobs) and the files they write, kept in pieces (export_file_chunks). */
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ExportFileChunksTable, ExportJobsTable } from '../../platform/db/schema.ts';

export async function insertJob(db: Executor, row: Insertable<ExportJobsTable>): Promise<void> {
  await db.insertInto('export_jobs').values(row).execute();
}

export async function updateJob(db: Executor, id: string, patch: Updateable<ExportJobsTable>): Promise<void> {
  await db.updateTable('export_jobs').set(patch).where('id', '=', id).execute();
}

/** One job of one member of a partner (another's is not found). */
export function findJobOf(db: Executor, id: string, who: { userId: string; partnerId: string }) {
  return db.selectFrom('export_jobs').selectAll().where('id', '=', id).where('user_id', '=', who.userId).where('partner_id', '=', who.partnerId).executeTakeFirst();
}

/** A member's newest jobs. */
export function listJobsOf(db: Executor, who: { userId: string; partnerId: string }, limit: number) {
  return db.selectFrom('export_jobs').selectAll().where('user_id', '=', who.userId).where('partner_id', '=', who.partnerId).orderBy('created_at', 'desc').limit(limit).execute();
}

/** Delete the pieces of files expired at `nowIso`; returns how many went. */
export async function deleteExpiredChunks(db: Executor, nowIso: string): Promise<number> {
  const r = await db.deleteFrom('export_file_chunks').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}

export async function deleteChunksOf(db: Executor, jobId: string): Promise<void> {
  await db.deleteFrom('export_file_chunks').where('job_id', '=', jobId).execute();
}

export async function setChunksExpiry(db: Executor, jobId: string, expiresAt: string): Promise<void> {
  await db.updateTable('export_file_chunks').set({ expires_at: expiresAt }).where('job_id', '=', jobId).execute();
}

/** How many pieces a job's file has, and their total size in bytes. */
export async function chunkStats(db: Executor, jobId: string): Promise<{ pieces: number; size: number }> {
  const r = await db
    .selectFrom('export_file_chunks')
    .select((eb) => [eb.fn.count<number | string>('seq').as('n'), eb.fn.sum<number | string | null>(sql`length(data)`).as('size')])
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  return { pieces: Number(r?.n ?? 0), size: Number(r?.size ?? 0) };
}

export async function insertChunk(db: Executor, row: Insertable<ExportFileChunksTable>): Promise<void> {
  await db.insertInto('export_file_chunks').values(row).execute();
}

export function findChunk(db: Executor, jobId: string, seq: number) {
  return db.selectFrom('export_file_chunks').select('data').where('job_id', '=', jobId).where('seq', '=', seq).executeTakeFirst();
}
