/**
 * Single logout from the organization's OpenID Connect provider (Back-Channel Logout 1.0), against the real
 * second oidc-provider (test/helpers/oidc-upstream.ts, features.backchannelLogout on): the person signs out
 * there, the provider POSTs a logout token to the connection's address, and the portal sessions that came
 * from that provider session end — only those, only that connection's. Hand-built tokens the spec says to
 * refuse (wrong signature, another connection's audience, a replayed jti, no logout event, a nonce) are
 * answered 400 and end nothing. The connection's page model says whether signing out here is passed on to the
 * provider (its discovery names an end_session_endpoint, or not, or cannot be read). Runs on SQLite, and on
 * PostgreSQL + Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { TestApp } from '../../helpers/app.ts';
import { startOidcBench, type OidcBench } from '../../helpers/oidc-bench.ts';
import { startUpstreamIdp, UpstreamBrowser, type UpstreamIdp, type UpstreamPerson } from '../../helpers/oidc-upstream.ts';
import { freePort } from '../../helpers/server-process.ts';

let bench: OidcBench;
let t: TestApp;
let idp: UpstreamIdp;
let base: string;
beforeAll(async () => {
  bench = await startOidcBench();
  ({ t, idp, base } = bench);
}, 60_000);
afterAll(() => bench?.close());

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A tenant with a verified domain and an OIDC connection whose client at the provider has our back-channel logout address. */
async function connectedTenant() {
  const o = await bench.organization('tenant');
  const c = await bench.connect(o, {}, { singleLogout: true });
  return { id: o.id, domain: o.domain, clientId: o.clientId, connectionId: c.connectionId, logoutUrl: c.logoutUrl };
}

const person = (domain: string): UpstreamPerson => bench.person(domain);

async function signIn(p: UpstreamPerson, b = new UpstreamBrowser()) {
  const { session } = await bench.signIn(p, b);
  expect(session).toBeTruthy();
  return { b, session: session! };
}

const meStatus = (session: string) => bench.meStatus(session);

/** A logout token signed with `key` (the provider's by default), with `claims` over a valid set. */
async function logoutToken(claims: Record<string, unknown>, o: { key?: JWK; omit?: string[] } = {}) {
  const jwk = (o.key ?? idp.signingJwk) as JWK;
  const body: Record<string, unknown> = { iss: idp.issuer, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), events: { [EVENT]: {} }, ...claims };
  for (const k of o.omit ?? []) delete body[k];
  return new SignJWT(body).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'logout+jwt' }).sign(await importJWK(jwk, 'RS256'));
}

async function post(url: string, token: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body: (await res.json()) as Record<string, unknown> };
}

describe('single logout from an OpenID Connect provider (back-channel)', () => {
  it('signing out at the provider ends the portal session that came from that provider session, and only it', async () => {
    const o = await connectedTenant();
    const p = person(o.domain);
    const one = await signIn(p);
    const two = await signIn(p);
    expect(await meStatus(one.session)).toBe(200);
    expect(await meStatus(two.session)).toBe(200);
    // what is stored: the connection, and keyed hashes — never the provider's sub or sid
    const rows = await t.services.db.kysely.selectFrom('sso_sessions').selectAll().where('connection_id', '=', o.connectionId).execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.upstream_session_hash !== null && r.subject_hash.length === 64)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(p.sub);

    const before = idp.backchannel.length;
    await one.b.signOutAtProvider(idp.issuer);
    expect(idp.backchannel.slice(before)).toEqual([{ clientId: o.clientId, ok: true }]);
    expect(await meStatus(one.session)).toBe(401);
    // the other browser's provider session is another sid: its portal session stays
    expect(await meStatus(two.session)).toBe(200);

    const logged = await t.services.db.kysely.selectFrom('audit_events').select(['details', 'tenant_id']).where('action', '=', 'sso.logout').where('target_id', '=', o.connectionId).execute();
    expect(logged).toHaveLength(1);
    expect(logged[0].tenant_id).toBe(o.id);
    expect(JSON.parse(logged[0].details as string)).toMatchObject({ channel: 'oidc_back_channel', by_session: true, sessions_ended: 1 });
    const ended = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'user.session_ended').execute();
    expect(ended.some((e) => JSON.parse(e.details as string).connection_id === o.connectionId)).toBe(true);
  });

  it('a token with sub only ends every session of that person on that connection; another connection is untouched', async () => {
    const a = await connectedTenant();
    const b = await connectedTenant();
    const p = person(a.domain);
    const s1 = await signIn(p);
    const s2 = await signIn(p);
    // to b's address, a token for b naming a's person: b has no such session, a's are untouched
    const other = await post(b.logoutUrl, await logoutToken({ aud: b.clientId, sub: p.sub }));
    expect(other.status).toBe(200);
    expect(await meStatus(s1.session)).toBe(200);
    const r = await post(a.logoutUrl, await logoutToken({ aud: a.clientId, sub: p.sub }));
    expect(r).toMatchObject({ status: 200, cacheControl: 'no-store' });
    expect(await meStatus(s1.session)).toBe(401);
    expect(await meStatus(s2.session)).toBe(401);
  });

  it('refuses, with 400 and nothing ended, every token the spec says to refuse', async () => {
    const a = await connectedTenant();
    const b = await connectedTenant();
    const p = person(a.domain);
    const s = await signIn(p);
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const stranger = { ...(await exportJWK(privateKey)), kid: 'contoso-1' } as JWK;
    const good = { aud: a.clientId, sub: p.sub };
    const replayed = await logoutToken({ aud: b.clientId, sub: 'nobody' });
    expect((await post(b.logoutUrl, replayed)).status).toBe(200);
    const cases: [string, string, string][] = [
      ['wrong signature', await logoutToken(good, { key: stranger }), 'signature'],
      ["another connection's audience", await logoutToken({ ...good, aud: b.clientId }), 'aud'],
      ['another issuer', await logoutToken({ ...good, iss: 'https://evil.example' }), 'iss'],
      ['replayed jti', replayed, 'replay'],
      ['missing events', await logoutToken(good, { omit: ['events'] }), 'events'],
      ['nonce present', await logoutToken({ ...good, nonce: 'n-1' }), 'nonce'],
      ['neither sid nor sub', await logoutToken({ aud: a.clientId }), 'sid'],
      ['too old', await logoutToken({ ...good, iat: Math.floor(Date.now() / 1000) - 3600 }), 'expired'],
      ['not a JWT', 'not-a-token', 'JWT'],
    ];
    for (const [what, token, reason] of cases) {
      const url = what === 'replayed jti' ? b.logoutUrl : a.logoutUrl;
      const r = await post(url, token);
      expect(r.status, what).toBe(400);
      expect(r.cacheControl, what).toBe('no-store');
      expect(r.body.error, what).toBe('invalid_request');
      expect(String(r.body.error_description), what).toContain(reason);
      expect(await meStatus(s.session), what).toBe(200);
    }
    const refused = await t.services.db.kysely.selectFrom('audit_events').select(['action']).where('action', '=', 'sso.logout_refused').where('target_id', 'in', [a.connectionId, b.connectionId]).execute();
    expect(refused.length).toBeGreaterThanOrEqual(cases.length);
    // an address for no connection: refused too
    expect((await post(`${base}/sso/oidc/nope/backchannel-logout`, await logoutToken(good))).status).toBe(400);
  });

  it('signing out of Partnergate ends the session first, then sends the browser to the provider, which signs the person out and sends them back', async () => {
    const o = await connectedTenant();
    const p = person(o.domain);
    const { b, session } = await signIn(p);
    const me = (await (await fetch(`${base}/api/v1/me`, { headers: { cookie: `partnergate_session=${session}` } })).json()) as { csrf_token: string };
    const out = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: `partnergate_session=${session}`, 'x-csrf-token': me.csrf_token } });
    expect(out.status).toBe(200);
    const next = new URL(((await out.json()) as { continue_at: string }).continue_at);
    expect(next.origin + next.pathname).toBe(`${idp.issuer}/session/end`);
    expect(next.searchParams.get('client_id')).toBe(o.clientId);
    expect(next.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/sso/signed-out`);
    expect(next.searchParams.get('state')?.length).toBeGreaterThanOrEqual(16);
    expect(next.searchParams.has('id_token_hint')).toBe(false);
    // ended before the browser goes anywhere
    expect(await meStatus(session)).toBe(401);

    const page = await b.follow(next.href);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.res.text())![1];
    const back = await b.follow(`${idp.issuer}/session/end/confirm`, { method: 'POST', form: { xsrf, logout: 'yes' } });
    expect(b.visited.some((u) => u.startsWith(`${base}/sso/signed-out?state=`))).toBe(true);
    expect(new URL(back.url).pathname).toBe('/login');
  });

  it("the connection says whether sign-out is passed on to the provider (its discovery's end_session_endpoint) and gives the back-channel address", async () => {
    const o = await bench.organization('tenant');
    const { connectionId, view } = await bench.connect(o);
    expect(view.connection.oidc).toMatchObject({
      sign_out_at_provider: 'passed_on',
      backchannel_logout_url: `${base}/sso/oidc/${connectionId}/backchannel-logout`,
      post_logout_redirect_url: `${base}/sso/signed-out`,
    });
    // a provider without RP-initiated logout: its discovery names no end_session_endpoint
    const plain = await startUpstreamIdp({ signOutPage: false });
    try {
      const meta = (await (await fetch(`${plain.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(meta.end_session_endpoint).toBeUndefined();
      const p = await bench.organization('tenant');
      await bench.connect(p, {}, { idp: plain });
      expect((await p.admin.get(`${p.prefix}/sso`)).body.connection.oidc.sign_out_at_provider).toBe('no_sign_out_page');
    } finally {
      await plain.close();
    }
    // a provider that does not answer: the page cannot say
    const gone = await bench.organization('tenant');
    const port = await freePort();
    await bench.connect(gone, { oidc: { issuer: `http://127.0.0.1:${port}`, client_id: gone.clientId, auth_method: 'client_secret_basic', client_secret: 'secret-gone-provider', scopes: 'openid email' } });
    expect((await gone.admin.get(`${gone.prefix}/sso`)).body.connection.oidc.sign_out_at_provider).toBe('unknown');
  });

  it('a password session signs out as before: 204, nowhere to go on to', async () => {
    const w = await t.world.tenant();
    const admin = await w.admin.login();
    expect((await admin.post('/api/v1/auth/logout')).status).toBe(204);
  });
});
