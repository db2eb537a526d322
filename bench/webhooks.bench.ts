/**
 * npm run bench:webhooks — the webhook delivery pipeline under a backlog: BENCH_EVENTS (10,000)
 * domain events are written to the outbox at once, each for BENCH_ENDPOINTS (10) endpoints of one
 * tenant, so 100,000 deliveries are queued; then the events worker (the one `npm start` runs)
 * drains them — fan-out into deliveries, lease-claimed batches, signed POSTs to a local receiver
 * (node:http, answering 204), results written back — until every delivery is in.
 *
 * Prints deliveries/s (receiver side, first to last), the delay from the event (its outbox time)
 * to its delivery at the receiver (p50, p99, max: with everything queued at once this is how long
 * the backlog takes to drain, not the latency of a quiet system), and peak memory (RSS) of the
 * process. SQLite in a temp dir, or PostgreSQL with DATABASE_URL. Last line: one JSON object.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, cpus } from 'node:os';
import { buildApp } from '../src/app/build-app.ts';
import { mutate } from '../src/platform/db/database.ts';
import { asSystem } from '../src/platform/db/db-context.ts';
import { testConfig } from '../test/helpers/config.ts';
import { World } from '../test/helpers/world.ts';
import { openBenchDatabase } from './bench-db.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 10);
const TOTAL = EVENTS * ENDPOINTS;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

// ---- the receiver: records when each (message, endpoint) arrived -----------------------------
const delays: number[] = [];
let first = 0;
let last = 0;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
    delays.push(now - Date.parse(body.timestamp));
    if (!first) first = now;
    last = now;
    res.writeHead(204).end();
  });
});
receiver.keepAliveTimeout = 10_000;
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const port = (receiver.address() as AddressInfo).port;

// ---- the app and its world -------------------------------------------------------------------
const database = await openBenchDatabase();
const app = await buildApp({ config: testConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '10000' }, database.dataDir), db: database.db, logger: false });
await app.ready();
const s = app.services;
const world = new World(app);
const tenant = await world.tenant();
for (let i = 0; i < ENDPOINTS; i++) {
  await s.notifications.createEndpoint(world.ctx, { type: 'tenant', id: tenant.id }, { url: `http://127.0.0.1:${port}/hook/${i}`, description: `bench ${i}`, event_types: ['invitation.sent'] });
}

// ---- the backlog: EVENTS events in the outbox --------------------------------------------------
const queuedAt = Date.now();
await asSystem(async () => {
  for (let done = 0; done < EVENTS; ) {
    const n = Math.min(1000, EVENTS - done);
    await mutate(s.db, async (trx) => {
      for (let i = 0; i < n; i++) {
        await s.notifications.outbox.emit(trx, {
          type: 'invitation.sent',
          tenantId: tenant.id,
          data: { invitation: { id: `inv_bench${done + i}`, email: `person${done + i}@example.com`, role: 'TENANT_USER' }, organization: { type: 'tenant', id: tenant.id, name: tenant.name }, actor: { user_id: null, name: null } },
        });
      }
    });
    done += n;
  }
});
const queueMs = Date.now() - queuedAt;

// ---- drain ------------------------------------------------------------------------------------
const started = Date.now();
let ticks = 0;
while (delays.length < TOTAL) {
  const r = await s.notifications.worker.tick();
  ticks++;
  if (r.events === 0 && r.deliveries === 0 && delays.length < TOTAL) {
    // nothing claimed yet nothing left? a delivery failed and waits for its retry: stop
    const pending = await s.db.kysely.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'succeeded').executeTakeFirst();
    if (Number(pending?.n ?? 0) > 0) {
      process.stderr.write(`${pending?.n} deliveries did not succeed\n`);
      break;
    }
  }
}
const drainMs = Date.now() - started;
clearInterval(sampler);

const sorted = delays.slice().sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const perSec = Math.round(delays.length / Math.max(0.001, (last - first) / 1000));
const figures = {
  bench: 'webhooks',
  database: database.label,
  events: EVENTS,
  endpoints: ENDPOINTS,
  deliveries: delays.length,
  deliveries_per_s: perSec,
  drain_ms: drainMs,
  queue_ms: queueMs,
  delay_ms: { p50: pct(50), p99: pct(99), max: sorted[sorted.length - 1] ?? 0 },
  peak_rss_mb: Math.round(peakRss / 1048576),
  ticks,
  cpus: cpus().length,
  load: Number(loadavg()[0].toFixed(2)),
};
process.stdout.write(
  `\nWebhook deliveries on ${database.label}: ${EVENTS} events × ${ENDPOINTS} endpoints = ${TOTAL} queued\n` +
    `  delivered ${delays.length} in ${(drainMs / 1000).toFixed(1)} s: ${perSec} deliveries/s\n` +
    `  event → delivery delay: p50 ${pct(50)} ms, p99 ${pct(99)} ms (all queued at once: the backlog's drain time)\n` +
    `  peak memory (RSS) ${figures.peak_rss_mb} MB\n`,
);
await app.close();
receiver.closeAllConnections();
receiver.close();
await database.drop();
process.stdout.write(JSON.stringify(figures) + '\n');
