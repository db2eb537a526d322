/**
 * Checking an audit export (or a stream) as its recipient does, pure: every event's hash is
 * recomputed from its content and the chain's previous hash (nothing was altered), and every
 * event links to the organization's event before it — the first to the page's prev_hash, each
 * next to the one before (nothing is missing or out of order). Pages chain the same way: a page's
 * prev_hash is the last page's last_hash. docs/integrators/audit-streaming.md shows the same
 * check as a stand-alone script.
 */
import { chainHash } from '../audit/index.ts';
import type { WireEvent } from './audit-wire.ts';

export type ExportVerdict = { ok: true; checked: number; lastHash: string } | { ok: false; checked: number; atEventId: string; reason: string };

export function verifyExport(page: { prev_hash: string; events: readonly WireEvent[] }): ExportVerdict {
  let link = page.prev_hash;
  let checked = 0;
  for (const e of page.events) {
    if (e.org_prev_hash !== link) return { ok: false, checked, atEventId: e.id, reason: 'the event does not follow the one before it: an event is missing or out of order' };
    if (!e.redacted && chainHash(e.prev_hash, e) !== e.hash) return { ok: false, checked, atEventId: e.id, reason: 'the event does not match its hash: it was altered' };
    link = e.hash;
    checked++;
  }
  return { ok: true, checked, lastHash: link };
}
