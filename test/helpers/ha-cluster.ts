/**
 * A highly available PostgreSQL and Redis of the test's own, as real processes on loopback, for the
 * failover suite (test/helpers/failover-suite.ts) — never the shared servers on 5432 and 6379:
 *  - etcd (one member) as Patroni's store;
 *  - two PostgreSQL nodes managed by Patroni, synchronous replication (`synchronous_mode`), a
 *    leader key with a 10 s lease, checked every second;
 *  - HAProxy in front, sending connections to the node whose Patroni answers `GET /primary` with
 *    200 (checked every 500 ms) and cutting the sessions of a node that stops answering it;
 *  - a Redis master and a replica with a password, watched by three Sentinels (quorum two, with a
 *    password of their own; the master is called down after 1 s): redis-sentinel.ts.
 * Ports from 20000–32767 (freePort), every file in one temp folder, every process started here
 * killed by cleanup() and, should the test process die first, by its exit handler.
 *
 * Debian's packages: patroni, etcd-server, haproxy, redis-server (and PostgreSQL's server
 * binaries under /usr/lib/postgresql). requireHaTools() fails loudly, naming the apt line, when
 * one is missing: the suite never skips.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startSentinelRedis, type SentinelRedis } from './redis-sentinel.ts';
import { freePort } from './server-process.ts';

/** What .ci/run (or a developer) installs for the failover suite. */
export const HA_APT_LINE = 'apt-get update && apt-get install -y patroni etcd-server haproxy pgbouncer redis-sentinel';

const TOOLS: Record<string, string> = {
  patroni: '/usr/bin/patroni',
  etcd: '/usr/bin/etcd',
  haproxy: '/usr/sbin/haproxy',
  'redis-server': '/usr/bin/redis-server',
};

/** The newest PostgreSQL server binaries' folder, or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

/** Throws, naming what is missing and the apt line that installs it. */
export function requireHaTools(extra: Record<string, string> = {}): void {
  const missing = Object.entries({ ...TOOLS, ...extra })
    .filter(([, file]) => !existsSync(file))
    .map(([name]) => name);
  if (postgresBinDir() === null) missing.push('PostgreSQL server binaries (/usr/lib/postgresql/*/bin/postgres)');
  if (missing.length > 0) throw new Error(`the failover suite needs ${missing.join(', ')}, which are not installed: run \`${HA_APT_LINE}\` (as root)`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every process started here, killed when this process exits (a run that died before cleanup). */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) killTree(pid);
});

/** Every live process whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL to `pid` and everything below it, by process id (children first looked up, then all killed at once). */
function killTree(pid: number): void {
  const all: number[] = [];
  const walk = (p: number) => {
    all.push(p);
    for (const c of childrenOf(p)) walk(c);
  };
  walk(pid);
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function gone(pids: number[], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await sleep(25);
}

interface Started {
  proc: ChildProcess;
  log: string;
}

/** Starts a program with its output into `log` (a file); as the postgres OS user when `asPostgres`. */
function start(file: string, args: string[], log: string, opts: { asPostgres?: { uid: number; gid: number }; cwd?: string; env?: Record<string, string> } = {}): Started {
  const out = createWriteStream(log, { flags: 'a' });
  const proc = spawn(file, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...opts.env },
    ...(opts.asPostgres ? { uid: opts.asPostgres.uid, gid: opts.asPostgres.gid } : {}),
  });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  if (proc.pid) live.add(proc.pid);
  proc.once('exit', () => proc.pid && live.delete(proc.pid));
  return { proc, log };
}

/** true when a connection through `url` reaches a server that takes writes */
async function writableThrough(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000, query_timeout: 1000 });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.query<{ r: boolean }>('select pg_is_in_recovery() as r')).rows[0]?.r === false;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function httpStatus(url: string, ms = 1000): Promise<number> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(ms) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

async function waitFor(what: string, probe: () => Promise<boolean>, ms: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${ms} ms\n${logs()}`);
}

export interface PgNode {
  name: string;
  pgPort: number;
  apiPort: number;
  dataDir: string;
  patroni: Started | null;
}

export interface HaCluster {
  readonly dir: string;
  /** HAProxy's address: always the current primary (postgres superuser, trust) */
  pgUrl(database?: string): string;
  readonly nodes: readonly PgNode[];
  /** the node whose Patroni says it is the primary, or null */
  primary(): Promise<PgNode | null>;
  /** resolves once a primary answers through HAProxy and the other node is its synchronous standby */
  waitHealthy(ms?: number): Promise<void>;
  /** SIGKILL to the primary's Patroni, its PostgreSQL and every backend at once: the machine is gone */
  killPrimary(): Promise<PgNode>;
  /** the Redis master, its replica and the three Sentinels (redis-sentinel.ts) */
  readonly redis: SentinelRedis;
  /** the tail of every log, for failure messages */
  logs(): string;
  cleanup(): Promise<void>;
}

export async function startHaCluster(): Promise<HaCluster> {
  requireHaTools();
  const bin = postgresBinDir()!;
  const dir = mkdtempSync(path.join(tmpdir(), 'partnergate-ha-'));
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const root = process.getuid?.() === 0;
  const pgUser = root ? { uid, gid } : undefined;
  const started: Started[] = [];
  const logFiles: string[] = [];
  const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-15).join('\n') : '');
  const logs = () => logFiles.map((f) => `--- ${path.basename(f)}\n${tail(f)}`).join('\n');

  // ---- etcd
  const etcdPort = await freePort();
  const etcdPeer = await freePort();
  const etcdLog = path.join(dir, 'etcd.log');
  logFiles.push(etcdLog);
  started.push(
    start(TOOLS.etcd, [
      '--name', 'e1', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `e1=http://127.0.0.1:${etcdPeer}`, '--log-level', 'warn',
    ], etcdLog),
  );

  // ---- Redis master, replica, three Sentinels (started while etcd comes up)
  const redis = await startSentinelRedis(dir);
  logFiles.push(...redis.logFiles);

  await waitFor('etcd answers', async () => (await httpStatus(`http://127.0.0.1:${etcdPort}/health`)) === 200, 30_000, logs);

  // ---- two Patroni-managed PostgreSQL nodes
  const scope = `pgha${path.basename(dir).replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const nodes: PgNode[] = [];
  for (const name of ['pg1', 'pg2']) {
    const nodeDir = path.join(dir, name);
    mkdirSync(nodeDir, { mode: 0o700 });
    if (root) chownSync(nodeDir, uid, gid);
    nodes.push({ name, pgPort: await freePort(), apiPort: await freePort(), dataDir: path.join(nodeDir, 'data'), patroni: null });
  }
  if (root) chownSync(dir, uid, gid);
  const startPatroni = (n: PgNode) => {
    const nodeDir = path.dirname(n.dataDir);
    // JSON is YAML: Patroni reads it as its configuration file
    const config = {
      scope,
      namespace: '/partnergate-ha/',
      name: n.name,
      log: { level: 'WARNING' },
      restapi: { listen: `127.0.0.1:${n.apiPort}`, connect_address: `127.0.0.1:${n.apiPort}` },
      etcd3: { hosts: [`127.0.0.1:${etcdPort}`] },
      bootstrap: {
        dcs: {
          ttl: 10,
          loop_wait: 1,
          retry_timeout: 4,
          maximum_lag_on_failover: 1048576,
          synchronous_mode: true,
          postgresql: {
            use_pg_rewind: false,
            use_slots: true,
            parameters: { max_connections: 200, synchronous_commit: 'on', wal_level: 'replica', hot_standby: 'on', max_wal_senders: 10, max_replication_slots: 10, wal_keep_size: '128MB' },
          },
        },
        initdb: [{ encoding: 'UTF8' }, { locale: 'C' }, 'no-sync'],
        pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'],
      },
      postgresql: {
        listen: `127.0.0.1:${n.pgPort}`,
        connect_address: `127.0.0.1:${n.pgPort}`,
        data_dir: n.dataDir,
        bin_dir: bin,
        pgpass: path.join(nodeDir, 'pgpass'),
        authentication: { superuser: { username: 'postgres' }, replication: { username: 'postgres' }, rewind: { username: 'postgres' } },
        parameters: { unix_socket_directories: nodeDir },
      },
      tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
    };
    const file = path.join(nodeDir, 'patroni.yml');
    writeFileSync(file, JSON.stringify(config, null, 2));
    if (root) chownSync(file, uid, gid);
    const log = path.join(dir, `patroni-${n.name}.log`);
    if (!logFiles.includes(log)) logFiles.push(log);
    const s = start(TOOLS.patroni, [file], log, { asPostgres: pgUser, cwd: nodeDir, env: { HOME: nodeDir } });
    n.patroni = s;
    started.push(s);
  };
  // the first bootstraps the cluster; the second clones it once there is a leader
  startPatroni(nodes[0]);
  await waitFor('the first node leads', async () => (await httpStatus(`http://127.0.0.1:${nodes[0].apiPort}/primary`)) === 200, 90_000, logs);
  startPatroni(nodes[1]);

  // ---- HAProxy on Patroni's health checks
  const proxyPort = await freePort();
  const haproxyCfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    haproxyCfg,
    [
      'global', '  maxconn 2000',
      'defaults', '  mode tcp', '  timeout connect 2s', '  timeout client 30m', '  timeout server 30m', '  timeout check 1s',
      'listen primary', `  bind 127.0.0.1:${proxyPort}`, '  option httpchk OPTIONS /primary', '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions',
      ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} maxconn 500 check port ${n.apiPort}`),
      '',
    ].join('\n'),
  );
  const haproxyLog = path.join(dir, 'haproxy.log');
  logFiles.push(haproxyLog);
  started.push(start(TOOLS.haproxy, ['-f', haproxyCfg, '-db'], haproxyLog));

  const pgUrl = (database = 'postgres') => `postgres://postgres@127.0.0.1:${proxyPort}/${database}`;

  const primary = async (): Promise<PgNode | null> => {
    for (const n of nodes) if (n.patroni && alive(n.patroni.proc.pid!) && (await httpStatus(`http://127.0.0.1:${n.apiPort}/primary`)) === 200) return n;
    return null;
  };

  const self: HaCluster = {
    dir,
    pgUrl,
    nodes,
    primary,
    async waitHealthy(ms = 120_000) {
      await waitFor(
        'a primary with a synchronous standby, through HAProxy',
        async () => {
          const p = await primary();
          if (!p) return false;
          const cluster = (await (await fetch(`http://127.0.0.1:${p.apiPort}/cluster`, { signal: AbortSignal.timeout(1000) })).json()) as { members: { name: string; role: string; state: string }[] };
          const sync = cluster.members.some((m) => m.role === 'sync_standby' && (m.state === 'streaming' || m.state === 'running'));
          return sync && (await writableThrough(pgUrl()));
        },
        ms,
        logs,
      );
      await redis.waitHealthy(ms);
    },
    async killPrimary() {
      const p = await primary();
      if (!p?.patroni) throw new Error(`no primary to kill\n${logs()}`);
      const pids = [p.patroni.proc.pid!];
      try {
        pids.push(Number(readFileSync(path.join(p.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]));
      } catch {
        // no postmaster: Patroni alone
      }
      const all = pids.flatMap((pid) => [pid, ...childrenOf(pid)]);
      for (const pid of all) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await gone(all);
      p.patroni = null;
      return p;
    },
    redis,
    logs,
    async cleanup() {
      const pids: number[] = [];
      for (const n of nodes) {
        try {
          pids.push(Number(readFileSync(path.join(n.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]));
        } catch {
          // none
        }
      }
      for (const s of started) if (s.proc.pid) pids.push(s.proc.pid);
      await redis.cleanup();
      for (const pid of pids) if (pid > 0) killTree(pid);
      await gone(pids.filter((p) => p > 0));
      for (const s of started) if (s.proc.pid) live.delete(s.proc.pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await self.waitHealthy();
  } catch (e) {
    await self.cleanup();
    throw e;
  }
  return self;
}
