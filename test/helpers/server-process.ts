/**
 * Partnergate as real processes, for the suites that need more than app.inject (several instances
 * on one database, a crash, a restart, the real logger, another process's CLI command):
 *  - startServer: `node src/main.ts serve` (or another long-running command, e.g. `upstream serve`)
 *    with a given environment on a free port, waited for until it answers, its stdout and stderr
 *    kept for assertions, then stopped gracefully or killed outright (SIGKILL, like a crash);
 *  - runCli: a one-shot command (`keys rotate`, `apps reset-demo-secret`, …), run to its end;
 *  - HttpClient: a portal-like client over real HTTP (session cookie and CSRF token).
 * A fresh database for such processes, PostgreSQL whatever DATABASE_URL says included, is
 * createTestDb's (./db.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TEST_SECRET } from './config.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/main.ts');

/**
 * Node's compile cache for the processes started here: each one imports the whole app (~1,000
 * TypeScript modules, type-stripped and compiled), and with the cache a later process reuses the
 * first one's work — measured 1.5 s → 0.9 s of CPU per start. Keyed by each file's content, so an
 * edited file is compiled afresh. A test may set NODE_COMPILE_CACHE: null to leave it out.
 */
const COMPILE_CACHE = process.env.NODE_COMPILE_CACHE || path.join(ROOT, 'node_modules/.cache/partnergate-node-compile');

/** An environment: a null or undefined value leaves the variable out (also one set by default). */
export type Env = Record<string, string | null | undefined>;

function environment(...layers: Env[]): Record<string, string> {
  const merged: Env = Object.assign({}, ...layers);
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A port a child process may listen on a moment later: one of 20000–32767, below the kernel's
 * ephemeral range (32768–60999), because a port the kernel hands out can be taken again by any
 * outgoing connection of the parallel suites (a database or Redis socket, a fetch) in the second
 * or so a child takes to start — seen as "port is already in use". Checked free by listening on it.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface ServerOptions {
  /** the command line after src/main.ts (default: serve) */
  args?: string[];
  /** another checkout's src/main.ts (an earlier release's, for the upgrade test); default this one's */
  main?: string;
  /** default: a free port; 0 lets the process pick one (then wait for it with `ready: { log }`) */
  port?: number;
  /**
   * Over the defaults PATH, HOST=127.0.0.1, PORT, SECRET_KEY=TEST_SECRET, LOG_LEVEL=silent and
   * SCRYPT_COST=10; nothing else of this process's environment is passed on.
   */
  env?: Env;
  /**
   * Ready once GET `path` answers `status` (default: /readyz answers 200, polled every 100 ms), or
   * once the output matches `log` (polled every 50 ms), whose first group is then the port.
   */
  ready?: { path: string; status: number } | { log: RegExp };
  /** how long it may take to be ready (default 60 s); it is killed if it is not */
  timeoutMs?: number;
}

export class ServerProcess {
  readonly proc: ChildProcess;
  /** stdout and stderr as they came */
  readonly output: string[] = [];
  port: number;
  private readonly opts: ServerOptions;
  private readiness: Promise<void> | undefined;

  constructor(port: number, opts: ServerOptions) {
    this.port = port;
    this.opts = opts;
    const main = opts.main ?? MAIN;
    this.proc = spawn(process.execPath, [main, ...(opts.args ?? ['serve'])], {
      cwd: path.resolve(path.dirname(main), '..'),
      env: environment({ PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, HOST: '127.0.0.1', PORT: String(port), SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent', SCRYPT_COST: '10', REDIS_COMMAND_TIMEOUT_MS: '2000' }, opts.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (b: Buffer) => this.output.push(b.toString()));
    this.proc.stderr!.on('data', (b: Buffer) => this.output.push(b.toString()));
  }

  /** http://127.0.0.1:<port> */
  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** everything it printed so far */
  get logs(): string {
    return this.output.join('');
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves once it answers (see ServerOptions.ready); rejects if it exits or times out first. */
  ready(): Promise<void> {
    this.readiness ??= this.waitReady();
    return this.readiness;
  }

  private async waitReady(): Promise<void> {
    const what = (this.opts.args ?? ['serve']).join(' ');
    const probe = this.opts.ready ?? { path: '/readyz', status: 200 };
    const deadline = Date.now() + (this.opts.timeoutMs ?? 120_000);
    for (;;) {
      if (!this.running) throw new Error(`${what} exited ${this.proc.exitCode ?? this.proc.signalCode}: ${this.logs}`);
      if ('log' in probe) {
        const m = probe.log.exec(this.logs);
        if (m) {
          if (m[1]) this.port = Number(m[1]);
          return;
        }
      } else {
        try {
          if ((await fetch(this.base + probe.path)).status === probe.status) return;
        } catch {
          // not listening yet
        }
      }
      if (Date.now() > deadline) {
        this.proc.kill('SIGKILL');
        throw new Error(`${what} did not start: ${this.logs}`);
      }
      await sleep('log' in probe ? 50 : 100);
    }
  }

  /** SIGTERM and wait for the exit (SIGKILL after 5 s); `hard: true` kills it outright, like a crash. */
  async stop(o: { hard?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(o.hard ? 'SIGKILL' : 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (this.running) {
      this.proc.kill('SIGKILL');
      await exited;
    }
  }
}

/** Spawns the process and returns at once: `await s.ready()` before talking to it. */
export async function spawnServer(opts: ServerOptions = {}): Promise<ServerProcess> {
  return new ServerProcess(opts.port ?? (await freePort()), opts);
}

/**
 * Spawns the process and waits until it is ready. A port picked here may be taken by another test
 * file's process between freePort() and the listen (suites run in parallel): the process then exits
 * naming the port, and it is started again on another one.
 */
export async function startServer(opts: ServerOptions = {}): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const s = await spawnServer(opts);
    try {
      await s.ready();
      return s;
    } catch (e) {
      const portTaken = opts.port === undefined && !s.running && /port is already in use/.test(s.logs);
      if (!portTaken || attempt === 5) throw e;
    }
  }
}

/**
 * `node src/main.ts <args>` run to its end (at most 60 s), with PATH, SECRET_KEY=TEST_SECRET and
 * `env` only.
 */
export function runCli(args: string[], env: Env = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8', env: environment({ PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, SECRET_KEY: TEST_SECRET }, env), timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * runCli without blocking this process's event loop (servers and load it drives keep going while
 * the command runs), optionally another checkout's src/main.ts.
 */
export function runCliAsync(args: string[], env: Env = {}, o: { main?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; out: string; err: string }> {
  const main = o.main ?? MAIN;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: path.resolve(path.dirname(main), '..'), env: environment({ PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, SECRET_KEY: TEST_SECRET }, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** A portal-like client of a server process, over real HTTP: session cookie and CSRF token. */
export class HttpClient {
  readonly base: string;
  cookie = '';
  csrf = '';
  constructor(base: string) {
    this.base = base;
  }
  async req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (body !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(this.base + url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const sc = r.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='));
    if (sc) this.cookie = sc.split(';')[0];
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
  async login(email: string, password: string) {
    const r = await this.req('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login failed ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf_token;
    return this;
  }
}
