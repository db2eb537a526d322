/**
 * A rolling upgrade under load (docs/operators/upgrades.md): the previous release's code — its own
 * files, from git — serves one PostgreSQL database and Redis from two instances; this release's
 * `migrate --phase expand` runs under them, its instances replace theirs one at a time (each old one
 * taken out of the load balancer's rotation, drained, then sent SIGTERM, as Kubernetes' readiness
 * and preStop do), and `migrate --phase contract` runs once only new ones serve. All the while a
 * client signed in on the previous release creates customers, lists them and reads its account
 * through whichever instance is in rotation. Every request must succeed — the goal is 0 failed —
 * every customer created must be there at the end, and `db verify` must pass on the result (the
 * audit chain runs through both releases' events).
 *
 * The previous release is the commit this release was built on; the next release moves it on. If
 * the clone cannot provide it, the test fails (test/helpers/previous-release.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../helpers/app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { materializeRelease, type Release } from '../../helpers/previous-release.ts';
import { runCliAsync, startServer, type ServerProcess } from '../../helpers/server-process.ts';

/** The release before this one: the commit this release's work started from. */
const PREVIOUS_RELEASE = '5ccbe425615b028a1382d8b11ed93cbe11e23240';
const OPERATOR = { email: 'ops@upgrade.test', password: 'a long upgrade passphrase 7' };
/** requests the load must complete at each step before the next one starts */
const PER_STEP = 30;
const WORKERS = 2;

interface Instance {
  name: string;
  release: 'previous' | 'this';
  server: ServerProcess;
  inFlight: number;
}

interface Outcome {
  step: string;
  instance: string;
  op: string;
  status: number | string;
  ok: boolean;
}

/** The client side: a round-robin load balancer over the instances in rotation, and the requests it counts. */
class Load {
  readonly rotation: Instance[] = [];
  readonly outcomes: Outcome[] = [];
  readonly created: string[] = [];
  step = 'previous release';
  #next = 0;
  #stop = false;
  #waiters: { until: () => boolean; resolve: () => void }[] = [];
  #workers: Promise<void>[] = [];
  readonly #session: { cookie: string; csrf: string };
  readonly #run: string;

  constructor(session: { cookie: string; csrf: string }, run: string) {
    this.#session = session;
    this.#run = run;
  }

  start(workers: number): void {
    for (let w = 0; w < workers; w++) this.#workers.push(this.#worker(w));
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#workers);
  }

  /** resolves once `n` more requests have completed */
  progress(n: number): Promise<void> {
    const target = this.outcomes.length + n;
    return this.#until(() => this.outcomes.length >= target);
  }

  /** Takes an instance out of rotation and waits until its requests in flight are answered. */
  async drain(i: Instance): Promise<void> {
    this.rotation.splice(this.rotation.indexOf(i), 1);
    await this.#until(() => i.inFlight === 0);
  }

  #until(cond: () => boolean): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ until: cond, resolve }));
  }

  #settle(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.until()) return true;
      w.resolve();
      return false;
    });
  }

  async #worker(w: number): Promise<void> {
    for (let n = 0; !this.#stop; n++) {
      const inst = this.rotation[this.#next++ % this.rotation.length];
      const op = (['create', 'list', 'me'] as const)[(n + w) % 3];
      inst.inFlight++;
      const outcome: Outcome = { step: this.step, instance: inst.name, op, status: 0, ok: false };
      try {
        if (op === 'create') {
          const slug = `upg-${this.#run}-${w}-${n}`;
          const r = await this.#call(inst, 'POST', '/api/v1/tenants', { name: `Upgrade customer ${w}-${n}`, slug });
          outcome.status = r.status;
          outcome.ok = r.status === 201 && r.body?.tenant?.slug === slug;
          if (outcome.ok) this.created.push(slug);
        } else if (op === 'list') {
          const r = await this.#call(inst, 'GET', `/api/v1/tenants?q=upg-${this.#run}&limit=5`);
          outcome.status = r.status;
          outcome.ok = r.status === 200 && Array.isArray(r.body?.data);
        } else {
          const r = await this.#call(inst, 'GET', '/api/v1/me');
          outcome.status = r.status;
          outcome.ok = r.status === 200 && r.body?.user?.email === OPERATOR.email;
        }
      } catch (e) {
        outcome.status = (e as Error).message;
      } finally {
        inst.inFlight--;
      }
      this.outcomes.push(outcome);
      this.#settle();
    }
  }

  async #call(inst: Instance, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { cookie: this.#session.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = this.#session.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(inst.server.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
}

let release: Release | null = null;
let database: TestDb | null = null;
const servers: ServerProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await database?.drop();
  release?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a rolling upgrade from the previous release', () => {
  it('serves every request while the previous release and this one share the database', { timeout: 900_000 }, async () => {
    release = materializeRelease(PREVIOUS_RELEASE);
    database = await createTestDb({ postgres: true, migrate: false });
    const run = Date.now().toString(36);
    const env = {
      DATABASE_URL: database.databaseUrl!,
      DATABASE_OWNER_URL: database.ownerUrl!,
      REDIS_URL,
      REDIS_KEY_PREFIX: `pgt:${process.pid}-${run}-upgrade:`,
      SCRYPT_COST: '10',
      DATA_DIR: database.dataDir,
    };
    const cli = async (args: string[], main?: string) => {
      const r = await runCliAsync(args, env, { main });
      expect(r.code, `${args.join(' ')}: ${r.err}${r.out}`).toBe(0);
      return r.out;
    };
    const serve = async (name: string, which: Instance['release']): Promise<Instance> => {
      const dataDir = mkdtempSync(path.join(tmpdir(), `upgrade-${name}-`));
      dirs.push(dataDir);
      const server = await startServer({ main: which === 'previous' ? release!.main : undefined, env: { ...env, DATA_DIR: dataDir } });
      servers.push(server);
      return { name, release: which, server, inFlight: 0 };
    };

    // The previous release installs the database and serves it from two instances.
    await cli(['migrate'], release.main);
    await cli(['admin', 'create', '--email', OPERATOR.email, '--password', OPERATOR.password], release.main);
    const [old1, old2] = await Promise.all([serve('previous-1', 'previous'), serve('previous-2', 'previous')]);
    const login = await fetch(`${old1.server.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OPERATOR) });
    expect(login.status).toBe(200);
    const session = { cookie: login.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='))!.split(';')[0], csrf: ((await login.json()) as { csrf_token: string }).csrf_token };

    const load = new Load(session, run);
    load.rotation.push(old1, old2);
    load.start(WORKERS);
    await load.progress(PER_STEP);

    // 1. expand, under the previous release's instances
    load.step = 'expand';
    expect(await cli(['migrate', '--phase', 'expand'])).toMatch(/^applied: .*0073-migration-phases/);
    await load.progress(PER_STEP);

    // 2. one instance at a time: the new one in, the old one out of rotation, drained, stopped
    load.step = 'rolling';
    for (const [old, name] of [[old1, 'this-1'], [old2, 'this-2']] as const) {
      const next = await serve(name, 'this');
      load.rotation.push(next);
      await load.progress(PER_STEP);
      await load.drain(old);
      await old.server.stop();
      expect(old.server.proc.exitCode, old.server.logs).toBe(0);
      await load.progress(PER_STEP);
    }

    // 3. contract, once only this release serves
    load.step = 'contract';
    expect(await cli(['migrate', '--phase', 'contract'])).toMatch(/^(applied: |database is up to date)/);
    await load.progress(PER_STEP);
    await load.stop();

    const failed = load.outcomes.filter((o) => !o.ok);
    const byStep = Object.groupBy(load.outcomes, (o) => o.step);
    const figures = {
      requests: load.outcomes.length,
      failed: failed.length,
      by_step: Object.fromEntries(Object.entries(byStep).map(([s, os]) => [s, os!.length])),
      by_release: { previous: load.outcomes.filter((o) => o.instance.startsWith('previous')).length, this: load.outcomes.filter((o) => o.instance.startsWith('this')).length },
      customers_created: load.created.length,
    };
    process.stdout.write(`rolling upgrade ${PREVIOUS_RELEASE.slice(0, 7)} → this release: ${JSON.stringify(figures)}\n`);
    expect(failed, JSON.stringify(failed.slice(0, 5))).toEqual([]);
    expect(figures.by_release.previous).toBeGreaterThan(0);
    expect(figures.by_release.this).toBeGreaterThan(0);

    // every customer acknowledged is in the database, and the result verifies
    const stored = await sql<{ n: number }>`select count(*)::int as n from tenants where slug like ${`upg-${run}-%`}`.execute(database.owner.kysely);
    expect(stored.rows[0].n).toBe(load.created.length);
    const verify = await runCliAsync(['db', 'verify', '--json'], { ...env, DATABASE_OWNER_URL: undefined });
    const report = JSON.parse(verify.out) as { ok: boolean; checks: { check: string; ok: boolean; detail: string }[] };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.find((c) => c.check === 'audit_chain')?.detail).toMatch(/^intact: \d+ events/);
  });
});
