/**
 * The plaintext agency token exists only in the one response that hands it out: not in any text
 * column of any table, not in the server's logs. The server runs as a real process (the real
 * logger configuration, LOG_LEVEL=trace) on a fresh database; the test drives the whole life of
 * a token over HTTP — creation, use, misuse, rotation, revocation — then scans everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildApp } from '../../../src/app/build-app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { World } from '../../helpers/world.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { startServer, type ServerProcess } from '../../helpers/server-process.ts';

let db: TestDb;
let server: ServerProcess;
let base: string;
let adminApiToken: string;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDb();
  // the world (a tenant and its admin) is made in-process, then the server runs on the same database
  const app = await buildApp({ config: testConfig({}, db.dataDir), db: db.db, logger: false });
  await app.ready();
  const tenant = await new World(app).tenant();
  tenantId = tenant.id;
  // the admin acts with a personal API token (no login over the shared Redis login throttle)
  const pat = await (await tenant.admin.login()).post('/api/v1/me/api-tokens', { name: 'secrecy test' });
  expect(pat.status).toBe(201);
  adminApiToken = pat.body.token;
  await app.close();

  server = await startServer({
    port: 0, // it picks one and names it in its "listening on" line
    env: { DATA_DIR: db.dataDir, LOG_LEVEL: 'trace', DATABASE_URL: db.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null },
    ready: { log: /listening(?: on |":")127\.0\.0\.1:(\d+)/ },
    timeoutMs: 30_000,
  });
  base = server.base;
});

afterAll(async () => {
  await server?.stop();
  await db.drop();
});

async function http(method: string, url: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Every text column of every table, scanned for `needle`. */
async function tablesContaining(needle: string): Promise<string[]> {
  const k = db.db.kysely;
  const columns: { table: string; column: string }[] = [];
  if (db.db.dialect === 'postgres') {
    const r = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb')`.execute(k);
    for (const row of r.rows) columns.push({ table: row.table_name, column: row.column_name });
  } else {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(k);
    for (const t of tables.rows) {
      const cols = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${t.name})`.execute(k);
      for (const c of cols.rows) if (/text|char|clob|^$/i.test(c.type)) columns.push({ table: t.name, column: c.name });
    }
  }
  expect(columns.length).toBeGreaterThan(100);
  expect(columns.some((c) => c.table === 'partner_tokens' && c.column === 'token_hash')).toBe(true);
  const hits: string[] = [];
  for (const { table, column } of columns) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where cast(${sql.ref(column)} as text) like ${'%' + needle + '%'}`.execute(k);
    if (Number(r.rows[0].n) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
}

describe('the plaintext agency token', () => {
  it('appears nowhere in the database or the logs, through the whole life of the token', async () => {
    const session = { authorization: `Bearer ${adminApiToken}` };

    const agency = await http('POST', `/api/v1/tenants/${tenantId}/agencies`, { body: { name: 'Secrecy Travel' }, headers: session });
    expect(agency.status).toBe(201);
    const created = await http('POST', `/api/v1/tenants/${tenantId}/agencies/${agency.body.id}/tokens`, {
      body: { label: 'Site', form_config: { allowed_voucher_types: ['credit_10'] } },
      headers: session,
    });
    expect(created.status).toBe(201);
    const first: string = created.body.token;
    const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });

    // use, and misuse, the token in every way a form or a careless integrator might
    expect((await http('GET', '/embed/v1/form', { headers: bearer(first) })).status).toBe(200);
    const issued = await http('POST', '/embed/v1/vouchers', { body: { type: 'credit_10', reference: 'R-1' }, headers: bearer(first) });
    expect(issued.status).toBe(201);
    expect((await http('GET', `/embed/v1/vouchers/${issued.body.code}`, { headers: bearer(first) })).status).toBe(200);
    expect((await http('POST', '/embed/v1/vouchers', { body: { type: 'credit_50' }, headers: bearer(first) })).status).toBe(403);
    expect((await http('GET', `/embed/v1/form?token=${first}`, { headers: bearer(first) })).status).toBe(400);
    expect((await http('GET', `/embed/v1/vouchers/${first}`, { headers: bearer(first) })).status).toBe(404);
    expect((await http('GET', '/api/v1/me', { headers: bearer(first) })).status).toBe(403);
    expect((await http('GET', `/api/v1/tenants/${tenantId}/audit-events`, { headers: bearer(first) })).status).toBe(403);
    expect((await http('GET', '/embed/v1/form', { headers: bearer(first + 'x') })).status).toBe(401);

    const rotated = await http('POST', `/api/v1/tenants/${tenantId}/agencies/${agency.body.id}/tokens/${created.body.id}/rotate`, { headers: session });
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.token;
    expect((await http('GET', '/embed/v1/form', { headers: bearer(first) })).status).toBe(401);
    expect((await http('GET', '/embed/v1/form', { headers: bearer(second) })).status).toBe(200);
    expect((await http('POST', `/api/v1/tenants/${tenantId}/agencies/${agency.body.id}/tokens/${created.body.id}/revoke`, { headers: session })).status).toBe(200);
    expect((await http('GET', '/embed/v1/form', { headers: bearer(second) })).status).toBe(401);

    // let the batched last_used_at and the access log reach the database and stdout
    await server.stop();
    const logs = server.logs;

    expect(logs).toMatch(/"reqId"/); // the log really is there, at trace level
    expect(logs).toContain('/embed/v1/form');
    for (const token of [first, second, adminApiToken]) {
      // everything past the displayed prefix, and any piece of it long enough to matter
      const secretPart = token.slice(12);
      for (const piece of [secretPart, secretPart.slice(0, 16), secretPart.slice(20, 36)]) {
        expect(logs).not.toContain(piece);
        expect(await tablesContaining(piece)).toEqual([]);
      }
    }
    // what is stored: the short display prefix of the current secret, and its keyed hash
    expect(await tablesContaining(second.slice(0, 12))).toContain('partner_tokens.token_prefix');
    const row = await db.db.kysely.selectFrom('partner_tokens').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.last_used_at).not.toBeNull();
  });
});
