/** ciba_requests: the backchannel (CIBA) consent requests of partner apps, until a customer admin decides. */
import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CibaRequestsTable } from '../../platform/db/schema/apps.ts';

export type CibaRequestRow = Selectable<CibaRequestsTable>;

export async function insertCibaRequest(db: Executor, row: Insertable<CibaRequestsTable>): Promise<void> {
  await db.insertInto('ciba_requests').values(row).execute();
}

export function findCibaRequest(db: Executor, tenantId: string, id: string): Promise<CibaRequestRow | undefined> {
  return db.selectFrom('ciba_requests').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export function findCibaRequestByHash(db: Executor, hash: string): Promise<CibaRequestRow | undefined> {
  return db.selectFrom('ciba_requests').selectAll().where('auth_req_hash', '=', hash).executeTakeFirst();
}

/** The tenant's requests still waiting for a decision and not past their end, oldest first. */
export function listWaitingCibaRequests(db: Executor, tenantId: string, nowIso: string): Promise<CibaRequestRow[]> {
  return db.selectFrom('ciba_requests').selectAll().where('tenant_id', '=', tenantId).where('status', '=', 'waiting').where('expires_at', '>', nowIso).orderBy('created_at').limit(100).execute();
}

/** Decide a waiting request: false when it was no longer waiting (decided at the same moment elsewhere). */
export async function decideCibaRequest(db: Executor, id: string, patch: { status: 'approved' | 'denied'; decided_by: string; decided_at: string; delegation_id: string | null }): Promise<boolean> {
  const r = await db.updateTable('ciba_requests').set(patch).where('id', '=', id).where('status', '=', 'waiting').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Note a poll; returns the previous poll's time (null: the first). */
export async function notePoll(db: Executor, id: string, nowIso: string): Promise<void> {
  await db.updateTable('ciba_requests').set({ last_polled_at: nowIso }).where('id', '=', id).execute();
}
