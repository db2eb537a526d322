/** `partnergate service-account create` as a real process: the printed token asks the decision engine, and nothing else. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app/build-app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { runCli } from '../../helpers/server-process.ts';
import { Client } from '../../helpers/http.ts';
import { World } from '../../helpers/world.ts';
import type { FastifyInstance } from 'fastify';

let db: TestDb;
let app: FastifyInstance;

beforeAll(async () => {
  db = await createTestDb();
  app = await buildApp({ config: testConfig(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}, db.dataDir), db: db.db, logger: false });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

const cli = (args: string[]) => runCli(args, { DATA_DIR: db.dataDir, SCRYPT_COST: '10', DATABASE_URL: db.databaseUrl });

describe('partnergate service-account create', () => {
  it('prints a token that may call authz/check about anyone and nothing else', async () => {
    const r = cli(['service-account', 'create', '--email', 'billing-api@example.test', '--name', 'Billing API']);
    expect(r.code, r.err).toBe(0);
    const token = /API token \(shown once\): (\S+)/.exec(r.out)?.[1];
    expect(token).toMatch(/^pgpat_/);
    expect(cli(['service-account', 'create', '--email', 'billing-api@example.test']).code).toBe(1);
    expect(cli(['service-account', 'create']).code).toBe(2);

    const world = new World(app);
    const tenant = await world.tenant();
    const svc = new Client(app);
    svc.bearer = token!;
    const check = await svc.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id, principal: { type: 'user', user_id: tenant.user.id } });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ allow: true, via: 'membership' });
    const tenants = await svc.get(`/api/v1/tenants/${tenant.id}`);
    expect([tenants.status, tenants.body.code]).toEqual([404, 'tenant_not_found']);
    const users = await svc.get('/api/v1/users');
    expect([users.status, users.body.code]).toEqual([403, 'permission_denied']);
  });
});
