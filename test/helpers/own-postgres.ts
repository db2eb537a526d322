/**
 * A throwaway PostgreSQL cluster of the test's own, for suites that take the database away (kill
 * it, stop it, freeze it) — never the shared server on 5432. `initdb` into a temp dir as the
 * `postgres` OS user (initdb refuses root), `pg_ctl start` on a free port from 20000–32767 with
 * trust auth, the socket in the temp dir and fsync off (nothing here must survive the machine;
 * commits stay synchronous, so an acknowledged write survives a kill of the server's processes).
 *
 *   const pg = await startOwnPostgres();
 *   const url = await pg.createDatabase('app');   // postgres://postgres@127.0.0.1:<port>/app
 *   await pg.kill();      // SIGKILL to the postmaster and every backend: a crash
 *   await pg.start();     // crash recovery, same port, same data
 *   await pg.stop({ mode: 'fast' });   // a clean restart's first half: sessions terminated (57P01)
 *   await pg.freeze(); await pg.thaw();  // SIGSTOP / SIGCONT to every process of the cluster
 *   await pg.cleanup();
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './server-process.ts';

export interface OwnPostgres {
  readonly port: number;
  /** the cluster's folder (data/, the log and the socket) */
  readonly dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** CREATE DATABASE <name>; returns its URL */
  createDatabase(name: string): Promise<string>;
  start(): Promise<void>;
  stop(o?: { mode?: 'fast' | 'immediate' }): Promise<void>;
  /** SIGKILL to the postmaster and every process of the cluster, then wait until they are gone */
  kill(): Promise<void>;
  /** SIGSTOP to every process of the cluster: connections stay open, nothing answers */
  freeze(): void;
  thaw(): void;
  /** the server log so far (for failure messages) */
  log(): string;
  /** stops the cluster and removes its folder */
  cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}/*/bin`);
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0], 'bin');
}

/**
 * Runs a PostgreSQL program as the postgres OS user when we are root (initdb and postgres refuse
 * root). Asynchronous: an app under test in this process keeps running meanwhile.
 */
function asPostgres(program: string, args: string[]): Promise<{ status: number | null; out: string }> {
  const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  return new Promise((resolve) => {
    execFile(file, argv, { encoding: 'utf8', timeout: 90_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ status, out: `${stdout ?? ''}${stderr ?? ''}` });
    });
  });
}

/** Every live process whose parent is `pid` (the postmaster's backends and auxiliary processes). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after the last ')'
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Running (a zombie waiting to be reaped by init counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface OwnPostgresOptions {
  /** lines added to postgresql.conf before the first start (WAL archiving for the restore drill, …) */
  conf?: string[];
  /**
   * Start from a copy of this base backup (`basebackup()`'s folder) instead of a new cluster, in
   * recovery (recovery.signal): `conf` then holds the recovery settings (restore_command, a target).
   */
  baseBackup?: string;
}

export async function startOwnPostgres(opts: OwnPostgresOptions = {}): Promise<OwnPostgres & { basebackup(target: string): Promise<void> }> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'own-pg-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  if (opts.baseBackup) {
    const copy = await asPostgres('cp', ['-a', opts.baseBackup, data]);
    if (copy.status !== 0) throw new Error(`copying the base backup failed: ${copy.out}`);
  } else {
    const init = await asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.out}`);
  }
  if (opts.conf?.length) appendFileSync(path.join(data, 'postgresql.conf'), `\n${opts.conf.join('\n')}\n`);
  if (opts.baseBackup) writeFileSync(path.join(data, 'recovery.signal'), '');
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', `${uid}:${gid}`, data]);

  let port = 0;
  const postmasterPid = (): number | null => {
    try {
      return Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
    } catch {
      return null;
    }
  };
  const processes = (): number[] => {
    const pid = postmasterPid();
    return pid !== null && alive(pid) ? [pid, ...childrenOf(pid)] : [];
  };
  const pgCtl = (args: string[]) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const startOn = (p: number) =>
    pgCtl(['-l', logFile, '-w', '-t', '60', '-o', `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`, 'start']);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const self: OwnPostgres & { basebackup(target: string): Promise<void> } = {
    get port() {
      return port;
    },
    dir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const c = new pg.Client({ connectionString: self.url() });
      c.on('error', () => {});
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return self.url(name);
    },
    async start() {
      if (port === 0) {
        // the first start picks the port; a port taken between freePort() and the listen gets another
        for (let attempt = 1; ; attempt++) {
          const p = await freePort();
          const r = await startOn(p);
          if (r.status === 0) {
            port = p;
            return;
          }
          if (attempt === 5) throw new Error(`pg_ctl start failed: ${r.out}\n${log()}`);
        }
      }
      // a restart keeps its port: the instances under test know only that URL
      for (let attempt = 1; ; attempt++) {
        const r = await startOn(port);
        if (r.status === 0) return;
        if (attempt === 10) throw new Error(`pg_ctl start failed: ${r.out}\n${log()}`);
        await sleep(300);
      }
    },
    async stop(o = {}) {
      const r = await pgCtl(['-m', o.mode ?? 'fast', '-w', '-t', '60', 'stop']);
      if (r.status !== 0 && processes().length > 0) throw new Error(`pg_ctl stop failed: ${r.out}`);
    },
    async kill() {
      const pids = processes();
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // a new postmaster refuses to start while an old backend still holds the shared memory
      const deadline = Date.now() + 30_000;
      while (pids.some(alive)) {
        if (Date.now() > deadline) throw new Error(`PostgreSQL processes ${pids.filter(alive).join(', ')} survived SIGKILL`);
        await sleep(20);
      }
      // Their zombies may wait a while for init to reap them, and a new postmaster takes a pid
      // that still answers kill(0) for a live one: the lock file of processes that are gone goes.
      rmSync(path.join(data, 'postmaster.pid'), { force: true });
    },
    freeze() {
      for (const pid of processes()) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      const pid = postmasterPid();
      if (pid === null) return;
      // children first is not needed: SIGCONT to all, the postmaster included
      for (const p of [pid, ...childrenOf(pid)]) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          // gone
        }
      }
    },
    log,
    /** pg_basebackup of the running cluster into `target` (a folder the postgres user may create), WAL streamed with it */
    async basebackup(target) {
      const r = await asPostgres(path.join(bin, 'pg_basebackup'), ['-D', target, '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-X', 'stream', '-c', 'fast', '--no-sync']);
      if (r.status !== 0) throw new Error(`pg_basebackup failed: ${r.out}`);
    },
    async cleanup() {
      self.thaw();
      if (processes().length > 0) await pgCtl(['-m', 'immediate', '-w', '-t', '30', 'stop']);
      if (processes().length > 0) await self.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await self.start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return self;
}

/** The newest PostgreSQL's server programs' folder (pg_dump, pg_restore, pg_basebackup …). */
export const postgresBin = binDir;
