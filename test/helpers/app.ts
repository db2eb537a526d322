/** Builds a real Partnergate app on a fresh database for one test file. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app/build-app.ts';
import type { Services } from '../../src/app/services.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { redisFactory } from '../../src/platform/redis.ts';
import { createTestDb, type TestDb } from './db.ts';
import { testConfig } from './config.ts';
import { Client } from './http.ts';
import { World } from './world.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  testDb: TestDb;
  world: World;
  client(): Client;
  /** base URL when started with listen: true */
  url: string | null;
  close(): Promise<void>;
}

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `redisUrl`: a Redis of the test's own (test/helpers/own-redis.ts) instead of REDIS_URL. */
export async function startTestApp(opts: { config?: Record<string, string>; clock?: Clock; redis?: boolean; redisUrl?: string; listen?: boolean; /** listen on this port (default: any free one) */ port?: number } = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const redisUrl = opts.redisUrl ?? ((opts.redis ?? !!process.env.REDIS_URL) ? REDIS_URL : null);
  const config = testConfig({ ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...opts.config }, testDb.dataDir);
  const app = await buildApp({ config, db: testDb.db, clock: opts.clock, redis: redisUrl ? redisFactory(redisUrl, {}, { commandTimeoutMs: config.redisCommandTimeoutMs }) : null, logger: false });
  let url: string | null = null;
  if (opts.listen) {
    await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  } else {
    await app.ready();
  }
  const services = app.services;
  return {
    app,
    services,
    testDb,
    world: new World(app),
    client: () => new Client(app),
    url,
    async close() {
      await app.close();
      await testDb.drop();
    },
  };
}
