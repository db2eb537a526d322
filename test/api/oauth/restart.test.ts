/**
 * A restart in the middle of a flow, with real server processes: `node src/main.ts serve` issues
 * an authorization code (sign-in and consent over HTTP), the process is killed outright (SIGKILL:
 * nothing held in memory survives), a new process starts on the same database and data folder,
 * and the code is exchanged there — then a second crash, and the refresh token still works. The
 * signing key, the code, the grant and the consent all live in the database. Both databases.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { World, type TestTenant } from '../../helpers/world.ts';
import { CALLBACK, authorizeViaHttp, decodeJwt, pkce, type OAuthTestApp } from './oauth-helpers.ts';
import { freePort, startServer, type ServerProcess } from '../../helpers/server-process.ts';

const useRedis = !!process.env.REDIS_URL;
const REDIS_KEY_PREFIX = `pgt:${process.pid}-${randomBytes(3).toString('hex')}-rs:`;

let testDb: TestDb;
let setup: FastifyInstance;
let server: ServerProcess | undefined;
let publicUrl: string;
let port: number;
let clientId: string;
let secret: string;
let tenant: TestTenant;

const serve = () => startServer({ port, env: { DATA_DIR: testDb.dataDir, DATABASE_URL: testDb.databaseUrl, PUBLIC_URL: publicUrl, REDIS_URL: useRedis ? REDIS_URL : null, REDIS_KEY_PREFIX } });
const client = () => oidc.discovery(new URL(`${publicUrl}/oauth`), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });

beforeAll(async () => {
  testDb = await createTestDb();
  port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  // An in-process app on the same database only to build the world (partner, app, customer).
  const config = testConfig({ PUBLIC_URL: publicUrl, REDIS_KEY_PREFIX, ...(useRedis ? { REDIS_URL } : {}) }, testDb.dataDir);
  setup = await buildApp({ config, db: testDb.db, redis: useRedis ? redisFactory(REDIS_URL) : null, logger: false });
  await setup.ready();
  const world = new World(setup);
  const partner = await world.partner({ capabilities: ['delegated'] });
  const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
  const created = await setup.services.apps.create(ctx, partner.id, { name: 'Restart app', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CALLBACK], scopes: ['openid', 'orders.read'] });
  clientId = created.app.id;
  secret = created.secret!;
  tenant = await world.tenant({ bans: 2 });
  await setup.close();
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

describe('a restart in the middle of a flow, real processes', () => {
  it('exchanges a code issued by a process that was then killed, and refreshes after another crash', async () => {
    server = await serve();
    const before = await client();
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(before, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const callback = await authorizeViaHttp({ url: publicUrl } as OAuthTestApp, url, tenant.admin);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const jwksBefore = await (await fetch(`${publicUrl}/oauth/jwks`)).json();

    await server.stop({ hard: true });
    await expect(fetch(`${publicUrl}/readyz`)).rejects.toThrow();
    server = await serve();

    expect(await (await fetch(`${publicUrl}/oauth/jwks`)).json()).toEqual(jwksBefore);
    const after = await client();
    const tokens = await oidc.authorizationCodeGrant(after, callback, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ client_id: clientId, tenant_id: tenant.id, sub: tenant.admin.id });
    expect((await fetch(`${publicUrl}/resources/v1/orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);

    await server.stop({ hard: true });
    server = await serve();
    const refreshed = await oidc.refreshTokenGrant(await client(), tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
    expect((await oidc.tokenIntrospection(await client(), refreshed.access_token)).active).toBe(true);
  }, 180_000); // three process starts on a busy 2-core machine
});
