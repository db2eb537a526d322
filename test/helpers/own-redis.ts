/**
 * A Redis of the test's own, for suites that take Redis away: `redis-server` on a free port
 * (20000–32767, see freePort) with no persistence (`--save "" --appendonly no`), so a restart
 * forgets everything, as a production Redis without persistence would. It can be killed (-9),
 * restarted on the same port, frozen (SIGSTOP: TCP still accepts, nothing answers) and thawed
 * (SIGCONT). The shared Redis on 6379 is never touched.
 *
 *   const r = await startOwnRedis();
 *   … REDIS_URL: r.url …
 *   await r.kill();  await r.restart();  await r.freeze();  await r.thaw();
 *   await r.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './server-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Servers still running when this process exits (a suite that failed before its afterAll) are killed with it. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface OwnRedis {
  port: number;
  url: string;
  /** whether the server process is running (also when frozen) */
  readonly running: boolean;
  /** SIGKILL, like a crash; resolves once the process is gone */
  kill(): Promise<void>;
  /** start again on the same port (after kill or stop), empty; resolves once it answers PING */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing is answered */
  freeze(): void;
  /** SIGCONT */
  thaw(): void;
  /** kill it for good (safe to call twice; also thaws a frozen one first) */
  stop(): Promise<void>;
}

/** One PING over a fresh socket; true on +PONG within `ms`. */
function ping(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (b) => done(b.toString().startsWith('+PONG')));
  });
}

export async function startOwnRedis(): Promise<OwnRedis> {
  let port = await freePort();
  let proc: ChildProcess | null = null;
  let output = '';
  let frozen = false;

  const spawnOn = async (p: number): Promise<boolean> => {
    output = '';
    const child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    proc = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      if (await ping(p, 500)) return true;
      await sleep(25);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server on ${p} did not answer: ${output}`);
  };

  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

  // A port picked free may be taken a moment later by a parallel suite: try another.
  for (let attempt = 1; !(await spawnOn(port)); attempt++) {
    if (attempt === 5) throw new Error(`redis-server did not start: ${output}`);
    port = await freePort();
  }

  const handle: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return proc !== null && proc.exitCode === null && proc.signalCode === null;
    },
    async kill() {
      const child = proc;
      if (!child || !handle.running) return;
      child.kill('SIGKILL');
      frozen = false;
      await exited(child);
    },
    async restart() {
      await handle.kill();
      // The port is ours again once the old process is gone; retry briefly if the kernel lags.
      for (let attempt = 1; !(await spawnOn(port)); attempt++) {
        if (attempt === 20) throw new Error(`redis-server did not restart on ${port}: ${output}`);
        await sleep(100);
      }
    },
    freeze() {
      if (!handle.running) throw new Error('redis-server is not running');
      proc!.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (!handle.running || !frozen) return;
      proc!.kill('SIGCONT');
      frozen = false;
    },
    async stop() {
      if (frozen) handle.thaw();
      await handle.kill();
    },
  };
  return handle;
}
