/**
 * Two real Partnergate processes (`node src/main.ts serve`) on one fresh PostgreSQL database and
 * one Redis key space — always PostgreSQL, whatever DATABASE_URL says — for the suites that prove a
 * change made through one instance is enforced by the other. Beside them, an in-process app on the
 * same database and key space builds the world (tenants, partners, users) the processes then see.
 * Both processes get one PUBLIC_URL, instance one's address, as a load balancer's would be: one
 * issuer and one audience for tokens from either.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app/build-app.ts';
import { redisFactory } from '../../src/platform/redis.ts';
import { REDIS_URL, type TestApp } from './app.ts';
import { testConfig } from './config.ts';
import { createTestDb, type TestDb } from './db.ts';
import { freePort, startServer, type Env, type ServerProcess } from './server-process.ts';
import { World } from './world.ts';

export interface InstancePair {
  database: TestDb;
  setup: FastifyInstance;
  world: World;
  one: ServerProcess;
  two: ServerProcess;
  /** both processes' (and the setup app's) PUBLIC_URL: instance one's address */
  publicUrl: string;
  /** the setup app as a TestApp, for helpers that take one */
  t: TestApp;
  /** the settings all of them share (DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, PUBLIC_URL, `env`): for a third instance */
  shared: Record<string, string>;
  /** Starts an instance (again, after a stop) on `port` with the pair's environment. */
  serve(port: number): Promise<ServerProcess>;
  /** Stops every process the pair started, the setup app, and drops the database. */
  close(): Promise<void>;
}

export interface InstancePairOptions {
  /** part of the Redis key prefix, apart from every other suite's */
  name: string;
  /** settings for the processes and the setup app (e.g. CHANGE_FEED_POLL_MS) */
  env?: Record<string, string>;
  /** settings for the processes only (e.g. RATE_LIMITS the setup app should not apply) */
  processEnv?: Env;
  /** settings for instance two only (e.g. its own REDIS_KEY_PREFIX: deaf to the others' change-feed fan-out) */
  twoEnv?: Env;
  /** builds, before the processes start, what they must find at start (e.g. a tenant and its admin) */
  before?: (world: World) => Promise<void>;
}

export async function startInstancePair(o: InstancePairOptions): Promise<InstancePair> {
  const REDIS_KEY_PREFIX = `pgt:${process.pid}-${Date.now()}-${o.name}:`;
  const database = await createTestDb({ postgres: true, poolSize: 3 });
  const [p1, p2] = [await freePort(), await freePort()];
  const publicUrl = `http://127.0.0.1:${p1}`;
  const shared = { DATABASE_URL: database.databaseUrl!, REDIS_URL, REDIS_KEY_PREFIX, PUBLIC_URL: publicUrl, ...o.env };
  const started: ServerProcess[] = [];
  const serve = async (port: number, own: Env = {}) => {
    const s = await startServer({ port, env: { ...shared, DATA_DIR: database.dataDir, ...o.processEnv, ...own } });
    started.push(s);
    return s;
  };
  const setup = await buildApp({ config: testConfig(shared, database.dataDir), db: database.db, redis: redisFactory(REDIS_URL), logger: false });
  const close = async () => {
    await Promise.all(started.map((s) => s.stop()));
    await setup.close();
    await database.drop();
  };
  try {
    await setup.ready();
    const world = new World(setup);
    await o.before?.(world);
    const [one, two] = await Promise.all([serve(p1), serve(p2, o.twoEnv)]);
    return { database, setup, world, one, two, publicUrl, t: { app: setup, services: setup.services, world } as unknown as TestApp, shared, serve, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A pair whose instance two hears nothing of the change feed's fan-out — its own REDIS_KEY_PREFIX,
 * so its own pub/sub channel, and an outbox poll of an hour — so whatever it admits of what was
 * made after it started, it found in the database itself: deterministic, not a race won or lost.
 */
export function startDeafPair(o: Omit<InstancePairOptions, 'twoEnv'>): Promise<InstancePair> {
  return startInstancePair({
    ...o,
    env: { CHANGE_FEED_POLL_MS: '3600000', ...o.env },
    twoEnv: { REDIS_KEY_PREFIX: `pgt:${process.pid}-${Date.now()}-${o.name}-deaf:` },
  });
}

/**
 * Ask `fn` until `ok` holds or `ms` have passed (polling every `everyMs`): the last answer and the
 * milliseconds it took — how the two-instance tests time "the other instance follows within 1 s".
 */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms: number, everyMs = 2): Promise<{ value: T; elapsed: number }> {
  const t0 = performance.now();
  for (;;) {
    const value = await fn();
    const elapsed = performance.now() - t0;
    if (ok(value) || elapsed > ms) return { value, elapsed };
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
