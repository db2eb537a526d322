/**
 * A Redis master and a replica with a password, watched by three Sentinels with a password of their
 * own (quorum two; a master is called down after 1 s), as real processes on loopback — the Redis
 * part of the failover suite (ha-cluster.ts) and, alone, of the planned-failover test. Never the
 * shared Redis on 6379. Sentinels run as `redis-server <conf> --sentinel` (Debian's redis-server
 * package; the redis-sentinel package only adds a name for it). Ports from 20000–32767 (freePort),
 * every file in the folder given, every process killed by cleanup() and, should the test process
 * die first, by its exit handler.
 *
 * Faults: kill -9 of the master; a planned failover (`SENTINEL FAILOVER`: the old master stays up
 * and is demoted to a replica of the new one); and any command sent to one node (`CLIENT PAUSE`,
 * `DEBUG SLEEP` — the debug command is enabled on loopback for that).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './server-process.ts';

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_PASSWORD = 'redis-data-password-for-tests';
const SENTINEL_PASSWORD = 'redis-sentinel-password-for-tests';
const MASTER_NAME = 'partnergate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every server started here, killed when this process exits (a run that died before cleanup). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Commands over a fresh socket (RESP inline commands, one a line); the replies as they came, once
 * `complete` says so (by default: as many reply lines as commands) or after `ms`.
 */
export function redisSay(port: number, lines: string[], ms = 1000, complete = (text: string) => text.split('\r\n').length > lines.length): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(text);
    };
    const timer = setTimeout(done, ms);
    s.once('error', done);
    s.once('connect', () => s.write(lines.map((l) => l + '\r\n').join('')));
    s.on('data', (b) => {
      text += b.toString();
      if (complete(text)) done();
    });
  });
}

export interface SentinelRedis {
  readonly password: string;
  readonly sentinelPassword: string;
  readonly masterName: string;
  /** REDIS_SENTINELS' value */
  readonly sentinels: string;
  /** the two data nodes' ports */
  readonly nodePorts: readonly number[];
  /** the port the Sentinels name as master now (the first that answers), or null */
  masterPort(): Promise<number | null>;
  /** the port every Sentinel names as master, or null while they disagree or one does not answer */
  agreedMasterPort(): Promise<number | null>;
  /** `role:master` or `role:slave`, as the node itself says (INFO replication), or null when it does not answer */
  roleOf(port: number): Promise<'master' | 'slave' | null>;
  /** resolves once the replica streams from the master and every Sentinel knows the replica */
  waitHealthy(ms?: number): Promise<void>;
  /** SIGKILL to the master; its port */
  killMaster(): Promise<number>;
  /** SENTINEL FAILOVER through one Sentinel (the old master stays up and is demoted); the old master's port */
  plannedFailover(): Promise<number>;
  /** the application's connections to a data node (CLIENT LIST lines): every normal and pub/sub client but the Sentinels' links, replication and this query */
  clientsOf(port: number): Promise<string[]>;
  /** the port the `i`th Sentinel names as master, or null */
  masterNamedBy(i: number): Promise<number | null>;
  /** SIGSTOP to the `i`th Sentinel (connections stay open, nothing is answered); thaw with SIGCONT */
  freezeSentinel(i: number): void;
  thawSentinel(i: number): void;
  /** SENTINEL FAILOVER through the `i`th Sentinel (without waiting for it) */
  failoverThrough(i: number): Promise<void>;
  /** commands to one data node, after AUTH; the replies */
  say(port: number, lines: string[], ms?: number): Promise<string>;
  /** every log file (master, replica, Sentinels) */
  readonly logFiles: readonly string[];
  /** the tail of every log, for failure messages */
  logs(): string;
  cleanup(): Promise<void>;
}

async function waitFor(what: string, probe: () => Promise<boolean>, ms: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${ms} ms\n${logs()}`);
}

/** Starts the five servers in `dir` (it must exist) and returns without waiting for them: see waitHealthy(). */
export async function startSentinelRedis(dir: string): Promise<SentinelRedis> {
  const started = new Map<number, ChildProcess>();
  const logFiles: string[] = [];
  const run = (port: number, args: string[], log: string) => {
    logFiles.push(log);
    const out = createWriteStream(log, { flags: 'a' });
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    live.add(child);
    child.once('exit', () => live.delete(child));
    started.set(port, child);
  };
  const masterPort = await freePort();
  const replicaPort = await freePort();
  const nodeArgs = (port: number) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', REDIS_PASSWORD, '--masterauth', REDIS_PASSWORD,
    '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--enable-debug-command', 'local',
  ];
  run(masterPort, nodeArgs(masterPort), path.join(dir, `redis-${masterPort}.log`));
  run(replicaPort, [...nodeArgs(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)], path.join(dir, `redis-${replicaPort}.log`));
  const sentinelPorts = [await freePort(), await freePort(), await freePort()];
  for (const port of sentinelPorts) {
    const conf = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `requirepass ${SENTINEL_PASSWORD}`, 'sentinel resolve-hostnames no',
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`, `sentinel auth-pass ${MASTER_NAME} ${REDIS_PASSWORD}`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`, `sentinel failover-timeout ${MASTER_NAME} 5000`, `sentinel parallel-syncs ${MASTER_NAME} 1`, '',
      ].join('\n'),
    );
    run(port, [conf, '--sentinel'], path.join(dir, `sentinel-${port}.log`));
  }
  const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-15).join('\n') : '');
  const logs = () => logFiles.map((f) => `--- ${path.basename(f)}\n${tail(f)}`).join('\n');
  const say = (port: number, lines: string[], ms = 1000) => redisSay(port, [`AUTH ${REDIS_PASSWORD}`, ...lines], ms);
  /** AUTH, then one command whose reply is a bulk string: its text */
  const bulk = async (port: number, command: string): Promise<string> => {
    const whole = (t: string) => {
      const m = /^\+OK\r\n\$(\d+)\r\n/.exec(t);
      return m !== null && Buffer.byteLength(t) >= m[0].length + Number(m[1]) + 2;
    };
    const reply = await redisSay(port, [`AUTH ${REDIS_PASSWORD}`, command], 2000, whole);
    if (!whole(reply)) throw new Error(`${command} on ${port}: ${JSON.stringify(reply.slice(0, 200))}`);
    return reply;
  };

  const masterNamedBy = async (sentinelPort: number): Promise<number | null> => {
    const reply = await redisSay(sentinelPort, [`AUTH ${SENTINEL_PASSWORD}`, `SENTINEL get-master-addr-by-name ${MASTER_NAME}`]);
    const m = /\r\n\*2\r\n\$\d+\r\n[^\r]+\r\n\$\d+\r\n(\d+)\r\n/.exec(reply);
    return m ? Number(m[1]) : null;
  };
  const self: SentinelRedis = {
    password: REDIS_PASSWORD,
    sentinelPassword: SENTINEL_PASSWORD,
    masterName: MASTER_NAME,
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
    nodePorts: [masterPort, replicaPort],
    async masterPort() {
      for (const p of sentinelPorts) {
        const port = await masterNamedBy(p);
        if (port !== null) return port;
      }
      return null;
    },
    async agreedMasterPort() {
      const named = await Promise.all(sentinelPorts.map(masterNamedBy));
      return named.every((p) => p !== null && p === named[0]) ? named[0] : null;
    },
    async roleOf(port) {
      const m = /role:(master|slave)/.exec(await say(port, ['INFO replication']));
      return m ? (m[1] as 'master' | 'slave') : null;
    },
    async waitHealthy(ms = 60_000) {
      await waitFor('the Redis replica is in sync and every Sentinel knows the master and the replica', async () => {
        const master = await self.agreedMasterPort();
        if (master === null) return false;
        const replica = master === masterPort ? replicaPort : masterPort;
        const info = await say(replica, ['INFO replication']);
        if (!/master_link_status:up/.test(info) || !info.includes(`master_port:${master}`)) return false;
        for (const p of sentinelPorts) {
          const r = await redisSay(p, [`AUTH ${SENTINEL_PASSWORD}`, `SENTINEL replicas ${MASTER_NAME}`]);
          if (!r.includes(String(replica)) || /flags\r\n\$\d+\r\n[^\r]*(s_down|disconnected)/.test(r)) return false;
        }
        return true;
      }, ms, logs);
    },
    async killMaster() {
      const port = await self.masterPort();
      const child = port === null ? undefined : started.get(port);
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`no Redis master to kill\n${logs()}`);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      return port!;
    },
    async plannedFailover() {
      const port = await self.masterPort();
      if (port === null) throw new Error(`no Redis master to fail over\n${logs()}`);
      const reply = await redisSay(sentinelPorts[0], [`AUTH ${SENTINEL_PASSWORD}`, `SENTINEL FAILOVER ${MASTER_NAME}`]);
      if (!/\+OK\r\n\+OK\r\n/.test(reply)) throw new Error(`SENTINEL FAILOVER: ${JSON.stringify(reply)}\n${logs()}`);
      return port;
    },
    masterNamedBy: (i) => masterNamedBy(sentinelPorts[i]),
    freezeSentinel(i) {
      started.get(sentinelPorts[i])!.kill('SIGSTOP');
    },
    thawSentinel(i) {
      started.get(sentinelPorts[i])!.kill('SIGCONT');
    },
    async failoverThrough(i) {
      const reply = await redisSay(sentinelPorts[i], [`AUTH ${SENTINEL_PASSWORD}`, `SENTINEL FAILOVER ${MASTER_NAME}`]);
      if (!/\+OK\r\n\+OK\r\n/.test(reply)) throw new Error(`SENTINEL FAILOVER: ${JSON.stringify(reply)}\n${logs()}`);
    },
    async clientsOf(port) {
      return (await bulk(port, 'CLIENT LIST'))
        .split('\n')
        .filter((l) => l.startsWith('id=') && !/ name=sentinel-/.test(l) && !/ flags=[^ ]*[SM]/.test(l) && !/ cmd=client\|list/.test(l));
    },
    say,
    logFiles,
    logs,
    async cleanup() {
      for (const p of sentinelPorts) started.get(p)?.kill('SIGCONT');
      const children = [...started.values()].filter((c) => c.exitCode === null && c.signalCode === null);
      await Promise.all(
        children.map((c) => {
          const exited = new Promise((r) => c.once('exit', r));
          c.kill('SIGKILL');
          return exited;
        }),
      );
    },
  };
  return self;
}
