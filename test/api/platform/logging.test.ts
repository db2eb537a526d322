/**
 * Logs for the person at the terminal: no line per request at the default level (the demo banner
 * stays readable and forward-auth does not pay for a line per check), human-readable lines when
 * asked (or on a terminal) — and the pretty printer gets the same redaction as JSON.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { loggerFor } from '../../../src/platform/observability/logging.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';

const SECRET = 'pgpat_loggingcanary0123456789abcdef';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

let opened: { app: FastifyInstance; db: TestDb }[] = [];
afterEach(async () => {
  for (const o of opened) {
    await o.app.close();
    await o.db.drop();
  }
  opened = [];
});

async function appWith(settings: Record<string, string>, out: { isTTY: boolean; destination: Writable }): Promise<FastifyInstance> {
  const db = await createTestDb();
  const config = testConfig(settings, db.dataDir);
  const app = await buildApp({ config, db: db.db, logger: loggerFor(config, out) });
  opened.push({ app, db });
  await app.ready();
  return app;
}

async function traffic(app: FastifyInstance): Promise<void> {
  for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: `/api/v1/me?access_token=${SECRET}` })).statusCode).toBe(401);
  expect((await app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${SECRET}` } })).statusCode).toBe(401);
}

describe('request logging', () => {
  it('writes no line per request at the default level (info)', async () => {
    const s = sink();
    const app = await appWith({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, { isTTY: false, destination: s.stream });
    app.log.info('marker');
    await traffic(app);
    const lines = s.text().trim().split('\n');
    expect(lines.some((l) => l.includes('"msg":"marker"'))).toBe(true);
    expect(s.text()).not.toContain('/healthz');
    expect(s.text()).not.toContain('request completed');
    expect(s.text()).not.toContain('incoming request');
  });

  it('logs each request at debug, its credentials hidden', async () => {
    const s = sink();
    const app = await appWith({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, { isTTY: false, destination: s.stream });
    await traffic(app);
    const completed = s.text().split('\n').filter((l) => l.includes('"msg":"request completed"'));
    expect(completed.length).toBe(7);
    expect(JSON.parse(completed[0])).toMatchObject({ level: 20, status: 200 });
    expect(s.text()).toContain('/api/v1/me?access_token=[redacted]');
    expect(s.text()).not.toContain(SECRET);
  });
});

describe("a request's own lines", () => {
  it('carry its request id, through a child too, and a level that drops a line drops it', async () => {
    const s = sink();
    const db = await createTestDb();
    const config = testConfig({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, db.dataDir);
    const app = await buildApp({ config, db: db.db, logger: loggerFor(config, { isTTY: false, destination: s.stream }) });
    opened.push({ app, db });
    app.get('/logging-probe', async (req) => {
      req.log.debug('dropped at info');
      req.log.warn({ step: 1 }, 'first line of the request');
      req.log.child({ part: 'inner' }).error('a line of its child');
      return { level: req.log.level };
    });
    await app.ready();
    const answers = [await app.inject({ method: 'GET', url: '/logging-probe' }), await app.inject({ method: 'GET', url: '/logging-probe' })];
    const lines = s
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const a of answers) {
      expect(a.json()).toEqual({ level: 'info' });
      const id = a.headers['x-request-id'];
      expect(typeof id).toBe('string');
      const mine = lines.filter((l) => l.reqId === id);
      expect(mine.map((l) => [l.level, l.msg, l.step, l.part])).toEqual([
        [40, 'first line of the request', 1, undefined],
        [50, 'a line of its child', undefined, 'inner'],
      ]);
    }
    expect(s.text()).not.toContain('dropped at info');
  });
});

describe('LOG_FORMAT', () => {
  it('pretty: human-readable lines, with the same redaction', async () => {
    const s = sink();
    const app = await appWith({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }, { isTTY: false, destination: s.stream });
    app.log.info(`hello ${SECRET}`);
    await traffic(app);
    const text = s.text();
    expect(text).toMatch(/INFO.*hello pgpat_\[redacted\]/);
    expect(text).toContain('request completed');
    expect(text).not.toMatch(/^\{"level"/m);
    expect(text).not.toContain(SECRET);
  });

  it('auto: pretty on a terminal, JSON otherwise', () => {
    expect(loggerFor({ logLevel: 'info', logFormat: 'auto' }, { isTTY: false })).toEqual({ level: 'info' });
    expect((loggerFor({ logLevel: 'info', logFormat: 'auto' }, { isTTY: true }) as Record<string, unknown>).stream).toBeTruthy();
    expect(loggerFor({ logLevel: 'silent', logFormat: 'pretty' }, { isTTY: true })).toBe(false);
  });
});
