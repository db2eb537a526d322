/**
 * The access-event spool, in process, on both databases: what an instance
 * spooled is written to the audit log once — whether it arrives by the live flush, by a replay of
 * the files a dead instance left, or by both, and however many instances replay it; a torn last
 * line is skipped; a live instance's files are never replayed by another one on the same
 * DATA_DIR; the files of what the database has are deleted; a spool that cannot be written makes
 * the gateway refuse (503 audit_backlog_full) rather than serve what a crash could leave unaudited.
 * The crash itself (SIGKILL of a real process, with and without the database) is in
 * access-spool-crash.test.ts.
 */
import { appendFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySegments, spoolBed } from './spool-bed.ts';
import { AuditBuffer, AuditLog } from '../../../src/modules/audit/index.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { openDatabase } from '../../../src/platform/db/database.ts';
import { withDbContext } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { consentClaims, consentedApp, gw, mintToken } from './helpers.ts';

const bed = spoolBed('spool-test-');

/** The request ids of every access event of `tenantId` in the log, with how often each is there. */
async function loggedRequests(tenantId: string): Promise<Map<string, number>> {
  const rows = await bed.testDb.db.kysely.selectFrom('audit_events').select('details').where('tenant_id', '=', tenantId).execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const d = JSON.parse(r.details) as { requests?: { request_id: string }[]; request_id?: string };
    for (const q of d.requests ?? [{ request_id: d.request_id! }]) out.set(q.request_id, (out.get(q.request_id) ?? 0) + 1);
  }
  return out;
}

/** `n` grouped requests (two routes) and one single event, for `tenantId`. */
function spoolSome(b: AuditBuffer, tenantId: string, n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const route = i % 2 === 0 ? 'GET /resources/v1/orders' : 'GET /resources/v1/invoices';
    const requestId = `req_${tenantId.slice(-6)}_${i}`;
    ids.push(requestId);
    b.pushGrouped(`${tenantId}|${route}`, { at: Date.now(), request_id: requestId, path: route.slice(4), ip: '10.0.0.1' }, () => ({
      ctx: { requestId, ip: '10.0.0.1', userAgent: 'spool-test', actor: { type: 'app', userId: null, partnerId: 'ptr_x', clientId: 'app_x', agencyId: null } },
      entry: { action: 'gateway.request', tenantId, partnerId: 'ptr_x', targetType: 'route', targetId: route, details: { method: 'GET', path: route.slice(4), status: 200, decision: 'allowed' } },
    }));
  }
  const single = `req_${tenantId.slice(-6)}_single`;
  ids.push(single);
  b.push({ ...systemContext(single) }, { action: 'partner.consolidated_read', tenantId, details: { request_id: single } });
  return ids;
}

describe('the access-event spool', () => {
  it('writes each event once: the live flush and any number of replays of the same files', async () => {
    const tenantId = `tnt_spool_${Date.now()}`;
    const live = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    const dir = bed.tempDir();
    await live.start(path.join(dir, 'live'));
    const ids = spoolSome(live, tenantId, 30);
    // what a dead instance would have left: the same lines, without a live lock
    const orphan = path.join(dir, 'orphan');
    expect(copySegments(path.join(dir, 'live'), orphan).length).toBeGreaterThan(0);
    const copy = path.join(dir, 'copy');
    copySegments(orphan, copy);

    // another instance starting on that folder replays it...
    const replayer = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await replayer.start(orphan);
    const afterReplay = await loggedRequests(tenantId);
    expect(ids.every((id) => afterReplay.get(id) === 1)).toBe(true);
    expect(readdirSync(orphan).filter((f) => f.startsWith('deadhost'))).toEqual([]);
    // ...a second one replays the same files again, and the live instance flushes them too
    const second = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await second.start(copy);
    await live.close();
    const after = await loggedRequests(tenantId);
    expect(ids.filter((id) => after.get(id) !== 1)).toEqual([]);
    expect(after.size).toBe(ids.length);
    expect((await bed.log.verify()).ok).toBe(true);
    await replayer.close();
    await second.close();
  });

  it('skips a line torn by a crash of the machine and keeps the rest', async () => {
    const tenantId = `tnt_torn_${Date.now()}`;
    const dir = bed.tempDir();
    const src = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await src.start(path.join(dir, 'src'));
    const ids = spoolSome(src, tenantId, 6);
    const orphan = path.join(dir, 'orphan');
    const [segment] = copySegments(path.join(dir, 'src'), orphan);
    appendFileSync(path.join(orphan, segment), '{"r":1,"at":17000000000');
    const b = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await b.start(orphan);
    const logged = await loggedRequests(tenantId);
    expect(ids.filter((id) => logged.get(id) !== 1)).toEqual([]);
    await b.close();
    await src.close();
  });

  it('writes a batch as the system, whatever context started the flush (the second wall on PostgreSQL)', async () => {
    const tenantId = `tnt_wall_${Date.now()}`;
    // the app role without the tests' ambient system context, as in production
    const plain = bed.testDb.databaseUrl ? openDatabase({ databaseUrl: bed.testDb.databaseUrl, dataDir: bed.testDb.dataDir, poolSize: 1 }) : bed.testDb.db;
    try {
      const b = new AuditBuffer(new AuditLog(plain, systemClock), systemClock, { flushIntervalMs: 3_600_000 });
      const ids = spoolSome(b, tenantId, 4);
      // a request of another tenant fills the batch and starts the flush
      await withDbContext({ kind: 'tenant', tenantId: 'tnt_someone_else' }, () => b.flush());
      expect([...(await loggedRequests(tenantId)).keys()].sort()).toEqual([...ids].sort());
      await b.close();
    } finally {
      if (plain !== bed.testDb.db) await plain.close();
    }
  });

  it("never replays a live instance's files, and deletes the files of what the database has", async () => {
    const tenantId = `tnt_live_${Date.now()}`;
    const dir = bed.tempDir();
    const a = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await a.start(dir);
    const ids = spoolSome(a, tenantId, 10);
    // a second instance on the same DATA_DIR: a's lock is held, its events are a's to write
    const b = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await b.start(dir);
    expect(await b.replayOrphans()).toBe(0);
    expect((await loggedRequests(tenantId)).size).toBe(0);
    await a.flush();
    expect([...(await loggedRequests(tenantId)).keys()].sort()).toEqual([...ids].sort());
    // written: only the locks and the (empty) segments being written remain
    const left = readdirSync(dir);
    expect(left.filter((f) => f.endsWith('.lock')).length).toBe(2);
    expect(left.filter((f) => f.endsWith('.spool')).length).toBeLessThanOrEqual(2);
    await a.close();
    await b.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps its lock through rotations, and writes it again when it was removed, so its files are never taken for a dead instance’s', async () => {
    const tenantId = `tnt_lock_${Date.now()}`;
    const dir = bed.tempDir();
    const a = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await a.start(dir);
    const lock = () => readdirSync(dir).find((f) => f.endsWith('.lock'))!;
    const name = lock();
    // a lock of an earlier time: a rotation that rewrote it would give it the present one
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(dir, name), old, old);
    spoolSome(a, tenantId, 4);
    await a.flush();
    expect(Math.abs(statSync(path.join(dir, name)).mtimeMs - old.getTime())).toBeLessThan(2000);
    // removed under the live instance: the next rotation puts it back before another instance looks
    rmSync(path.join(dir, name));
    const ids = spoolSome(a, `${tenantId}_2`, 4);
    await a.flush();
    expect(lock()).toBe(name);
    const b = new AuditBuffer(bed.log, systemClock, { flushIntervalMs: 3_600_000 });
    await b.start(dir);
    expect(await b.replayOrphans()).toBe(0);
    const logged = await loggedRequests(`${tenantId}_2`);
    expect(ids.filter((id) => logged.get(id) !== 1)).toEqual([]);
    await a.close();
    await b.close();
  });
});

describe('a spool that cannot be written', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { GATEWAY_AUDIT_FLUSH_MS: '600000' } });
  });
  afterAll(() => t?.close());

  it('makes the gateway refuse rather than serve what a crash could leave unaudited, until it can be written again', async () => {
    const tenant = await t.world.tenant();
    const token = await mintToken(t, consentClaims(await consentedApp(t, { tenant }), tenant));
    expect((await gw(t, 'GET', '/resources/v1/context', { token })).status).toBe(200);
    const dir = path.join(t.testDb.dataDir, 'access-spool');
    // the folder replaced by a file: no new segment can be opened
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a folder');
    try {
      await t.services.gateway.auditBuffer.flush();
      const refused = await gw(t, 'GET', '/resources/v1/context', { token });
      expect([refused.status, refused.body.code, refused.headers['retry-after']]).toEqual([503, 'audit_backlog_full', '5']);
    } finally {
      rmSync(dir, { force: true });
    }
    await t.services.gateway.auditBuffer.flush();
    expect((await gw(t, 'GET', '/resources/v1/context', { token })).status).toBe(200);
  });
});
