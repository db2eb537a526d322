/**
 * Instances behind a load balancer keep nothing on local disk or in local memory that another
 * instance needs: two apps on one PostgreSQL database and one Redis key space, each with a DATA_DIR
 * of its own (as two machines would have), and
 *  - an invoice export job run on instance A downloads through instance B (its file is in the
 *    database, in pieces, read back one at a time), until it expires (410 export_expired, and the
 *    sweep deletes the pieces);
 *  - mail written to the outbox on A (no SMTP server) is listed and read by the operator on B;
 *  - a DPoP proof accepted on A is refused when replayed on B (the seen proof ids are in Redis).
 * Always PostgreSQL and Redis (a fresh database on the local server, whatever DATABASE_URL says).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { ManualClock, type Clock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { FILE_CHUNK } from '../../../src/modules/resources/invoice-export.service.ts';
import { REDIS_URL, type TestApp } from '../../helpers/app.ts';
import { testConfig } from '../../helpers/config.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { Client } from '../../helpers/http.ts';
import { freePort } from '../../helpers/server-process.ts';
import { World, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';
import { oidcClient, partnerWithApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';

/** Two instances on one database and one Redis key space; each its own DATA_DIR. */
interface Pair {
  db: TestDb;
  dirs: [string, string];
  a: TestApp;
  /** built by `second()`, after the world it must find at start */
  b: TestApp | null;
  second(): Promise<TestApp>;
  close(): Promise<void>;
}

async function startPair(name: string, o: { clock?: Clock; port?: number; env?: Record<string, string> } = {}): Promise<Pair> {
  const db = await createTestDb({ postgres: true });
  const dirs: [string, string] = [mkdtempSync(path.join(tmpdir(), 'pg-inst-a-')), mkdtempSync(path.join(tmpdir(), 'pg-inst-b-'))];
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `pgt:${process.pid}-${Date.now()}-${name}:`, ...o.env };
  const apps: FastifyInstance[] = [];
  const build = async (dir: string, listen: boolean): Promise<TestApp> => {
    const config = testConfig(env, dir);
    const app = await buildApp({ config, db: db.db, clock: o.clock, redis: redisFactory(REDIS_URL, {}, { commandTimeoutMs: config.redisCommandTimeoutMs }), logger: false });
    apps.push(app);
    if (listen) await app.listen({ port: o.port!, host: '127.0.0.1' });
    else await app.ready();
    return { app, services: app.services, testDb: db, world: new World(app), client: () => new Client(app), url: null, close: async () => undefined };
  };
  const pair: Pair = {
    db,
    dirs,
    a: await build(dirs[0], o.port !== undefined),
    b: null,
    async second() {
      pair.b = await build(dirs[1], false);
      return pair.b;
    },
    async close() {
      for (const app of apps.reverse()) await app.close();
      await db.drop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
  return pair;
}

describe('invoice exports and the mail outbox, across instances', () => {
  const clock = new ManualClock(Date.now());
  let pair: Pair;
  let a: TestApp;
  let b: TestApp;
  let p: TestPartner;
  let tenant: TestTenant;

  beforeAll(async () => {
    pair = await startPair('files', { clock });
    a = pair.a;
    p = await a.world.partner({ capabilities: ['managed_services'] });
    tenant = await a.world.tenant({ bans: 1 });
    await seedResourceData({ db: a.services.db, clock: a.services.clock, audit: a.services.audit, listBillingAccounts: (id) => a.services.tenants.listBillingAccounts(id) }, a.world.ctx, { id: tenant.id, userIds: [tenant.user.id] });
    // enough invoices for a file of several stored pieces
    const rows = [];
    for (let i = 0; i < 4_000; i++) {
      rows.push({ id: `ivc_${String(i).padStart(26, '0')}`, tenant_id: tenant.id, ban_id: tenant.bans[0].id, number: `SHARED-${i}`, period: '2026-01', issued_at: '2026-01-05T00:00:00.000Z', due_at: '2026-02-04T00:00:00.000Z', currency: 'USD', subtotal_cents: 1000, tax_cents: 100, total_cents: 1100, balance_cents: 0, status: 'paid' as const, paid_at: '2026-01-20T00:00:00.000Z', created_at: '2026-01-05T00:00:00.000Z' });
      if (rows.length === 1000) await a.services.db.kysely.insertInto('invoices').values(rows.splice(0)).execute();
    }
    await a.services.delegations.create(a.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await a.services.feed.drain();
    b = await pair.second();
  }, 120_000);
  afterAll(async () => {
    await pair?.close();
  });

  it('an export job run on instance A downloads through instance B, until it expires', { timeout: 60_000 }, async () => {
    const onA = await loginAs(a, p.staff);
    const onB = await loginAs(b, p.staff);
    const invoices = await a.services.db.kysely.selectFrom('invoices').select(['id', 'number']).where('tenant_id', '=', tenant.id).execute();
    const r = await onA.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: tenant.id, mode: 'job' });
    expect(r.status).toBe(202);
    await a.services.invoiceExports.settle();

    // instance B shows the link, and answers the file
    const job = await onB.get(`/api/v1/partner/exports/${r.body.job.id}`);
    expect(job.body).toMatchObject({ status: 'done', rows_done: invoices.length });
    expect(job.body.download_url).toMatch(/\/download\?token=/);
    const file = await onB.get(job.body.download_url);
    expect(file.status).toBe(200);
    expect(String(file.headers['content-type'])).toMatch(/^text\/csv/);
    expect(Number(file.headers['content-length'])).toBe(Buffer.byteLength(String(file.body)));
    const lines = String(file.body).trim().split('\r\n');
    expect(lines.length).toBe(invoices.length + 1);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1]))).toEqual(new Set(invoices.map((i) => i.number)));
    // kept in the database in pieces, nothing on either instance's disk
    const pieces = await a.services.db.kysely.selectFrom('export_file_chunks').select('seq').where('job_id', '=', r.body.job.id).execute();
    expect(pieces.length).toBe(Math.ceil(Buffer.byteLength(String(file.body)) / FILE_CHUNK));
    expect(pieces.length).toBeGreaterThan(1);
    for (const dir of pair.dirs) expect(existsSync(path.join(dir, 'exports'))).toBe(false);
    // the same link through instance A answers the same file
    const same = await onA.get(job.body.download_url);
    expect(same.body).toBe(file.body);

    // an hour later the link has expired on every instance, and the file is deleted
    clock.advance(61 * 60_000);
    const late = await (await loginAs(b, p.staff)).get(job.body.download_url);
    expect([late.status, late.body.code]).toEqual([410, 'export_expired']);
    expect(await a.services.db.kysely.selectFrom('export_file_chunks').select('seq').where('job_id', '=', r.body.job.id).execute()).toEqual([]);
  });

  it('mail written to the outbox on instance A is listed and read by the operator on instance B', async () => {
    const admin = await loginAs(a, tenant.admin);
    const email = `shared-outbox-${Date.now()}@example.com`;
    const invited = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_ADMIN' });
    expect(invited.status).toBe(201);
    await a.services.notifications.worker.tick();

    const operator = await a.world.user({ platformRole: 'SUPER_ADMIN' });
    const op = await loginAs(b, operator);
    const list = await op.get<'/api/v1/mail-outbox'>('/api/v1/mail-outbox');
    expect(list.status).toBe(200);
    expect(list.body.via).toBe('outbox');
    const item = list.body.data.find((m) => m.to.includes(email));
    expect(item?.subject).toBe(`You are invited to join ${tenant.name} on Partnergate`);
    const one = await op.get<'/api/v1/mail-outbox/{name}'>(`/api/v1/mail-outbox/${item!.name}`);
    expect(one.status).toBe(200);
    expect(one.body.text).toMatch(/Accept the invitation: http:\/\/localhost:8080\/invite\/pginv_/);
    // the invitation link is not readable in the table
    const row = await a.services.db.kysely.selectFrom('mail_outbox').select('message_enc').where('id', '=', item!.name).executeTakeFirstOrThrow();
    expect(row.message_enc).not.toMatch(/pginv_|invite/);
    for (const dir of pair.dirs) expect(existsSync(path.join(dir, 'mail-outbox'))).toBe(false);

    // past the retention period the message is gone from the list, and deleted with the next one written
    clock.advance(31 * 24 * 60 * 60_000);
    const later = await (await loginAs(b, operator)).get<'/api/v1/mail-outbox'>('/api/v1/mail-outbox');
    expect(later.body.data.find((m) => m.name === item!.name)).toBeUndefined();
    const gone = await (await loginAs(b, operator)).get(`/api/v1/mail-outbox/${item!.name}`);
    expect([gone.status, gone.body.code]).toEqual([404, 'mail_message_not_found']);
    await (await loginAs(a, tenant.admin)).post(`/api/v1/tenants/${tenant.id}/members`, { email: `after-${email}`, role: 'TENANT_USER' });
    await a.services.notifications.worker.tick();
    expect(await a.services.db.kysely.selectFrom('mail_outbox').select('id').where('id', '=', item!.name).execute()).toEqual([]);
  });
});

describe('DPoP proofs across instances (Redis)', () => {
  let pair: Pair;
  let a: TestApp;
  let b: TestApp;
  let url: string;
  let token: string;
  let keyPair: oidc.CryptoKeyPair;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    pair = await startPair('dpop', { port, env: { PUBLIC_URL: url } });
    a = pair.a;
    const asOAuth = { ...a, url, issuer: `${url}/oauth`, audience: `${url}/resources` } as unknown as OAuthTestApp;
    const w = await partnerWithApp(asOAuth, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const config = await oidcClient(asOAuth, w.clientId, w.secret);
    keyPair = await oidc.randomDPoPKeyPair('ES256');
    token = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: oidc.getDPoPHandle(config, keyPair) })).access_token;
    b = await pair.second();
  }, 120_000);
  afterAll(async () => {
    await pair?.close();
  });

  const htu = 'https://api.partner-edge.example/resources/v1/orders';
  const proof = async () =>
    new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
      .setIssuedAt()
      .sign(keyPair.privateKey);
  const check = (app: TestApp, dpop: string) =>
    app.app.inject({
      method: 'GET',
      url: '/authz/forward-auth',
      headers: { authorization: `DPoP ${token}`, dpop, 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.partner-edge.example', 'x-forwarded-uri': '/resources/v1/orders' },
    });

  it('a proof accepted on instance A is refused when replayed on instance B', async () => {
    const first = await proof();
    expect((await check(a, first)).statusCode).toBe(200);
    const replayed = await check(b, first);
    expect([replayed.statusCode, replayed.json().code]).toEqual([401, 'invalid_token']);
    expect(replayed.json().detail).toMatch(/already used/);
    // instance B takes a fresh proof of the same key: what it refused was the replay
    expect((await check(b, await proof())).statusCode).toBe(200);
    // and the other way round
    const second = await proof();
    expect((await check(b, second)).statusCode).toBe(200);
    const back = await check(a, second);
    expect([back.statusCode, back.json().code]).toEqual([401, 'invalid_token']);
  });
});
