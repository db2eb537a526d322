/**
 * Key rotation across processes: a gateway (`partnergate serve`, no Redis, the outbox polled only
 * every hour, so no change-feed message can tell it) and `partnergate keys rotate` run as another
 * process on the same database. A token signed with the new key is accepted on its very first
 * request — the unknown kid makes the gateway reload the key store once — and tokens of the
 * retired key keep working until they expire.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig, TEST_SECRET } from '../../helpers/config.ts';
import { World } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import { consentClaims, consentedApp, mintToken } from './helpers.ts';

const root = path.resolve(import.meta.dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

let testDb: TestDb;
let setup: FastifyInstance;
let t: TestApp;
let gateway: ChildProcess;
let output: string[] = [];
let base: string;
let env: Record<string, string>;

beforeAll(async () => {
  testDb = await createTestDb();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    PATH: process.env.PATH ?? '',
    SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'silent',
    SCRYPT_COST: '10',
    DATA_DIR: testDb.dataDir,
    PUBLIC_URL: base, // one issuer and audience for the gateway, the CLI and the tokens minted here
    ...(testDb.databaseUrl ? { DATABASE_URL: testDb.databaseUrl } : {}),
  };
  // This process: the world and a key store to mint tokens from (no Redis here either).
  setup = await buildApp({ config: testConfig({ PUBLIC_URL: base, CHANGE_FEED_POLL_MS: '3600000' }, testDb.dataDir), db: testDb.db, redis: null, logger: false });
  await setup.ready();
  t = { app: setup, services: setup.services, testDb, world: new World(setup), client: () => new Client(setup), url: null, close: async () => {} };

  gateway = spawn(process.execPath, [path.join(root, 'src/main.ts'), 'serve'], { cwd: root, env: { ...env, PORT: String(port), HOST: '127.0.0.1', CHANGE_FEED_POLL_MS: '3600000' }, stdio: ['ignore', 'pipe', 'pipe'] });
  gateway.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
  gateway.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
}, 60_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((r) => gateway.once('exit', r));
  }
  await setup?.close();
  await testDb?.drop();
});

async function waitReady(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`gateway exited ${gateway.exitCode}: ${output.join('')}`);
    try {
      if ((await fetch(base + '/readyz')).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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
    await waitReady();
    expect(await context(before)).toMatchObject({ status: 200, body: { tenant_id: tenant.id } });

    const rotated = spawnSync(process.execPath, [path.join(root, 'src/main.ts'), 'keys', 'rotate'], { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
    expect(rotated.stderr).toBe('');
    expect(rotated.status).toBe(0);
    const kid = /new signing key (\S+?);? /.exec(rotated.stdout + ' ')?.[1];
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
