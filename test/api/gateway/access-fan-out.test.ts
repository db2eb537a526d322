/**
 * Reads across many tenants (a partner's consolidated views) in the access log, on both
 * databases: one event per tenant, each in that tenant's own log and listing every request of
 * the same read within the fan-out window; held in memory by the interval's flushes for that
 * window, and still replayed whole, once, from the files of an instance that died meanwhile.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySegments, spoolBed } from './spool-bed.ts';
import { AuditBuffer } from '../../../src/modules/audit/index.ts';
import type { AuditEntry } from '../../../src/modules/audit/audit-entry.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';

const bed = spoolBed('fan-out-test-');

/** Each access event of `tenantId`: its action, delegation and the request ids it lists. */
async function eventsOf(tenantId: string) {
  const rows = await bed.testDb.db.kysely.selectFrom('audit_events').select(['id', 'action', 'details']).where('tenant_id', '=', tenantId).execute();
  return rows.map((r) => {
    const d = JSON.parse(r.details) as { count: number; delegation_id: string; requests: { request_id: string }[] };
    return { id: r.id, action: r.action, delegation: d.delegation_id, count: d.count, requests: d.requests.map((q) => q.request_id) };
  });
}

/** One request of a consolidated read across `tenants` (the same key each time: the same read). */
function read(b: AuditBuffer, key: string, tenants: string[], requestId: string): void {
  const entries: AuditEntry[] = tenants.map((t) => ({ action: 'partner.consolidated_read', tenantId: t, partnerId: 'ptr_msp', targetType: 'endpoint', targetId: 'GET /api/v1/partner/dashboard', details: { delegation_id: `dlg_${t}` } }));
  b.pushFanOut(key, { at: Date.now(), request_id: requestId, path: 'GET /api/v1/partner/dashboard', ip: '10.0.0.9' }, systemContext(requestId), entries);
}

describe('a read across many tenants', () => {
  it('is one event per tenant, each in its own log, listing every request of the same read', async () => {
    const run = Date.now();
    const tenants = [`tnt_fa_${run}`, `tnt_fb_${run}`, `tnt_fc_${run}`];
    const b = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000, fanOutWindowMs: 3_600_000 });
    for (const q of ['req_1', 'req_2', 'req_3']) read(b, `dash-${run}`, tenants, `${q}_${run}`);
    expect(b.pending).toBe(3); // three events wait, whatever the number of requests
    // the interval's flush leaves a read younger than the window in memory
    await b.flushDue();
    expect(await eventsOf(tenants[0])).toEqual([]);
    await b.flush();
    for (const t of tenants) {
      const [e, ...more] = await eventsOf(t);
      expect(more).toEqual([]);
      expect(e).toMatchObject({ action: 'partner.consolidated_read', delegation: `dlg_${t}`, count: 3, requests: [`req_1_${run}`, `req_2_${run}`, `req_3_${run}`] });
    }
    expect(b.pending).toBe(0);
    expect((await bed.log.verify()).ok).toBe(true);
    await b.close();
  });

  it('names only the customers each request drew on: a customer gone starts a new group', async () => {
    const run = Date.now();
    const [a, b, c] = [`tnt_fg_${run}`, `tnt_fh_${run}`, `tnt_fi_${run}`];
    const buf = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000, fanOutWindowMs: 3_600_000 });
    read(buf, `dash-${run}`, [a, b, c], `req_1_${run}`);
    read(buf, `dash-${run}`, [a, b, c], `req_2_${run}`);
    // c ended the partner's access: the next read draws on a and b only
    read(buf, `dash-${run}`, [a, b], `req_3_${run}`);
    await buf.flush();
    expect((await eventsOf(c)).map((e) => e.requests)).toEqual([[`req_1_${run}`, `req_2_${run}`]]);
    const ofA = (await eventsOf(a)).map((e) => e.requests).sort((x, y) => x.length - y.length);
    expect(ofA).toEqual([[`req_3_${run}`], [`req_1_${run}`, `req_2_${run}`]]);
    await buf.close();
  });

  it('is written by the interval once it is older than the window', async () => {
    const run = Date.now();
    const b = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000, fanOutWindowMs: 0 });
    read(b, `dash-${run}`, [`tnt_fd_${run}`, `tnt_fe_${run}`], `req_due_${run}`);
    await b.flushDue();
    expect((await eventsOf(`tnt_fe_${run}`)).map((e) => e.requests)).toEqual([[`req_due_${run}`]]);
    await b.close();
  });

  it('held across flushes, is replayed whole and once from the files of an instance that died', async () => {
    const run = Date.now();
    const tenants = [`tnt_fr_${run}`, `tnt_fs_${run}`];
    const dir = bed.tempDir();
    const live = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000, fanOutWindowMs: 3_600_000 });
    await live.start(path.join(dir, 'live'));
    read(live, `dash-${run}`, tenants, `req_a_${run}`);
    // a flush seals the segment the read began in; the read is held, so the segment stays
    await live.flushDue();
    read(live, `dash-${run}`, tenants, `req_b_${run}`);
    await live.flushDue();
    expect(await eventsOf(tenants[0])).toEqual([]);
    // the files as the instance would leave them if it died now
    const orphan = path.join(dir, 'orphan');
    copySegments(path.join(dir, 'live'), orphan);
    const replayer = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await replayer.start(orphan);
    for (const t of tenants) expect((await eventsOf(t)).map((e) => e.requests)).toEqual([[`req_a_${run}`, `req_b_${run}`]]);
    // the live instance writing the same events afterwards adds nothing
    await live.close();
    for (const t of tenants) expect((await eventsOf(t)).length).toBe(1);
    expect(readdirSync(path.join(dir, 'live')).filter((n) => n.endsWith('.spool'))).toEqual([]);
    expect((await bed.log.verify()).ok).toBe(true);
    await replayer.close();
  });
});
