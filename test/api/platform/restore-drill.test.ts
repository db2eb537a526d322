/**
 * The restore drill of docs/operators/backup-and-restore.md, on real PostgreSQL clusters of the
 * test's own (initdb and pg_ctl from /usr/lib/postgresql, temp dirs, loopback ports from
 * 20000–32767, never the shared server):
 *
 *   a primary that archives its WAL (archive_command) serves Partnergate; a client creates customers
 *   in four batches: 1, a logical dump (pg_dump -Fc), 2, the base backup (pg_basebackup), the
 *   recovery target time T, 3, the current WAL segment archived (what archive_timeout does), 4 —
 *   and then the primary is killed (SIGKILL) and its data folder deleted: the machine is lost.
 *
 *   - point-in-time recovery to T (base backup + archive, recovery_target_time): batches 1 and 2,
 *     nothing of 3 — the copy as it was at T;
 *   - recovery to the end of the archive: batches 1–3; batch 4, acknowledged but never archived,
 *     is what the loss of the machine cost (the RPO);
 *   - the logical dump restored into a new database: batch 1.
 *
 * Each restored database must pass `partnergate db verify` (schema, row-level security, the audit
 * chain up to its head, the decision snapshot) and serve a sign-in. The figures (RPO as writes and
 * seconds, RTO from the start of the restore to a serving instance) are printed as one line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresBin, startOwnPostgres, type OwnPostgres } from '../../helpers/own-postgres.ts';
import { runCliAsync, startServer, type ServerProcess } from '../../helpers/server-process.ts';

const run = promisify(execFile);
const OPERATOR = { email: 'ops@restore.test', password: 'a long restore passphrase 9' };
const BATCH = 8;

const clusters: OwnPostgres[] = [];
const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const c of clusters) await c.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** Partnergate's settings for a database on a cluster: the owner migrates, the service is partnergate_app. */
const settings = (cluster: OwnPostgres, database: string, dataDir: string) => ({
  DATABASE_URL: `postgres://partnergate_app@127.0.0.1:${cluster.port}/${database}`,
  DATABASE_OWNER_URL: cluster.url(database),
  SCRYPT_COST: '10',
  DATA_DIR: dataDir,
});

async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OPERATOR) });
  expect(r.status).toBe(200);
  return { cookie: r.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='))!.split(';')[0], csrf: ((await r.json()) as { csrf_token: string }).csrf_token };
}

/** Creates `BATCH` customers one after another; returns their slugs with the time each was acknowledged. */
async function createCustomers(base: string, session: { cookie: string; csrf: string }, batch: number): Promise<{ slug: string; ackedAt: number }[]> {
  const out: { slug: string; ackedAt: number }[] = [];
  for (let i = 0; i < BATCH; i++) {
    const slug = `drill-${batch}-${i}`;
    const r = await fetch(`${base}/api/v1/tenants`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Drill customer ${batch}-${i}`, slug }),
    });
    expect(r.status, await r.text()).toBe(201);
    out.push({ slug, ackedAt: Date.now() });
  }
  return out;
}

const slugsIn = async (url: string) => (await query<{ slug: string }>(url, "select slug from tenants where slug like 'drill-%' order by slug")).map((r) => r.slug);
const sorted = (xs: { slug: string }[][]) => xs.flat().map((x) => x.slug).sort();

/** Verifies a restored database with `db verify` and has an instance serve a sign-in on it; returns when that happened. */
async function verifyAndServe(env: Record<string, string>): Promise<{ verifiedAt: number; servingAt: number; report: { ok: boolean; checks: { check: string; ok: boolean; detail: string }[] } }> {
  const verify = await runCliAsync(['db', 'verify', '--json'], { ...env, DATABASE_OWNER_URL: undefined });
  const report = JSON.parse(verify.out || '{}');
  const verifiedAt = performance.now();
  const server = await startServer({ env });
  servers.push(server);
  await signIn(server.base);
  const servingAt = performance.now();
  await server.stop();
  return { verifiedAt, servingAt, report };
}

async function waitPromoted(url: string): Promise<void> {
  for (;;) {
    const [r] = await query<{ standby: boolean }>(url, 'select pg_is_in_recovery() as standby').catch(() => [{ standby: true }]);
    if (!r.standby) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the restore drill', () => {
  it('restores to a point in time, to the end of the archive and from a logical dump, each verified', { timeout: 900_000 }, async () => {
    const bin = postgresBin();
    const work = mkdtempSync(path.join(tmpdir(), 'restore-drill-'));
    dirs.push(work);
    const archive = path.join(work, 'wal-archive');
    await run('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '0700', archive]);
    await run('chown', ['postgres:postgres', work]);

    // The primary archives every WAL segment it fills (or after archive_timeout) to the archive folder.
    const primary = await startOwnPostgres({
      conf: ['wal_level = replica', 'archive_mode = on', `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`, "archive_timeout = '60s'"],
    });
    clusters.push(primary);
    await primary.createDatabase('partnergate');
    // the service's role, as a DBA creates it (docs/operators/install.md, "The second wall")
    await query(primary.url(), 'create role partnergate_app login nosuperuser nobypassrls');
    const primaryEnv = settings(primary, 'partnergate', path.join(work, 'primary-data'));
    for (const args of [['migrate'], ['admin', 'create', '--email', OPERATOR.email, '--password', OPERATOR.password]]) {
      const r = await runCliAsync(args, primaryEnv);
      expect(r.code, r.err).toBe(0);
    }
    const server = await startServer({ env: primaryEnv });
    servers.push(server);
    const session = await signIn(server.base);

    const batch1 = await createCustomers(server.base, session, 1);
    const dump = path.join(work, 'partnergate.dump');
    await run(path.join(bin, 'pg_dump'), ['-Fc', '-f', dump, primary.url('partnergate')]);
    const baseBackup = path.join(work, 'base');
    await primary.basebackup(baseBackup);
    const batch2 = await createCustomers(server.base, session, 2);
    // the recovery target: after batch 2's last acknowledgement, before batch 3's first request
    const target = Date.now() + 1;
    while (Date.now() <= target) {
      // the next millisecond, so no commit of batch 2 shares the target's
    }
    const batch3 = await createCustomers(server.base, session, 3);
    // what archive_timeout does at the latest: the segment in use is closed and archived
    const [{ segment }] = await query<{ segment: string }>(primary.url('partnergate'), 'select pg_walfile_name(pg_switch_wal()) as segment');
    for (;;) {
      const [a] = await query<{ last: string | null }>(primary.url('partnergate'), 'select last_archived_wal as last from pg_stat_archiver');
      if (a.last !== null && a.last >= segment) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const archivedAt = Date.now();
    const batch4 = await createCustomers(server.base, session, 4);
    expect(await slugsIn(primary.url('partnergate'))).toEqual(sorted([batch1, batch2, batch3, batch4]));

    // The machine is lost: the server killed, its data folder gone. The base backup and the archive remain.
    await server.stop({ hard: true });
    await primary.kill();
    const lostAt = Date.now();
    rmSync(path.join(primary.dir, 'data'), { recursive: true, force: true });

    const restore = async (name: string, recovery: string[]) => {
      const started = performance.now();
      const cluster = await startOwnPostgres({ baseBackup, conf: ['archive_mode = off', `restore_command = 'cp ${archive}/%f %p'`, ...recovery] });
      clusters.push(cluster);
      await waitPromoted(cluster.url('partnergate'));
      const recoveredAt = performance.now();
      const { verifiedAt, servingAt, report } = await verifyAndServe(settings(cluster, 'partnergate', path.join(work, `${name}-data`)));
      return { cluster, report, slugs: await slugsIn(cluster.url('partnergate')), seconds: { recovery: (recoveredAt - started) / 1000, verify: (verifiedAt - recoveredAt) / 1000, rto: (servingAt - started) / 1000 } };
    };

    // 1. Point-in-time recovery to the target: batches 1 and 2, none of 3.
    const pitr = await restore('pitr', [`recovery_target_time = '${new Date(target).toISOString().replace('T', ' ').replace('Z', '+00')}'`, "recovery_target_action = 'promote'"]);
    expect(pitr.slugs).toEqual(sorted([batch1, batch2]));
    expect(pitr.report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(pitr.report.checks.find((c) => c.check === 'audit_chain')?.detail).toMatch(/^intact: \d+ events/);

    // 2. Everything the archive holds: batches 1–3; batch 4 was acknowledged after the last archived segment.
    const latest = await restore('latest', []);
    expect(latest.slugs).toEqual(sorted([batch1, batch2, batch3]));
    expect(latest.report.checks.filter((c) => !c.ok)).toEqual([]);

    // 3. The logical dump, into a new database of the restored cluster (its roles came with the base backup).
    const logicalStarted = performance.now();
    await latest.cluster.createDatabase('partnergate_from_dump');
    await run(path.join(bin, 'pg_restore'), ['-d', latest.cluster.url('partnergate_from_dump'), '--exit-on-error', dump]);
    const logical = await verifyAndServe(settings(latest.cluster, 'partnergate_from_dump', path.join(work, 'logical-data')));
    expect(await slugsIn(latest.cluster.url('partnergate_from_dump'))).toEqual(sorted([batch1]));
    expect(logical.report.checks.filter((c) => !c.ok)).toEqual([]);

    const lastKept = Math.max(...batch3.map((b) => b.ackedAt));
    const figures = {
      rpo_writes_lost: batch4.length,
      rpo_seconds: (lostAt - lastKept) / 1000,
      archived_to_loss_seconds: (lostAt - archivedAt) / 1000,
      rto_pitr_seconds: pitr.seconds,
      rto_latest_seconds: latest.seconds,
      rto_logical_seconds: (logical.servingAt - logicalStarted) / 1000,
      audit_chain_after_pitr: pitr.report.checks.find((c) => c.check === 'audit_chain')?.detail,
    };
    process.stdout.write(`restore drill: ${JSON.stringify(figures)}\n`);
  });
});
