/**
 * Logs that lead to traces: with tracing on, every line written inside a traced request carries
 * its `trace_id` and `span_id` (lines outside a request carry none); and with JSON logs the line
 * `partnergate serve` prints when it is up is JSON too, so a log collector reads stdout whole.
 */
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { loggerFor } from '../../../src/platform/observability/logging.ts';
import { createTestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { startServer } from '../../helpers/server-process.ts';

let receiver: Server;
let base: string;
const bodies: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

describe('trace ids in log lines', () => {
  it('every line of a traced request names its trace and span; a line outside one names none', async () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        cb();
      },
    });
    const db = await createTestDb();
    const config = testConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json', OTEL_EXPORTER_OTLP_ENDPOINT: base }, db.dataDir);
    const app = await buildApp({ config, db: db.db, logger: loggerFor(config, { isTTY: false, destination }) });
    await app.ready();
    app.log.info('outside any request');
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': 'req-trace-logs-1' } })).statusCode).toBe(401);
    await app.close();
    await db.drop();

    const lines = chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const outside = lines.find((l) => l.msg === 'outside any request')!;
    expect(outside.trace_id).toBeUndefined();
    const mine = lines.filter((l) => l.reqId === 'req-trace-logs-1');
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    for (const l of mine) {
      expect(l.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(l.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    // the ids are the exported request span's
    const spans = bodies.flatMap((b) => (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string; name: string }[] }[] }[] }).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
    const request = spans.find((s) => s.name === 'GET /api/v1/me');
    expect([request?.traceId, request?.spanId]).toEqual([mine[0].trace_id, mine[0].span_id]);
  });
});

describe('the start banner', () => {
  it('is one JSON line when logs are JSON', async () => {
    const s = await startServer({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' }, ready: { log: /"msg":"Partnergate is running"/ } });
    try {
      const stdout = s.logs.split('\n').filter((l) => l.trim() !== '');
      expect(stdout.some((l) => l.startsWith('Portal:'))).toBe(false);
      const banner = stdout.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'Partnergate is running')!;
      expect(banner).toMatchObject({ level: 30, listening: `127.0.0.1:${s.port}` });
      expect(String(banner.portal_url)).toMatch(/^https?:\/\//);
    } finally {
      await s.stop();
    }
  });
});
