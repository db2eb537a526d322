/**
 * npm run bench:writes-trace — the statements each write of bench:writes' mix sends to PostgreSQL,
 * grouped as they travel: one line per burst (what one connection writes before it waits for an
 * answer: one round trip, however many messages). One instance, one virtual user, one write at a
 * time through the HTTP API; between writes the instance is left idle for 300 ms so what a write
 * sets off after its answer (the change feed's pass) is counted with it. Background timers
 * (sealer, workers) show as their own lines.
 */
import net from 'node:net';
import path from 'node:path';
import { freePort } from './bench-db.ts';

// WRITES_BENCH_APP_ROOT=/path/to/another/checkout traces that checkout's server (a before/after), as bench:writes does
const appRoot = path.resolve(process.env.WRITES_BENCH_APP_ROOT ?? path.resolve(import.meta.dirname, '..'));
const { buildApp } = (await import(path.join(appRoot, 'src/app/build-app.ts'))) as typeof import('../src/app/build-app.ts');
const { openDatabase } = (await import(path.join(appRoot, 'src/platform/db/database.ts'))) as typeof import('../src/platform/db/database.ts');
const { redisFactory } = (await import(path.join(appRoot, 'src/platform/redis.ts'))) as typeof import('../src/platform/redis.ts');
const { createTestDb } = (await import(path.join(appRoot, 'test/helpers/db.ts'))) as typeof import('../test/helpers/db.ts');
const { testConfig } = (await import(path.join(appRoot, 'test/helpers/config.ts'))) as typeof import('../test/helpers/config.ts');
const { World } = (await import(path.join(appRoot, 'test/helpers/world.ts'))) as typeof import('../test/helpers/world.ts');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const database = await createTestDb({ postgres: true, poolSize: 4 });
const setup = await buildApp({ config: testConfig({ REDIS_URL }, database.dataDir), db: database.db, redis: redisFactory(REDIS_URL), logger: false });
await setup.ready();
const world = new World(setup);
const t = await world.tenant({ bans: 1 });
const p = await world.partner({ capabilities: ['managed_services'] });
await setup.close();

/** bursts: one per (connection, send after an answer) */
let log: { conn: number; msgs: string[] }[] = [];
let connNo = 0;
const direct = new URL(database.databaseUrl!);
const port = await freePort();
// the row-level-security context written as `[ctx <scope>]`, so the statement it carries shows
const short = (q: string) =>
  q
    .replace(/\s+/g, ' ')
    .replace(/select set_config\('app\.scope', '(\w+)', true\)[^;]*;?/g, '[ctx $1]')
    .trim()
    .slice(0, 170);
net
  .createServer((client) => {
    const conn = ++connNo;
    const up = net.connect({ host: direct.hostname, port: Number(direct.port || 5432) });
    let started = false;
    let current: { conn: number; msgs: string[] } | null = null;
    let pending = Buffer.alloc(0);
    const prepared = new Map<string, string>();
    client.on('data', (chunk: Buffer) => {
      up.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      let at = 0;
      for (;;) {
        if (!started) {
          if (pending.length - at < 8) break;
          const len = pending.readInt32BE(at);
          if (pending.length - at < len) break;
          const code = pending.readInt32BE(at + 4);
          at += len;
          if (code !== 80877103 && code !== 80877104) started = true;
          continue;
        }
        if (pending.length - at < 5) break;
        const type = String.fromCharCode(pending[at]);
        const len = pending.readInt32BE(at + 1);
        if (pending.length - at < len + 1) break;
        const body = pending.subarray(at + 5, at + 1 + len);
        const cstr = (b: Buffer, from: number) => b.toString('utf8', from, b.indexOf(0, from));
        let text: string | null = null;
        if (type === 'Q') text = 'Q ' + short(cstr(body, 0));
        else if (type === 'P') {
          const name = cstr(body, 0);
          const q = cstr(body, Buffer.byteLength(name) + 1);
          prepared.set(name, q);
        } else if (type === 'B') {
          const portal = cstr(body, 0);
          text = 'E ' + short(prepared.get(cstr(body, Buffer.byteLength(portal) + 1)) ?? '?');
        }
        if (text) {
          if (!current) log.push((current = { conn, msgs: [] }));
          current.msgs.push(text);
        }
        at += len + 1;
      }
      pending = pending.subarray(at);
    });
    up.on('data', (c: Buffer) => {
      current = null;
      client.write(c);
    });
    const close = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', close).on('close', close);
    up.on('error', close).on('close', close);
  })
  .listen(port, '127.0.0.1');

const proxied = new URL(database.databaseUrl!);
proxied.hostname = '127.0.0.1';
proxied.port = String(port);
const db = openDatabase({ databaseUrl: proxied.toString(), dataDir: database.dataDir, poolSize: 8 });
const app = await buildApp({ config: testConfig({ REDIS_URL }, database.dataDir), db, redis: redisFactory(REDIS_URL), logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
// the sealer chains every 200 ms whatever is written: its passes are not any one write's
await app.services.audit.stopSealer();
const base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;

type S = { cookie: string; csrf: string };
async function call(method: string, path: string, body: unknown, s: S | null): Promise<{ status: number; json: Record<string, unknown>; cookie: string | null }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (s) Object.assign(headers, { cookie: s.cookie, 'x-csrf-token': s.csrf });
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const cookies = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, cookie: cookies || null };
}
const login = async (who: { email: string; password: string }) => {
  const r = await call('POST', '/api/v1/auth/login', { email: who.email, password: who.password }, null);
  return { status: r.status, s: { cookie: r.cookie ?? '', csrf: String(r.json.csrf_token) } };
};
const settle = () => new Promise((r) => setTimeout(r, 300));
const admin = (await login(t.admin)).s;
const owner = (await login(p.owner)).s;
const ends = new Date(Date.now() + 30 * 86_400_000).toISOString();
const rounds = Number(process.env.TRACE_ROUNDS ?? 2);
const totals: Record<string, string[]> = {};
for (let round = 0; round < rounds; round++) {
  let link = '';
  let token = '';
  const steps: [string, () => Promise<number>][] = [
    ['login', async () => (await login(t.admin)).status],
    ['link_request', async () => {
      const r = await call('POST', `/api/v1/partners/${p.id}/delegations`, { tenant_slug: t.slug, role: 'MSP_SUPPORT', justification: 'bench', ends_at: ends }, owner);
      link = String(r.json.id);
      return r.status;
    }],
    ['link_revoke', async () => (await call('POST', `/api/v1/tenants/${t.id}/delegations/${link}/revoke`, { reason: 'bench' }, admin)).status],
    ['api_token_create', async () => {
      const r = await call('POST', '/api/v1/me/api-tokens', { name: `trace ${round}` }, admin);
      token = String((r.json.api_token as { id: string }).id);
      return r.status;
    }],
    ['api_token_revoke', async () => (await call('DELETE', `/api/v1/me/api-tokens/${token}`, undefined, admin)).status],
    ['account_rename', async () => (await call('PATCH', `/api/v1/tenants/${t.id}/billing-accounts/${t.bans[0].id}`, { name: `Account ${round}` }, admin)).status],
  ];
  for (const [name, run] of steps) {
    await settle();
    log = [];
    const status = await run();
    const answered = log.length;
    await settle();
    (totals[name] ??= []).push(`${answered} + ${log.length - answered}`);
    if (round === rounds - 1) {
      process.stdout.write(`\n== ${name} → ${status}: ${answered} round trips before the answer, ${log.length} with what followed within 300 ms\n`);
      for (const [i, b] of log.entries()) process.stdout.write(`${i === answered ? '   -- answered --\n' : ''}  #${b.conn} ${b.msgs.join('\n        ')}\n`);
    }
  }
}
process.stdout.write(`\nserver: ${appRoot}\nround trips per write, each round: before the answer + what followed within 300 ms: ${JSON.stringify(totals)}\n`);
await app.close();
await database.drop();
process.exit(0);
