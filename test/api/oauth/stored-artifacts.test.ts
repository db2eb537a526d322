/**
 * A database reader must not find a usable OAuth artifact. Every bearer value
 * the authorization server hands out — authorization codes, refresh tokens, access tokens, PAR
 * request_uris, the provider's session and interaction cookies — is looked for, after real flows
 * over HTTP (code + PKCE, refresh rotation, introspection, revocation, PAR, a consent left open), in every column of every
 * table, and on SQLite in the raw bytes of the database file and its WAL: it must be nowhere.
 * And what the database does hold must not redeem: the stored id of a code or refresh token
 * presented at the token endpoint is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { CALLBACK, UserAgent, authorizeViaHttp, codeFlowTokens, customer, formValue, introspect, oidcClient, partnerWithApp, pkce, revoke, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { MIGRATIONS } from '../../../src/platform/db/migrations/index.ts';
import { migration } from '../../../src/platform/db/migrations/0009-oauth-hashed-ids.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let tenant: TestTenant;
let config: oidc.Configuration;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t);
  tenant = await customer(t);
  config = await oidcClient(t, app.clientId, app.secret);
});
afterAll(async () => {
  await t?.close();
});

const SCOPE = 'openid email orders.read offline_access';

/** Every text value of every table, as (table, column, value). */
async function everyStoredValue(): Promise<{ table: string; column: string; value: string }[]> {
  const db = t.testDb.db;
  const tables =
    db.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db.kysely)).rows.map((r) => r.name);
  expect(tables).toContain('oauth_store');
  const out: { table: string; column: string; value: string }[] = [];
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.kysely)).rows;
    for (const row of rows) {
      for (const [column, v] of Object.entries(row)) {
        if (v === null || v === undefined) continue;
        out.push({ table, column, value: Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'string' ? v : JSON.stringify(v) });
      }
    }
  }
  return out;
}

/** Where each secret appears in the database (empty when nowhere). */
async function findInDatabase(secrets: Map<string, string>): Promise<string[]> {
  const values = await everyStoredValue();
  const hits: string[] = [];
  for (const [what, secret] of secrets) {
    for (const v of values) if (v.value.includes(secret)) hits.push(`${what} in ${v.table}.${v.column}`);
    if (t.testDb.db.dialect === 'sqlite') {
      for (const suffix of ['', '-wal', '-journal']) {
        const file = path.join(t.testDb.dataDir, `partnergate.db${suffix}`);
        if (existsSync(file) && readFileSync(file).includes(Buffer.from(secret))) hits.push(`${what} in the bytes of partnergate.db${suffix}`);
      }
    }
  }
  return hits;
}

/** Go through sign-in (if asked) up to the consent page and stop there: the interaction stays open. */
async function openConsent(url: URL, ua: UserAgent): Promise<void> {
  let next: string | null = url.href;
  for (let step = 0; step < 10 && next; step++) {
    const page = await ua.request(next);
    if (page.status === 302 || page.status === 303) {
      next = page.location;
      continue;
    }
    expect(page.status).toBe(200);
    if (page.body.includes('name="ban_ids"')) return;
    expect(page.body).toContain('name="password"');
    const r = await ua.request(`${next.split('?')[0]}/login`, { form: { csrf: formValue(page.body, 'csrf') ?? '', email: tenant.admin.email, password: tenant.admin.password } });
    expect(r.status).toBe(303);
    next = r.location;
  }
  throw new Error('the consent page never came');
}

describe('OAuth artifacts at rest', () => {
  const secrets = new Map<string, string>();
  const note = (what: string, value: unknown) => {
    if (typeof value === 'string' && value.length >= 16) secrets.set(`${what} (${value.slice(0, 6)}…)`, value);
  };
  let current: { refresh: string; code: string; verifier: string } | null = null;

  it('keeps no code, token, request_uri or cookie value of real flows anywhere in the database', async () => {
    // 1. Authorization code + PKCE, then two refresh rotations and an introspection.
    const ua1 = new UserAgent();
    const p1 = await pkce();
    const cb1 = await authorizeViaHttp(t, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p1.challenge, code_challenge_method: 'S256', state: p1.state }), tenant.admin, {}, ua1);
    note('code', cb1.searchParams.get('code'));
    const tokens = await oidc.authorizationCodeGrant(config, cb1, { pkceCodeVerifier: p1.verifier, expectedState: p1.state });
    note('access token', tokens.access_token);
    note('id token', tokens.id_token);
    note('refresh token', tokens.refresh_token);
    let refresh = tokens.refresh_token!;
    for (let i = 0; i < 2; i++) {
      const r = await oidc.refreshTokenGrant(config, refresh);
      note('rotated access token', r.access_token);
      note('rotated refresh token', r.refresh_token);
      refresh = r.refresh_token!;
    }
    expect((await introspect(t, app, refresh)).body.active).toBe(true);
    // Revocation (RFC 7009): an access token (its jti is recorded and audited), then the refresh
    // token, which ends the grant and the consent behind it.
    expect((await revoke(t, app, tokens.access_token)).status).toBe(200);
    expect((await revoke(t, app, refresh, 'refresh_token')).status).toBe(200);
    expect((await introspect(t, app, refresh)).body.active).toBe(false);

    // 2. Another customer's authorization, its code left unredeemed (a consent supersedes the same
    //    tenant's earlier one for this app, so each live artifact below has a tenant of its own).
    const other = await customer(t);
    const ua2 = new UserAgent();
    const p2 = await pkce();
    const cb2 = await authorizeViaHttp(t, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p2.challenge, code_challenge_method: 'S256', state: p2.state }), other.admin, {}, ua2);
    const code2 = cb2.searchParams.get('code')!;
    note('unredeemed code', code2);

    // 3. Pushed authorization request (RFC 9126) through to tokens, on the first browser's
    //    provider session (consent only).
    const p3 = await pkce();
    const parUrl = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p3.challenge, code_challenge_method: 'S256', state: p3.state });
    const requestUri = parUrl.searchParams.get('request_uri')!;
    note('PAR request_uri', requestUri.split(':').pop());
    const cb3 = await authorizeViaHttp(t, parUrl, tenant.admin, {}, ua1);
    note('PAR code', cb3.searchParams.get('code'));
    const parTokens = await oidc.authorizationCodeGrant(config, cb3, { pkceCodeVerifier: p3.verifier, expectedState: p3.state });
    note('PAR access token', parTokens.access_token);
    note('PAR refresh token', parTokens.refresh_token);
    current = { refresh: parTokens.refresh_token!, code: code2, verifier: p2.verifier };

    // 4. Another PAR, signed in afresh and left open on the consent page: its interaction, the
    //    provider session and the pushed request are all in the database right now.
    const ua3 = new UserAgent();
    const p4 = await pkce();
    const openUrl = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p4.challenge, code_challenge_method: 'S256', state: p4.state });
    note('open PAR request_uri', openUrl.searchParams.get('request_uri')!.split(':').pop());
    await openConsent(openUrl, ua3);

    // 5. Identity scopes only: the access token is the library's opaque one (for userinfo), stored.
    const identityOnly = await codeFlowTokens(t, app.clientId, app.secret, (await customer(t)).admin, 'openid email');
    expect(identityOnly.access_token.split('.')).toHaveLength(1);
    note('opaque access token', identityOnly.access_token);

    for (const ua of [ua1, ua2, ua3]) for (const c of ua.cookiesSeen) note(`cookie ${c.name}`, c.value);
    const names = [...secrets.keys()].join(' | ');
    for (const cookie of ['pg_oauth_session', 'pg_oauth_interaction', 'pg_oauth_resume']) expect(names).toContain(`cookie ${cookie} `);
    // The flows did leave their rows: codes, refresh tokens, sessions, an open interaction, a pushed request.
    const models = new Set((await t.testDb.db.kysely.selectFrom('oauth_store').select('model').execute()).map((r) => r.model));
    for (const m of ['AuthorizationCode', 'RefreshToken', 'AccessToken', 'Session', 'Interaction', 'PushedAuthorizationRequest', 'Grant']) expect(models).toContain(m);

    expect(await findInDatabase(secrets)).toEqual([]);
  });

  it('refuses the stored id of a refresh token or a code at the token endpoint; the real ones still work', async () => {
    expect(current).not.toBeNull();
    const { refresh, code, verifier } = current!;
    const rows = await t.testDb.db.kysely.selectFrom('oauth_store').select(['model', 'id', 'consumed_at']).where('model', 'in', ['RefreshToken', 'AuthorizationCode']).execute();
    const storedRefresh = rows.filter((r) => r.model === 'RefreshToken' && r.consumed_at === null);
    const storedCodes = rows.filter((r) => r.model === 'AuthorizationCode' && r.consumed_at === null);
    expect(storedRefresh.length).toBeGreaterThan(0);
    expect(storedCodes.length).toBeGreaterThan(0);
    for (const row of storedRefresh) {
      const r = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: row.id });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_grant');
    }
    for (const row of storedCodes) {
      const r = await tokenRequest(t, app, { grant_type: 'authorization_code', code: row.id, redirect_uri: CALLBACK, code_verifier: verifier });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('invalid_grant');
    }
    // Nothing above touched the grant: the real refresh token and the real code still redeem.
    const ok = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: refresh });
    expect(ok.status).toBe(200);
    expect(ok.body.access_token).toBeTypeOf('string');
    const exchanged = await tokenRequest(t, app, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.refresh_token).toBeTypeOf('string');
  });
});

describe('migration 0009 on rows the previous version wrote in plaintext', () => {
  /** Put a row back the way the previous version stored it: the bearer value as id and as `jti`. */
  async function asLegacy(model: string, value: string): Promise<void> {
    const db = t.testDb.db.kysely;
    const id = t.services.oauth.store.storedId(model, value);
    const row = await db.selectFrom('oauth_store').select('payload').where('model', '=', model).where('id', '=', id).executeTakeFirstOrThrow();
    await db
      .updateTable('oauth_store')
      .set({ id: value, payload: JSON.stringify({ ...JSON.parse(row.payload), jti: value }) })
      .where('model', '=', model)
      .where('id', '=', id)
      .execute();
  }

  it('hashes refresh tokens in place (they keep working), drops codes, leaves no plaintext behind', async () => {
    expect(MIGRATIONS.map(([name]) => name)).toContain('0009-oauth-hashed-ids');
    const owner = await customer(t);
    const ua = new UserAgent();
    const p = await pkce();
    const cb = await authorizeViaHttp(t, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }), owner.admin, {}, ua);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const refresh = tokens.refresh_token!;
    const pendingOwner = await customer(t);
    const p2 = await pkce();
    const cb2 = await authorizeViaHttp(t, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: SCOPE, code_challenge: p2.challenge, code_challenge_method: 'S256', state: p2.state }), pendingOwner.admin, {}, new UserAgent());
    const code = cb2.searchParams.get('code')!;
    await asLegacy('RefreshToken', refresh);
    await asLegacy('AuthorizationCode', code);
    const legacy = new Map([
      ['legacy refresh token', refresh],
      ['legacy code', code],
    ]);
    expect((await findInDatabase(legacy)).length).toBeGreaterThan(0);

    const { kysely, dialect } = t.testDb.db;
    // Without the installation's secret there is no hashing them: refused, nothing changed.
    await expect(migration.up({ db: kysely, dialect })).rejects.toThrow(/SECRET_KEY/);
    await migration.up({ db: kysely, dialect, secretKey: t.config.secretKey });
    // What a restart does to the SQLite WAL (the pages the migration rewrote go to the file).
    if (dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(kysely);
    expect(await findInDatabase(legacy)).toEqual([]);

    const refreshed = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: refresh });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTypeOf('string');
    // codes live 60 seconds: the migration drops them rather than hashing
    const exchanged = await tokenRequest(t, app, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: p2.verifier });
    expect(exchanged.status).toBe(400);
    expect(exchanged.body.error).toBe('invalid_grant');
  });
});
