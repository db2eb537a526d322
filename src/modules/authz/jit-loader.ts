/** Reads eligible links and their open activations into the snapshot's JitIndex (see jit-index.ts). */
import type { Executor } from '../../platform/db/database.ts';
import { parseRoleList, type JitIndex } from './jit-index.ts';

/** `ids` null: every eligible link; else re-read these delegations' state. */
export async function loadJit(db: Executor, jit: JitIndex, ids: string[] | null): Promise<void> {
  let sq = db.selectFrom('delegation_jit_settings').select(['delegation_id', 'eligible', 'eligible_roles']);
  let aq = db.selectFrom('delegation_activations').select(['delegation_id', 'user_id', 'ends_at']).where('status', '=', 'active');
  if (ids) {
    sq = sq.where('delegation_id', 'in', ids);
    aq = aq.where('delegation_id', 'in', ids);
  } else {
    sq = sq.where((eb) => eb.or([eb('eligible', '=', 1), eb('eligible_roles', '!=', '[]')]));
  }
  const [settings, acts] = await Promise.all([sq.execute(), aq.execute()]);
  const byDelegation = new Map<string, { userId: string; endsAt: string }[]>();
  for (const a of acts) {
    if (a.ends_at === null) continue;
    let l = byDelegation.get(a.delegation_id);
    if (!l) byDelegation.set(a.delegation_id, (l = []));
    l.push({ userId: a.user_id, endsAt: a.ends_at });
  }
  const seen = new Set<string>();
  for (const r of settings) {
    seen.add(r.delegation_id);
    jit.put(r.delegation_id, r.eligible === 1, byDelegation.get(r.delegation_id) ?? [], parseRoleList(r.eligible_roles));
  }
  if (ids) for (const id of ids) if (!seen.has(id)) jit.put(id, false, []);
}
