/**
 * Retention of the audit log per organization, and the sweep that deletes what has expired while
 * keeping the hash chain verifiable (the audit module owns audit_events, audit_retention and
 * audit_tombstones).
 *
 * An organization keeps its events `days` days (no row: for ever). An event is deleted once it is
 * older than the retention of every organization that names it — its tenant (tenant_id), its
 * partner (partner_id) and the partner that acted (actor_partner_id); an event naming none follows
 * the platform's retention. So one organization's short retention never takes an event out of
 * another's log that keeps it longer.
 *
 * What a deletion leaves: a tombstone per event (its chain position, prev_hash and hash — no
 * content), so `audit verify` still walks the whole chain and sees every link, and per
 * organization the checkpoint (position and hash) of its newest deleted event, which its export
 * continues from. The database refuses to delete an event without its tombstone (the guard
 * trigger, migration 0043), and on PostgreSQL the application role may not delete audit events
 * at all: it asks audit_retention_delete(), which deletes only tombstoned events.
 */
import { sql } from 'kysely';
import type { Db, Executor, Tx } from '../../platform/db/database.ts';
import type { AuditRetentionTable } from '../../platform/db/schema.ts';
import type { Selectable } from 'kysely';
import type { AuditOrg } from './audit-stream.repo.ts';
import type { AuditRow } from './audit-names.ts';

export type RetentionRow = Selectable<AuditRetentionTable>;

/** Arbitrary constant: one sweeper at a time per database. */
const SWEEP_LOCK = 727_043;
/** Candidates examined per statement. */
const SWEEP_PAGE = 500;

const ownerId = (org: AuditOrg) => (org.type === 'platform' ? '' : org.id);
const key = (type: string, id: string) => `${type}:${id}`;

export function findRetention(db: Executor, org: AuditOrg): Promise<RetentionRow | undefined> {
  return db.selectFrom('audit_retention').selectAll().where('owner_type', '=', org.type).where('owner_id', '=', ownerId(org)).executeTakeFirst();
}

/** Set (or, with null, end) an organization's retention; its checkpoint stays. */
export async function upsertRetention(trx: Tx, org: AuditOrg, days: number | null, by: string | null, nowIso: string): Promise<void> {
  const have = await findRetention(trx, org);
  if (have) {
    await trx.updateTable('audit_retention').set({ days: days ?? 0, updated_by: by, updated_at: nowIso }).where('owner_type', '=', org.type).where('owner_id', '=', ownerId(org)).execute();
    return;
  }
  await trx.insertInto('audit_retention').values({ owner_type: org.type, owner_id: ownerId(org), days: days ?? 0, deleted_count: 0, updated_by: by, updated_at: nowIso }).execute();
}

type Candidate = Pick<AuditRow, 'seq' | 'chain_seq' | 'prev_hash' | 'hash' | 'occurred_at' | 'tenant_id' | 'partner_id' | 'actor_partner_id'>;

/** The organizations an event belongs to, for retention ('platform:' when it names none). */
function ownersOf(e: Candidate): string[] {
  const out: string[] = [];
  if (e.tenant_id) out.push(key('tenant', e.tenant_id));
  if (e.partner_id) out.push(key('partner', e.partner_id));
  if (e.actor_partner_id && e.actor_partner_id !== e.partner_id) out.push(key('partner', e.actor_partner_id));
  return out.length > 0 ? out : [key('platform', '')];
}

/** An event has expired when every organization it belongs to keeps events for less time than its age. */
export function expired(e: Candidate, cutoffs: ReadonlyMap<string, string>): boolean {
  return ownersOf(e).every((o) => {
    const c = cutoffs.get(o);
    return c !== undefined && e.occurred_at < c;
  });
}

export interface SweepResult {
  deleted: number;
  /** per organization ('tenant:tnt_…'), how many of its events went */
  byOrg: Map<string, number>;
}

/**
 * Delete what has expired at `now`, in one transaction per page of candidates: tombstones first,
 * then the events, then each organization's checkpoint moves to its newest deleted event.
 */
export async function sweepExpired(db: Db, now: Date): Promise<SweepResult> {
  const result: SweepResult = { deleted: 0, byOrg: new Map() };
  const policies = (await db.kysely.selectFrom('audit_retention').selectAll().where('days', '>', 0).execute()) as RetentionRow[];
  if (policies.length === 0) return result;
  const cutoffs = new Map(policies.map((p) => [key(p.owner_type, p.owner_id), new Date(now.getTime() - p.days * 86_400_000).toISOString()]));
  const oldest = [...cutoffs.values()].sort().at(-1)!;
  let after = 0;
  for (;;) {
    const page = await db.kysely.transaction().execute(async (trx) => {
      if (db.dialect === 'postgres' && !(await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${SWEEP_LOCK}) as ok`.execute(trx)).rows[0]?.ok) return null;
      const rows = (await trx
        .selectFrom('audit_events')
        .select(['seq', 'chain_seq', 'prev_hash', 'hash', 'occurred_at', 'tenant_id', 'partner_id', 'actor_partner_id'])
        .where('chain_seq', 'is not', null)
        .where('chain_seq', '>', after)
        .where('occurred_at', '<', oldest)
        .orderBy('chain_seq')
        .limit(SWEEP_PAGE)
        .execute()) as Candidate[];
      const gone = rows.filter((r) => expired(r, cutoffs));
      if (gone.length > 0) await deleteWithTombstones(db, trx, gone, now, result);
      return rows;
    });
    if (page === null || page.length < SWEEP_PAGE) return result;
    after = Number(page[page.length - 1].chain_seq);
  }
}

async function deleteWithTombstones(db: Db, trx: Tx, gone: Candidate[], now: Date, result: SweepResult): Promise<void> {
  const at = now.toISOString();
  await trx
    .insertInto('audit_tombstones')
    .values(gone.map((g) => ({ chain_seq: Number(g.chain_seq), prev_hash: g.prev_hash ?? '', hash: g.hash ?? '', deleted_at: at })))
    .execute();
  const positions = gone.map((g) => Number(g.chain_seq));
  if (db.dialect === 'postgres') await sql`select audit_retention_delete(${positions}::bigint[])`.execute(trx);
  else await trx.deleteFrom('audit_events').where('chain_seq', 'in', positions).execute();
  const newest = new Map<string, Candidate>();
  for (const g of gone) {
    for (const o of ownersOf(g)) {
      newest.set(o, g);
      result.byOrg.set(o, (result.byOrg.get(o) ?? 0) + 1);
    }
  }
  for (const [o, g] of newest) {
    const [type, id] = o.split(':') as ['tenant' | 'partner' | 'platform', string];
    await trx
      .updateTable('audit_retention')
      .set({ checkpoint_seq: Number(g.chain_seq), checkpoint_hash: g.hash, swept_at: at, deleted_count: sql`deleted_count + ${gone.filter((x) => ownersOf(x).includes(o)).length}` })
      .where('owner_type', '=', type)
      .where('owner_id', '=', id)
      .execute();
  }
  result.deleted += gone.length;
}

/** Tombstones in chain positions (after, upTo], for walking the chain (audit verify). */
export function tombstonesBetween(db: Executor, after: number, upTo: number) {
  return db.selectFrom('audit_tombstones').selectAll().where('chain_seq', '>', after).where('chain_seq', '<=', upTo).orderBy('chain_seq').execute();
}
