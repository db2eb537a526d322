/**
 * The audit hash chain, pure: each event's hash covers its content and the previous hash, so
 * changing, removing or reordering any stored event breaks every hash after it.
 */
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields the hash covers, in a fixed order. */
export interface ChainedFields {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_user_id: string | null;
  actor_partner_id: string | null;
  actor_client_id: string | null;
  partner_agency_id: string | null;
  tenant_id: string | null;
  partner_id: string | null;
  ban: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string;
}

/** The fields the hash covers, in order (also the column order of an inserted event). */
export const CHAIN_ORDER: readonly (keyof ChainedFields)[] = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_user_id',
  'actor_partner_id',
  'actor_client_id',
  'partner_agency_id',
  'tenant_id',
  'partner_id',
  'ban',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'request_id',
  'ip',
  'user_agent',
  'details',
];

/**
 * SHA-256 over prevHash, then each field in CHAIN_ORDER preceded by U+001F (U+0000 for null), as
 * UTF-8. Built as one string and hashed once: the same bytes as feeding the pieces one by one,
 * at a fraction of the cost (one call into the hash instead of 37).
 */
export function chainHash(prevHash: string, e: ChainedFields): string {
  let s = prevHash;
  for (let i = 0; i < CHAIN_ORDER.length; i++) s += '\u001f' + (e[CHAIN_ORDER[i]] ?? '\u0000');
  return hash('sha256', s, 'hex');
}

export type ChainVerdict = { ok: true; checked: number } | { ok: false; checked: number; brokenAtSeq: number; reason: string };

/** What the retention sweep keeps of a deleted event: its links, no content to hash. */
export interface Tombstone {
  tombstone: true;
  seq: number;
  prev_hash: string;
  hash: string;
}

/**
 * Verify a sequence of stored events (ordered by seq), continuing from `prevHash`. A tombstone
 * (an event the retention sweep deleted) keeps its place: its links are checked, its content
 * is gone.
 */
export function verifyChain(
  events: Iterable<(ChainedFields & { seq: number; prev_hash: string; hash: string }) | Tombstone>,
  prevHash: string = GENESIS_HASH,
): ChainVerdict & { lastHash: string } {
  let checked = 0;
  let prev = prevHash;
  for (const e of events) {
    if (e.prev_hash !== prev) {
      return { ok: false, checked, brokenAtSeq: e.seq, reason: 'prev_hash does not match the previous event (an event was removed or reordered)', lastHash: prev };
    }
    if ('tombstone' in e) {
      prev = e.hash;
      checked++;
      continue;
    }
    const expected = chainHash(prev, e);
    if (expected !== e.hash) {
      return { ok: false, checked, brokenAtSeq: e.seq, reason: 'hash does not match the content (the event was altered)', lastHash: prev };
    }
    prev = e.hash;
    checked++;
  }
  return { ok: true, checked, lastHash: prev };
}
