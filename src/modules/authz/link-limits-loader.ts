/** Reads customers' limits on their links into the snapshot's LinkLimitsIndex (see link-limits.ts). */
import type { Executor } from '../../platform/db/database.ts';
import type { LinkHours, LinkLimitsIndex } from './link-limits.ts';

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** `ids` null: every link with limits; else re-read these links' limits (a link without a row has none). */
export async function loadLinkLimits(db: Executor, index: LinkLimitsIndex, ids: string[] | null): Promise<void> {
  let q = db.selectFrom('delegation_limits').select(['delegation_id', 'ip_allow', 'hours']);
  if (ids) q = q.where('delegation_id', 'in', ids);
  const seen = new Set<string>();
  for (const r of await q.execute()) {
    seen.add(r.delegation_id);
    index.put(r.delegation_id, parseJson<string[]>(r.ip_allow, []), parseJson<LinkHours | null>(r.hours, null));
  }
  if (ids) for (const id of ids) if (!seen.has(id)) index.remove(id);
}
