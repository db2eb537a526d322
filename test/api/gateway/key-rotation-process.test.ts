/**
 * Key rotation across processes: a gateway (`partnergate serve`, no Redis, the outbox polled only
 * every hour, so no change-feed message can tell it) and `partnergate keys rotate` run as another
 * process on the same database. A token signed with the new key is accepted on its very first
 * request — the unknown kid makes the gateway reload the key store once — and tokens of the
 * retired key keep working until they expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { World } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import { freePort, runCli, spawnServer, type Env, type ServerProcess } from '../../helpers/server-process.ts';
import { consentClaims, consentedApp, mintToken } from './helpers.ts';

let testDb: TestDb;
let setup: FastifyInstance;
let t: TestApp;
let gateway: ServerProcess;
let base: string;
let env: Env;

beforeAll(async () => {
  testDb = await createTestDb();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    LOG_LEVEL: 'silent',
    SCRYPT_COST: '10',
    DATA_DIR: testDb.dataDir,
    PUBLIC_URL: base, // one issuer and audience for the gateway, the CLI and the tokens minted here
    DATABASE_URL: testDb.databaseUrl,
  };
  // This process: the world and a key store to mint tokens from (no Redis here either).
  setup = await buildApp({ config: testConfig({ PUBLIC_URL: base, CHANGE_FEED_POLL_MS: '3600000' }, testDb.dataDir), db: testDb.db, redis: null, logger: false });
  await setup.ready();
  t = { app: setup, services: setup.services, testDb, world: new World(setup), client: () => new Client(setup), url: null, close: async () => {} };

  // started now, waited for in the test
  gateway = await spawnServer({ port, env: { ...env, CHANGE_FEED_POLL_MS: '3600000' } });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await setup?.close();
  await testDb?.drop();
});

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
const context = async (token: string) => {
  const r = await fetch(`${base}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string; tenant_id?: string } };
};

describe('a key rotated by another process', () => {
  it('is accepted on the first request of a token it signed, with no change-feed message (unknown kid → one reload)', async () => {
    // The world exists before the gateway starts: with no Redis and an hourly poll, it would see nothing made later.
    const tenant = await t.world.tenant();
    const app = await consentedApp(t, { tenant });
    const before = await mintToken(t, consentClaims(app, tenant));
    await gateway.ready();
    expect(await context(before)).toMatchObject({ status: 200, body: { tenant_id: tenant.id } });

    const rotated = runCli(['keys', 'rotate'], env);
    expect(rotated.err).toBe('');
    expect(rotated.code).toBe(0);
    const kid = /new signing key (\S+?);? /.exec(rotated.out + ' ')?.[1];
    expect(kid).toBeTruthy();
    expect(kid).not.toBe(kidOf(before));

    // Mint with the new key, from the key store, as the helpers do.
    await setup.services.oauth.keys.reload();
    expect(setup.services.oauth.keys.current.kid).toBe(kid);
    const after = await mintToken(t, consentClaims(app, tenant));
    expect(kidOf(after)).toBe(kid);

    expect(await context(after)).toMatchObject({ status: 200, body: { tenant_id: tenant.id } }); // its first request
    expect(await context(before)).toMatchObject({ status: 200, body: { tenant_id: tenant.id } }); // the retired key still verifies
    // a kid nobody published is still refused after the reload
    const [, payload, sig] = after.split('.');
    const header = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()), kid: 'never-published' })).toString('base64url');
    expect(await context(`${header}.${payload}.${sig}`)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
  });
});
