/**
 * The audit log as an organization's security team reads it from outside: its events in chain
 * order (audit_events.chain_seq) after a position, each with the link to the organization's
 * previous event, for streaming (modules/auditstream) and export. An organization's events are
 * the ones its audit log lists: a tenant's name it (tenant_id), a partner's name it or were done
 * by its people and apps (partner_id, actor_partner_id), the platform's are all of them.
 * Only sealed events (in the chain) are read: on PostgreSQL the sealer chains them within
 * moments of their commit. Owns nothing new; audit_retention's checkpoint is where an
 * organization's chain continues after the retention sweep deleted its oldest events.
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/database.ts';
import { GENESIS_HASH } from './audit-chain.ts';
import type { AuditRow } from './audit-names.ts';

export type AuditOrg = { type: 'tenant'; id: string } | { type: 'partner'; id: string } | { type: 'platform' };

/** A sealed event: chain_seq, prev_hash and hash are set. */
export type ChainedRow = AuditRow & { chain_seq: number; prev_hash: string; hash: string };

function ofOrg(org: AuditOrg) {
  return (eb: ExpressionBuilder<Database, 'audit_events'>) => {
    if (org.type === 'tenant') return eb('tenant_id', '=', org.id);
    if (org.type === 'partner') return eb.or([eb('partner_id', '=', org.id), eb('actor_partner_id', '=', org.id)]);
    return eb.val(true);
  };
}

const ownerId = (org: AuditOrg) => (org.type === 'platform' ? '' : org.id);

function chained(rows: AuditRow[]): ChainedRow[] {
  return rows.map((r) => ({ ...r, chain_seq: Number(r.chain_seq), prev_hash: r.prev_hash ?? '', hash: r.hash ?? '' }));
}

/** The organization's sealed events after chain position `after`, in chain order, at most `limit`; `since` skips older ones. */
export async function orgEventsAfter(db: Executor, org: AuditOrg, after: number, limit: number, since?: string): Promise<ChainedRow[]> {
  let q = db.selectFrom('audit_events').selectAll().where('chain_seq', 'is not', null).where('chain_seq', '>', after).where(ofOrg(org));
  if (since) q = q.where('occurred_at', '>=', since);
  return chained((await q.orderBy('chain_seq').limit(limit).execute()) as AuditRow[]);
}

/** How many of the organization's sealed events lie after chain position `after`. */
export async function orgBacklog(db: Executor, org: AuditOrg, after: number): Promise<number> {
  const r = await db.selectFrom('audit_events').select(sql<number | string>`count(*)`.as('n')).where('chain_seq', 'is not', null).where('chain_seq', '>', after).where(ofOrg(org)).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * The hash an organization's chain continues from before position `before`: its previous event's
 * hash, else the retention sweep's checkpoint (the last event it deleted), else the genesis hash.
 */
export async function orgLinkBefore(db: Executor, org: AuditOrg, before: number): Promise<string> {
  const prev = await db.selectFrom('audit_events').select('hash').where('chain_seq', 'is not', null).where('chain_seq', '<', before).where(ofOrg(org)).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
  if (prev?.hash) return prev.hash;
  const cp = await db.selectFrom('audit_retention').select('checkpoint_hash').where('owner_type', '=', org.type).where('owner_id', '=', ownerId(org)).executeTakeFirst();
  return cp?.checkpoint_hash ?? GENESIS_HASH;
}

/** Where the chain ends now: the newest sealed position. */
export async function chainHeadSeq(db: Executor): Promise<number> {
  const h = await db.selectFrom('audit_head').select('last_seq').where('id', '=', 1).executeTakeFirst();
  return Number(h?.last_seq ?? 0);
}
