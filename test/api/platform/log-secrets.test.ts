/**
 * Logs never hold secrets: a canary. The app logs at trace level into memory while a whole
 * session runs through it — failed and good logins, a password change, an invitation link,
 * personal API tokens, the OAuth code flow with PKCE, refresh, introspection, revocation and
 * logout, client credentials and token exchange, the gateway with tokens in the header and in the
 * query string (ignored there), an upstream that is down, forward-auth in the Traefik and Envoy
 * styles, and the agency embed token. Every secret used is collected; none may appear in any line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { CALLBACK, authorizeViaHttp, customer, introspect, nonce, oidcClient, partnerWithApp, pkce, revoke, startOAuthApp, tokenRequest, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { Client } from '../../helpers/http.ts';
import { link, withoutTables } from '../gateway/helpers.ts';
import type { TestApp } from '../../helpers/app.ts';
import { unique } from '../../helpers/world.ts';
import { createTestDb } from '../../helpers/db.ts';
import { HttpClient, runCli, startServer, type ServerProcess } from '../../helpers/server-process.ts';
import { loadConfig } from '../../../src/config/config.ts';

const TE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';

let t: OAuthTestApp;
const lines: string[] = [];
const secrets = new Map<string, string>();

function secret(what: string, value: string | undefined | null): string {
  if (!value) throw new Error(`no ${what}`);
  secrets.set(what, value);
  return value;
}

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  const port = await new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as net.AddressInfo).port)));
  await new Promise((r) => s.close(r));
  return port;
}

function clientAt(ip: string): Client {
  const c = new Client(t.app);
  c.ip = ip;
  return c;
}

function randomIp(): string {
  return `10.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
}

beforeAll(async () => {
  t = await startOAuthApp({
    logger: { level: 'trace', stream: { write: (line: string) => lines.push(line) } },
    config: {
      GATEWAY_ROUTES: JSON.stringify([
        {
          name: 'crm',
          prefix: '/resources/v1/crm',
          upstream: `http://127.0.0.1:${await deadPort()}/crm`,
          tenant_scoped: true,
          rules: [{ method: 'GET', path: '/contacts', permission: 'orders.read', rate_class: 'read' }],
        },
      ]),
    },
  });
}, 60_000);
afterAll(() => t?.close());

describe('a whole session leaves no secret in the logs', () => {
  it('runs the session', async () => {
    const tenant = await customer(t);
    const ip = randomIp();

    // ---- portal: a failed login, a good one, a password change, an invitation -------------------
    const wrong = secret('wrong password', `Wrong-${nonce()}-pw`);
    const failed = await clientAt(ip).post('/api/v1/auth/login', { email: tenant.admin.email, password: wrong });
    expect(failed.status).toBe(401);
    secret('password', tenant.admin.password);
    const admin = await clientAt(ip).login(tenant.admin.email, tenant.admin.password);
    secret('session cookie', admin.cookie!.split('=')[1]);
    secret('csrf token', admin.csrf);
    const newPassword = secret('new password', `New-${nonce()}-password`);
    const changed = await admin.post('/api/v1/me/password', { current_password: tenant.admin.password, new_password: newPassword });
    expect(changed.status).toBe(204);
    const again = await clientAt(ip).login(tenant.admin.email, newPassword);
    secret('second session cookie', again.cookie!.split('=')[1]);
    secret('second csrf token', again.csrf);
    const invited = await again.post(`/api/v1/tenants/${tenant.id}/members`, { email: `${unique('inv')}@example.test`, role: 'TENANT_USER' });
    expect(invited.status).toBe(201);
    const inviteToken = secret('invitation token', String(invited.body.invitation.url).split('/invite/')[1]);
    expect((await t.client().get(`/api/v1/invitations/${inviteToken}`)).status).toBe(200);
    expect((await t.client().get(`/invite/${inviteToken}`)).status).toBeLessThan(500);

    // ---- personal API token, in the header and (ignored) in the query ----------------------------
    const pat = await again.post('/api/v1/me/api-tokens', { name: 'logs canary' });
    expect(pat.status).toBe(201);
    const patToken = secret('personal API token', pat.body.token);
    const byPat = t.client();
    byPat.bearer = patToken;
    expect((await byPat.get('/api/v1/me')).status).toBe(200);
    expect((await t.client().get(`/api/v1/me?access_token=${patToken}`)).status).toBeGreaterThanOrEqual(400);

    // ---- agency embed token ---------------------------------------------------------------------
    const agency = await again.post(`/api/v1/tenants/${tenant.id}/agencies`, { name: unique('Agency') });
    expect(agency.status).toBe(201);
    const agt = await again.post(`/api/v1/tenants/${tenant.id}/agencies/${agency.body.id}/tokens`, {
      label: 'Web form',
      form_config: { allowed_voucher_types: ['credit_10'], intro_text: 'Hi.', rules_list: ['One per booking.'] },
    });
    expect(agt.status).toBe(201);
    const agencyToken = secret('agency token', agt.body.token);
    const embed = t.client();
    embed.bearer = agencyToken;
    expect((await embed.get('/embed/v1/form')).status).toBe(200);
    const issued = await embed.post('/embed/v1/vouchers', { type: 'credit_10', recipient_name: 'Ada' });
    expect(issued.status).toBe(201);
    expect((await t.client().get(`/embed/v1/form?token=${agencyToken}`)).status).toBe(401);

    // ---- OAuth: code flow with PKCE, the callback, refresh, introspection, revocation, logout -----
    const app = await partnerWithApp(t, { scopes: ['openid', 'orders.read'] });
    secret('client secret', app.secret);
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    secret('code verifier', p.verifier);
    secret('state', p.state);
    const authUrl = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    tenant.admin.password = newPassword;
    const cb = await authorizeViaHttp(t, authUrl, tenant.admin);
    secret('authorization code', cb.searchParams.get('code'));
    // The callback reaching this server too (as the built-in sample partner app's does): what matters is
    // the request line it logs, not the answer (the portal's page when web/dist is built, else 404).
    expect((await fetch(`${t.url}/callback${cb.search}`)).status).toBeLessThan(500);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const access = secret('access token', tokens.access_token);
    const refresh = secret('refresh token', tokens.refresh_token);
    const idToken = secret('id token', tokens.id_token);
    const refreshed = await oidc.refreshTokenGrant(config, refresh);
    const access2 = secret('refreshed access token', refreshed.access_token);
    secret('rotated refresh token', refreshed.refresh_token);
    expect((await introspect(t, app, access2)).body.active).toBe(true);
    // a server error inside the provider (its store is away for a moment) is logged, not the token it was handling
    const broken = await withoutTables(t as unknown as TestApp, ['oauth_store'], () => tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token! }));
    expect(broken.status).toBe(500);

    // the gateway: header, query (ignored: 401), an upstream that is down (502), forward-auth
    const h = { authorization: `Bearer ${access2}` };
    expect((await t.app.inject({ method: 'GET', url: '/resources/v1/orders', headers: h })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/resources/v1/orders?access_token=${access2}&limit=5` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/resources/v1/crm/contacts?access_token=${access2}`, headers: h })).statusCode).toBe(502);
    const traefik = await t.app.inject({
      method: 'GET',
      url: '/authz/forward-auth',
      headers: { ...h, 'x-forwarded-method': 'GET', 'x-forwarded-uri': `/resources/v1/orders?access_token=${access2}` },
    });
    expect(traefik.statusCode).toBe(200);
    secret('gateway assertion', String(traefik.headers['x-partnergate-assertion']));
    expect((await t.app.inject({ method: 'GET', url: `/authz/forward-auth/resources/v1/orders?access_token=${access2}&code=${cb.searchParams.get('code')}`, headers: h })).statusCode).toBe(200);

    expect((await revoke(t, app, refreshed.refresh_token!)).status).toBe(200);
    const logout = await fetch(`${t.issuer}/session/end?id_token_hint=${idToken}&client_id=${app.clientId}`);
    expect(logout.status).toBeLessThan(500);
    expect((await t.app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${access}` } })).statusCode).toBeLessThan(500);

    // ---- a wholesaler: client credentials and token exchange ---------------------------------------
    const w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials', TE], scopes: ['orders.read', 'orders.create'] });
    secret('wholesaler client secret', w.secret);
    const wc = await oidcClient(t, w.clientId, w.secret);
    const own = secret('client credentials token', (await oidc.clientCredentialsGrant(wc, { scope: 'orders.read orders.create' })).access_token);
    const owner = await w.partner.owner.login();
    const resold = await owner.post(`/api/v1/partners/${w.partner.id}/resold-tenants`, { name: 'Resold', slug: unique('resold') });
    expect(resold.status).toBe(201);
    const exchanged = await oidc.genericGrantRequest(wc, TE, { subject_token: own, subject_token_type: AT, tenant_id: resold.body.resold.tenant.id, scope: 'orders.read' });
    const actingToken = secret('exchanged token', exchanged.access_token);
    expect((await t.app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${actingToken}` } })).statusCode).toBe(200);
    // an unknown query parameter: the upstream refuses it (400), the token in it stays out of the log
    expect((await t.app.inject({ method: 'GET', url: `/resources/v1/orders?token=${actingToken}`, headers: { authorization: `Bearer ${actingToken}` } })).statusCode).toBe(400);

    // ---- an MSP's personal API token at the gateway -------------------------------------------------
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t as unknown as TestApp, msp, tenant);
    const staff = await clientAt(randomIp()).login(msp.staff.email, msp.staff.password);
    secret('msp staff password', msp.staff.password);
    const mspPat = secret('msp API token', (await staff.post('/api/v1/me/api-tokens', { name: 'msp canary' })).body.token);
    expect((await t.app.inject({ method: 'GET', url: '/resources/v1/orders', headers: { authorization: `Bearer ${mspPat}`, 'x-active-tenant-id': tenant.id } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/resources/v1/orders?api_key=${mspPat}`, headers: { 'x-active-tenant-id': tenant.id } })).statusCode).toBe(401);
    expect((await again.post('/api/v1/auth/logout', {})).status).toBeLessThan(300);
  }, 90_000);

  it('wrote the session to the log, with the credentials hidden', () => {
    const text = lines.join('');
    const found = [...secrets].filter(([, value]) => text.includes(value) || text.includes(encodeURIComponent(value)));
    expect(found.map(([what]) => what)).toEqual([]);
    expect(lines.length).toBeGreaterThan(50);
    // The requests are there — their credentials are not.
    expect(text).toContain('/resources/v1/orders?access_token=[redacted]&limit=5');
    expect(text).toContain('/api/v1/invitations/[redacted]');
    expect(text).toContain('upstream request failed');
    expect(text).toContain('oauth server error');
    expect(text).toMatch(/\/oauth\/session\/end\?id_token_hint=\[redacted\]/);
    expect(secrets.size).toBeGreaterThan(20);
  });
});

describe('the served process and the CLI', () => {
  it('write no secret to stdout or stderr (LOG_LEVEL=debug)', async () => {
    const db = await createTestDb({ migrate: false });
    // PostgreSQL: the owner migrates (the first command creates the schema), the app runs as its role
    const env = { DATA_DIR: db.dataDir, DATABASE_URL: db.databaseUrl, DATABASE_OWNER_URL: db.ownerUrl, SCRYPT_COST: '10' };
    const email = `${unique('root')}@example.test`;
    const password = `Root-${nonce()}-passphrase`;
    const bearer = `opaque-${nonce()}${nonce()}${nonce()}`; // shaped like no known secret: only its place gives it away
    const wrong = `Wrong-${nonce()}-pw`;
    let server: ServerProcess | null = null;
    let cli = '';
    const session = { cookie: '', csrf: '' };
    try {
      const created = runCli(['admin', 'create', '--email', email, '--password', password], env);
      cli = created.out + created.err;
      expect(created.code).toBe(0);
      server = await startServer({ env: { ...env, LOG_LEVEL: 'debug' } });
      const c = new HttpClient(server.base);
      expect((await c.req('POST', '/api/v1/auth/login', { email, password: wrong })).status).toBe(401);
      await c.login(email, password);
      Object.assign(session, { cookie: c.cookie.split('=')[1], csrf: c.csrf });
      expect((await fetch(`${server.base}/api/v1/me?access_token=${bearer}`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(401);
      // the log is written as requests complete: wait (bounded) for the last one's line
      const deadline = Date.now() + 20_000;
      while (!server.logs.includes('access_token=[redacted]') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await server?.stop();
      await db.drop();
    }
    const logs = server.logs;
    expect(logs).toContain('/api/v1/me?access_token=[redacted]');
    for (const [what, value] of Object.entries({ password, wrong, bearer, ...session })) {
      expect(value, what).toBeTruthy();
      expect((cli + logs).includes(value), `${what} in the output`).toBe(false);
    }
  }, 180_000);

  it('a config file that is not valid JSON is named, its text is not quoted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pg-badconfig-'));
    const file = path.join(dir, 'partnergate.json');
    const secretKey = `unquoted${nonce()}${nonce()}`;
    for (const text of [`{"SECRET_KEY": ${secretKey}}`, `{"SECRET_KEY": "${secretKey}",}`]) {
      writeFileSync(file, text);
      let message = '';
      try {
        loadConfig({}, { CONFIG_FILE: file });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('is not valid JSON');
      expect(message).not.toContain(secretKey.slice(0, 10));
      expect(message).not.toContain(secretKey.slice(-6));
    }
  });
});
