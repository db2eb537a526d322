/**
 * OAuth test harness: Partnergate listening on a known port (PUBLIC_URL = the real URL, so the
 * issuer, redirects and cookies are exactly what a client sees), restartable on the same
 * database; partner apps registered through the API; an openid-client configuration per app; and
 * a cookie-keeping HTTP "user agent" that signs in and answers the consent form the way a browser
 * would (the browser itself is used by flow.test.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { buildApp, type AppDeps } from '../../../src/app/build-app.ts';
import type { Services } from '../../../src/app/services.ts';
import type { Config } from '../../../src/config/config.ts';
import type { Clock } from '../../../src/platform/clock.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { createTestDb, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { World, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { Client } from '../../helpers/http.ts';
import { freePort } from '../../helpers/server-process.ts';

export interface OAuthTestApp {
  app: FastifyInstance;
  services: Services;
  world: World;
  url: string;
  issuer: string;
  audience: string;
  config: Config;
  testDb: TestDb;
  client(): Client;
  /** Close the server and build a new one on the same database, port and settings. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** `redisUrl`: a Redis of the test's own (test/helpers/own-redis.ts) instead of REDIS_URL. */
export async function startOAuthApp(opts: { config?: Record<string, string>; clock?: Clock; logger?: AppDeps['logger']; redisUrl?: string } = {}): Promise<OAuthTestApp> {
  const testDb = await createTestDb();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const redisUrl = opts.redisUrl ?? (process.env.REDIS_URL ? REDIS_URL : null);
  const config = testConfig({ PUBLIC_URL: url, ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...opts.config }, testDb.dataDir);
  const build = async () => {
    const app = await buildApp({ config, db: testDb.db, clock: opts.clock, redis: redisUrl ? redisFactory(redisUrl, {}, { commandTimeoutMs: config.redisCommandTimeoutMs }) : null, logger: opts.logger ?? false });
    await app.listen({ port, host: '127.0.0.1' });
    return app;
  };
  const t: OAuthTestApp = {
    app: await build(),
    services: null as unknown as Services,
    world: null as unknown as World,
    url,
    issuer: `${url}/oauth`,
    audience: `${url}/resources`,
    config,
    testDb,
    client: () => new Client(t.app),
    async restart() {
      await t.app.close();
      // One turn of the event loop, so the client's pooled keep-alive sockets read the FIN the closing server
      // sent: a rebuild that never reaches the poll phase (SQLite is synchronous) would otherwise hand the
      // next request a dead socket ("other side closed").
      await new Promise((r) => setImmediate(r));
      t.app = await build();
      t.services = t.app.services;
      t.world = new World(t.app);
    },
    async close() {
      await t.app.close();
      await testDb.drop();
    },
  };
  t.services = t.app.services;
  t.world = new World(t.app);
  return t;
}

export const CALLBACK = 'http://127.0.0.1:65531/callback';

export interface RegisteredApp {
  clientId: string;
  secret: string;
  partner: TestPartner;
}

/** A partner with the capability and an app registered by its owner through the API. */
export async function partnerWithApp(
  t: OAuthTestApp,
  opts: {
    capabilities?: ('delegated' | 'wholesale' | 'managed_services')[];
    grant_types?: string[];
    scopes?: string[];
    redirect_uris?: string[];
    name?: string;
    token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
    token_endpoint_auth_methods?: ('client_secret_basic' | 'client_secret_post' | 'private_key_jwt')[];
    jwks?: { keys: Record<string, unknown>[] };
  } = {},
): Promise<RegisteredApp> {
  const partner = await t.world.partner({ capabilities: opts.capabilities ?? ['delegated'] });
  const owner = await partner.owner.login();
  const grantTypes = opts.grant_types ?? ['authorization_code', 'refresh_token'];
  const r = await owner.post(`/api/v1/partners/${partner.id}/apps`, {
    name: opts.name ?? 'Test app',
    grant_types: grantTypes,
    scopes: opts.scopes ?? ['openid', 'profile', 'email', 'orders.read', 'orders.create', 'billing.invoices.read', 'billing.*'],
    ...(grantTypes.includes('authorization_code') ? { redirect_uris: opts.redirect_uris ?? [CALLBACK] } : {}),
    ...(opts.token_endpoint_auth_method ? { token_endpoint_auth_method: opts.token_endpoint_auth_method } : {}),
    ...(opts.token_endpoint_auth_methods ? { token_endpoint_auth_methods: opts.token_endpoint_auth_methods } : {}),
    ...(opts.jwks ? { jwks: opts.jwks } : {}),
  });
  if (r.status !== 201) throw new Error(`app registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { clientId: r.body.app.client_id, secret: r.body.client_secret, partner };
}

/** openid-client configured for one app (client_secret_basic), over plain http to the test server. */
export async function oidcClient(t: OAuthTestApp, clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
}

export async function pkce(): Promise<{ verifier: string; challenge: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  return { verifier, challenge: await oidc.calculatePKCECodeChallenge(verifier), state: oidc.randomState() };
}

/** A server reached only over HTTP at `url` (a process of its own), as the helpers here take it. */
export function serverAt(url: string): OAuthTestApp {
  return { url, issuer: `${url}/oauth` } as OAuthTestApp;
}

/**
 * Tokens by the authorization code flow with PKCE through openid-client: `user` signs in and
 * approves on the server's pages over HTTP, as a browser would.
 */
export async function codeFlowTokens(t: OAuthTestApp, clientId: string, secret: string, user: { email: string; password: string }, scope: string): Promise<oidc.TokenEndpointResponse> {
  const config = await oidcClient(t, clientId, secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const cb = await authorizeViaHttp(t, url, user);
  return oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
}

/** A cookie-keeping HTTP user agent that does not follow redirects by itself. */
export class UserAgent {
  readonly #cookies = new Map<string, string>();
  /** every cookie value the server ever set, by name (tests look for them where they must not be) */
  readonly cookiesSeen: { name: string; value: string }[] = [];
  /** the browser's Accept-Language, when it sends one */
  acceptLanguage: string | null = null;

  async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<{ status: number; location: string | null; body: string; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.#cookies.size) headers.cookie = [...this.#cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.acceptLanguage) headers['accept-language'] = this.acceptLanguage;
    let body: string | undefined;
    if (init.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      body = p.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else {
        this.#cookies.set(name, value);
        this.cookiesSeen.push({ name, value });
      }
    }
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location, url).href : null, body: await res.text(), headers: res.headers };
  }
}

export function formValue(html: string, name: string): string | null {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? decodeHtml(m[1]) : null;
}

export function formValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => decodeHtml(m[1]));
}

function decodeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c)));
}

export interface ConsentChoice {
  /** which billing accounts to share: ids, or all offered (default) */
  banIds?: string[];
  billTo?: string;
  days?: number;
  decision?: 'approve' | 'deny';
  /** the tenant the form names, instead of the one the page offers (a tampered form) */
  tenantId?: string;
}

/**
 * Follow an authorization request through sign-in and consent like a browser would, and return
 * the URL the browser is finally sent to (the app's redirect URI with code or error).
 */
export async function authorizeViaHttp(t: OAuthTestApp, authorizationUrl: URL | string, user: { email: string; password: string }, choice: ConsentChoice = {}, ua = new UserAgent()): Promise<URL> {
  let next: string | null = String(authorizationUrl);
  for (let step = 0; step < 20 && next; step++) {
    if (!next.startsWith(t.url)) return new URL(next);
    const page = await ua.request(next);
    if (page.status === 302 || page.status === 303) {
      next = page.location;
      continue;
    }
    if (page.status !== 200) throw new Error(`unexpected ${page.status} at ${next}: ${page.body.slice(0, 300)}`);
    const csrf = formValue(page.body, 'csrf');
    if (page.body.includes('name="password"')) {
      const r = await ua.request(`${next.split('?')[0]}/login`, { form: { csrf: csrf ?? '', email: user.email, password: user.password } });
      if (r.status !== 303) throw new Error(`login failed: ${r.status} ${r.body.slice(0, 300)}`);
      next = r.location;
      continue;
    }
    if (page.body.includes('name="ban_ids"')) {
      const offered = formValues(page.body, 'ban_ids');
      const banIds = choice.banIds ?? offered;
      const r = await ua.request(`${next.split('?')[0]}/consent`, {
        form: {
          csrf: csrf ?? '',
          tenant_id: choice.tenantId ?? formValue(page.body, 'tenant_id') ?? '',
          ban_ids: banIds,
          bill_to: choice.billTo ?? banIds[0] ?? '',
          duration_days: String(choice.days ?? 90),
          decision: choice.decision ?? 'approve',
        },
      });
      if (r.status !== 303) throw new Error(`consent failed: ${r.status} ${r.body.slice(0, 500)}`);
      next = r.location;
      continue;
    }
    if (page.body.includes('data-testid="member-consent"')) {
      // A member of the app's own partner authorizes it for their own account: approve or deny only.
      const r = await ua.request(`${next.split('?')[0]}/consent`, { form: { csrf: csrf ?? '', decision: choice.decision ?? 'approve' } });
      if (r.status !== 303) throw new Error(`member consent failed: ${r.status} ${r.body.slice(0, 500)}`);
      next = r.location;
      continue;
    }
    throw new Error(`unexpected page at ${next}: ${page.body.slice(0, 300)}`);
  }
  throw new Error('the authorization did not finish');
}

/** A fresh tenant whose admin will consent. */
export function customer(t: OAuthTestApp): Promise<TestTenant> {
  return t.world.tenant({ bans: 2 });
}

/** POST to the token endpoint with HTTP Basic client authentication; returns status and JSON. */
export async function tokenRequest(t: OAuthTestApp, auth: { clientId: string; secret: string } | null, params: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const h: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers };
  if (auth) h.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.secret)}`).toString('base64')}`;
  const res = await fetch(`${t.issuer}/token`, { method: 'POST', headers: h, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function introspect(t: OAuthTestApp, auth: { clientId: string; secret: string }, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.issuer}/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.secret}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** POST to the revocation endpoint (RFC 7009) with HTTP Basic client authentication. */
export async function revoke(t: OAuthTestApp, auth: { clientId: string; secret: string }, token: string, hint?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${t.issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.secret}`).toString('base64')}` },
    body: new URLSearchParams({ token, ...(hint ? { token_type_hint: hint } : {}) }).toString(),
  });
  return { status: res.status, body: await res.text() };
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown> };
}

export function nonce(): string {
  return randomBytes(8).toString('hex');
}
