/**
 * The gateway guide's NGINX configuration (docs/integrators/gateway.md), replayed: the test reads the `GATEWAY_ROUTES` example and the
 * `nginx` block of that guide and does what NGINX does with them — the
 * auth_request subrequest to /authz/forward-auth (the client's headers, plus the ones the
 * `/_partnergate` location sets), then, when admitted, the request to the service with every
 * `proxy_set_header` applied (a header set to an empty value is not sent, and a client's copy of a
 * header the location sets is never passed on), on the URI `proxy_pass` passes; or, when refused,
 * the status NGINX answers (2xx/401/403 as they are, anything else a 500 that `error_page` maps).
 * The service at the end is this test's own: it verifies the assertion, and the body, with the key
 * of its GATEWAY_ROUTES name and the method and URI it received.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { ASSERTION_HEADER, CONTENT_SHA256_HEADER, IDENTITY_HEADERS, checkBody, upstreamKeyFor, verifyAssertion, type GatewayIdentity } from '../../../src/modules/gateway/index.ts';
import { REFERENCE_UPSTREAM_NAME } from '../../../src/config/config.ts';
import { freePort } from '../../helpers/server-process.ts';
import { oidcClient, partnerWithApp, startOAuthApp, type OAuthTestApp } from '../oauth/oauth-helpers.ts';
import { apiToken, link, until } from './helpers.ts';

const section = readFileSync(path.resolve(import.meta.dirname, '../../../docs/integrators/gateway.md'), 'utf8');

function block(lang: string, after: string): string {
  const from = section.indexOf(after);
  const start = section.indexOf('```' + lang + '\n', from);
  if (from < 0 || start < 0) throw new Error(`no ${lang} block after "${after}" in the gateway guide (docs/integrators/gateway.md)`);
  return section.slice(start + lang.length + 4, section.indexOf('\n```', start + 1));
}

/** Top-level `location X { … }` blocks of an NGINX snippet, by name, with their directives. */
function locations(conf: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  const lines = conf.split('\n').map((l) => l.replace(/#.*$/, '').trim());
  let name: string | null = null;
  let depth = 0;
  for (const l of lines) {
    if (!l) continue;
    const open = /^location\s+(?:=\s+)?(\S+)\s*\{$/.exec(l);
    if (depth === 0 && open) {
      name = open[1];
      out.set(name, []);
      depth = 1;
      continue;
    }
    if (l === '}') {
      depth--;
      if (depth === 0) name = null;
      continue;
    }
    if (l.endsWith('{')) depth++;
    if (name) out.get(name)!.push(l.replace(/;$/, '').match(/'[^']*'|"[^"]*"|\S+/g)!.map((w) => w));
  }
  return out;
}

const nginx = locations(block('nginx', '**Forward auth**'));
const routes = JSON.parse(block('json', '**Your own upstreams**')) as { GATEWAY_ROUTES: { name: string; prefix: string }[] };
const [crm] = routes.GATEWAY_ROUTES;
const protectedLocation = [...nginx.keys()].find((k) => k.startsWith('/') && k !== '/_partnergate')!;
const directives = (loc: string, name: string) => (nginx.get(loc) ?? []).filter((d) => d[0] === name);
const unquote = (v: string) => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v);

interface ClientRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  body?: string;
}

/** NGINX variables of the client's request. */
function nginxVars(c: ClientRequest): Record<string, string> {
  // $http_host: the Host the client sent, port included; $host: that name without its port
  const sent = Object.entries(c.headers).find(([k]) => k.toLowerCase() === 'host')?.[1] ?? '';
  return { $request_method: c.method, $request_uri: c.uri, $scheme: 'https', $http_host: sent, $host: sent.replace(/:\d+$/, '') || 'api.example.com', $server_port: '443' };
}

/** Headers after `proxy_set_header`s: a header the location sets replaces the client's copy; an empty value removes it. */
function applySetHeaders(client: Record<string, string>, sets: string[][], value: (expr: string) => string): Record<string, string> {
  const named = new Set(sets.map((d) => d[1].toLowerCase()));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(client)) if (!named.has(k.toLowerCase())) out[k.toLowerCase()] = v;
  for (const d of sets) {
    const v = value(unquote(d[2]));
    if (v !== '') out[d[1].toLowerCase()] = v;
  }
  return out;
}

let t: TestApp;
let service: { url: string; port: number; seen: { method: string; url: string; headers: http.IncomingHttpHeaders; verdict: string; identity: GatewayIdentity | null }[]; close: () => Promise<void> };
let tenant: TestTenant;
let token: string;
/** a read-only (AUDITOR) link's caller on the same tenant */
let readOnly: string;

/** What NGINX answers the client for one request, with what the service received (if it was called). */
async function throughNginx(c: ClientRequest): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const vars = nginxVars(c);
  // 1. the auth subrequest: the client's headers (no body), plus what /_partnergate sets
  const authHeaders = applySetHeaders(c.headers, directives('/_partnergate', 'proxy_set_header'), (e) => e.replace(/\$[a-z_]+/g, (v) => vars[v] ?? ''));
  const passTo = new URL(directives('/_partnergate', 'proxy_pass')[0][1]);
  const auth = await t.app.inject({ method: c.method as 'GET', url: passTo.pathname, headers: authHeaders });
  const answer = auth.headers as Record<string, string>;
  // 2. auth_request_set: variables from the answer ($upstream_http_x_y → header x-y)
  for (const [, v, from] of directives(protectedLocation, 'auth_request_set')) {
    if (from === '$upstream_status') vars[v] = String(auth.statusCode);
    else vars[v] = String(answer[from.replace(/^\$upstream_http_/, '').replace(/_/g, '-')] ?? '');
  }
  if (auth.statusCode === 401 || auth.statusCode === 403) {
    return { status: auth.statusCode, headers: auth.statusCode === 401 ? { 'www-authenticate': answer['www-authenticate'] } : {}, body: '' };
  }
  if (auth.statusCode < 200 || auth.statusCode > 299) {
    // NGINX: 500, which error_page sends to the named location
    const target = directives(protectedLocation, 'error_page').find((d) => d[1] === '500')?.[3];
    const refused = target ? (nginx.get(target) ?? []) : [];
    const headers: Record<string, string> = {};
    for (const d of refused.filter((x) => x[0] === 'add_header')) if (vars[d[2]]) headers[d[1].toLowerCase()] = vars[d[2]];
    for (let i = 0; i < refused.length; i++) {
      const d = refused[i];
      if (d[0] === 'if' && vars[d[1].replace(/^\(/, '')] === d[3].replace(/\)$/, '')) {
        const ret = refused[i + 1];
        return { status: Number(ret[1]), headers, body: unquote(ret[2]) };
      }
    }
    return { status: 500, headers: {}, body: '' };
  }
  // 3. the request to the service: proxy_set_header applied, the URI as proxy_pass passes it
  const pass = new URL(directives(protectedLocation, 'proxy_pass')[0][1]);
  const uri = pass.pathname === '/' ? c.uri : pass.pathname + c.uri.slice(protectedLocation.length);
  const headers = applySetHeaders(c.headers, directives(protectedLocation, 'proxy_set_header'), (e) => (e.startsWith('$') ? (vars[e] ?? '') : e));
  delete headers['content-length'];
  const r = await fetch(`http://127.0.0.1:${service.port}${uri}`, { method: c.method, headers, body: c.body });
  return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
}

beforeAll(async () => {
  const seen: (typeof service)['seen'] = [];
  const key = () => upstreamKeyFor(t.services.config, crm.name);
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const ch of req) chunks.push(ch as Buffer);
    const body = Buffer.concat(chunks);
    // The operator's service: its own key, the method and URI it received, the body it received.
    const v = verifyAssertion(key(), req.headers, req.method!, req.url!, Date.now());
    const why = !v.ok ? v.reason : checkBody(v.content, body.length ? body : null, { acceptUnsigned: false });
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, verdict: why ?? 'ok', identity: v.ok ? v.identity : null });
    res.statusCode = why ? 401 : 200;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(why ? { refused: why } : { identity: v.ok ? v.identity : null, received: body.toString() }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  service = { url: `http://127.0.0.1:${port}`, port, seen, close: () => new Promise((r) => server.close(() => r())) };
  t = await startTestApp({ config: { GATEWAY_ROUTES: JSON.stringify(routes.GATEWAY_ROUTES), RATE_LIMITS: JSON.stringify({ read: 3 }) } });
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  tenant = await t.world.tenant();
  await link(t, msp, tenant, { role: 'MSP_SUPPORT' });
  token = await apiToken(t, msp.staff);
  const auditor = await t.world.partner({ capabilities: ['managed_services'] });
  await link(t, auditor, tenant, { role: 'AUDITOR' });
  readOnly = await apiToken(t, auditor.staff);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await service?.close();
});

const as = () => ({ authorization: `Bearer ${token}`, 'x-active-tenant-id': tenant.id, host: 'api.example.com' });
const digest = (body: string) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

describe('the gateway guide’s NGINX configuration', () => {
  it('copies every identity header, the body digest and the assertion from the answer, and clears the client’s copies', () => {
    const sets = new Map(directives(protectedLocation, 'proxy_set_header').map((d) => [d[1].toLowerCase(), d[2]]));
    const vars = new Map(directives(protectedLocation, 'auth_request_set').map((d) => [d[1], d[2]]));
    for (const h of [...Object.values(IDENTITY_HEADERS), CONTENT_SHA256_HEADER, ASSERTION_HEADER]) {
      const v = sets.get(h);
      expect(v, h).toBeDefined();
      expect(vars.get(v!), h).toBe('$upstream_http_' + h.replace(/-/g, '_'));
    }
    expect(sets.get('authorization')).toBe('""');
    // the assertion signs the URI as the client sent it: the service must receive that one
    expect(new URL(directives(protectedLocation, 'proxy_pass')[0][1]).pathname).toBe('/');
    expect(directives('/_partnergate', 'proxy_set_header').map((d) => d.slice(1).join(' '))).toEqual(expect.arrayContaining(['X-Original-Method $request_method', 'X-Original-URI $request_uri']));
    // the check goes to NGINX's own endpoint, which reads only X-Original-*; the names another proxy
    // would use are cleared, since auth_request passes the client's headers on
    expect(new URL(directives('/_partnergate', 'proxy_pass')[0][1]).pathname).toBe('/authz/forward-auth/nginx');
    expect(directives('/_partnergate', 'proxy_set_header').map((d) => d.slice(1).join(' '))).toEqual(expect.arrayContaining(['X-Forwarded-Method ""', 'X-Forwarded-Uri ""']));
    // the URL a DPoP proof names: the Host as the client sent it, port included ($host drops the port)
    expect(directives('/_partnergate', 'proxy_set_header').map((d) => d.slice(1).join(' '))).toEqual(expect.arrayContaining(['X-Forwarded-Proto $scheme', 'X-Forwarded-Host $http_host']));
    // the location covers the GATEWAY_ROUTES example's prefix
    expect(protectedLocation).toBe(crm.prefix + '/');
  });

  it('admits a read: the service verifies the assertion with its own key on the URI it received, and sees only what Partnergate verified', async () => {
    const before = service.seen.length;
    const r = await throughNginx({ method: 'GET', uri: `${crm.prefix}/contacts?limit=5&q=a%20b`, headers: { ...as(), 'X-Partnergate-Tenant-Id': 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9e', 'X-Partnergate-Assertion': 'v1.1.forged', 'X-Partnergate-Bans': '*' } });
    expect(r.status, r.body).toBe(200);
    const got = service.seen[before];
    expect(got.verdict).toBe('ok');
    expect(got.url).toBe(`${crm.prefix}/contacts?limit=5&q=a%20b`);
    expect(got.identity).toMatchObject({ tenantId: tenant.id, permission: 'support.tickets.read', persona: 'msp' });
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers['x-partnergate-bans']).toBe('*'); // the link covers every account: Partnergate's value, signed
  });

  it('binds a body the client declared with Content-Digest; a body changed after the check is refused by the service', async () => {
    const body = JSON.stringify({ text: 'Called back, issue solved.' });
    const ok = await throughNginx({ method: 'POST', uri: `${crm.prefix}/contacts/c-7/notes`, headers: { ...as(), 'content-type': 'application/json', 'content-digest': digest(body) }, body });
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ received: body, identity: { permission: 'support.tickets.create' } });
    const tampered = await throughNginx({ method: 'POST', uri: `${crm.prefix}/contacts/c-7/notes`, headers: { ...as(), 'content-type': 'application/json', 'content-digest': digest(body) }, body: JSON.stringify({ text: 'Something else entirely.' }) });
    expect([tampered.status, JSON.parse(tampered.body)]).toEqual([401, { refused: 'body_mismatch' }]);
    // Without Content-Digest the check never saw the body: UNSIGNED-PAYLOAD, which this service refuses.
    const unbound = await throughNginx({ method: 'POST', uri: `${crm.prefix}/contacts/c-7/notes`, headers: { ...as(), 'content-type': 'application/json' }, body });
    expect([unbound.status, JSON.parse(unbound.body)]).toEqual([401, { refused: 'body_unsigned' }]);
  });

  it('decides on the request NGINX forwards: a client’s X-Forwarded-Method/-Uri naming a read cannot get a read-only caller’s POST through', async () => {
    const before = service.seen.length;
    const body = JSON.stringify({ text: 'Not allowed to write.' });
    const smuggled = await throughNginx({
      method: 'POST',
      uri: `${crm.prefix}/contacts/c-7/notes`,
      headers: { authorization: `Bearer ${readOnly}`, 'x-active-tenant-id': tenant.id, host: 'api.example.com', 'content-type': 'application/json', 'content-digest': digest(body), 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': `${crm.prefix}/contacts` },
      body,
    });
    expect(smuggled.status).toBe(403);
    // and the same caller's own read still goes through
    const read = await throughNginx({ method: 'GET', uri: `${crm.prefix}/contacts`, headers: { authorization: `Bearer ${readOnly}`, 'x-active-tenant-id': tenant.id, host: 'api.example.com' } });
    expect(read.status, read.body).toBe(200);
    expect(service.seen.slice(before).map((s) => `${s.method} ${s.url} ${s.verdict}`)).toEqual([`GET ${crm.prefix}/contacts ok`]);
  });

  it('refuses: 401 with WWW-Authenticate, 403 for a path no rule names, and a rate limit mapped back from NGINX’s 500 to 429 with Retry-After', async () => {
    const before = service.seen.length;
    const anonymous = await throughNginx({ method: 'GET', uri: `${crm.prefix}/contacts`, headers: { host: 'api.example.com' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    const unknown = await throughNginx({ method: 'GET', uri: `${crm.prefix}/admin`, headers: as() });
    expect(unknown.status).toBe(403);
    // read: 3 per minute; the test's earlier read used one
    for (let i = 0; i < 2; i++) expect((await throughNginx({ method: 'GET', uri: `${crm.prefix}/contacts`, headers: as() })).status).toBe(200);
    const limited = await throughNginx({ method: 'GET', uri: `${crm.prefix}/contacts`, headers: as() });
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(service.seen.length).toBe(before + 2);
  });
});

/**
 * The same configuration in a real NGINX (/usr/sbin/nginx, or NGINX_BIN) listening on a port that is
 * not the scheme's default, in front of a real Partnergate server: a DPoP proof names the URL the
 * client called, port included, and NGINX must pass that port on for the proof to be checked
 * against it. The protected location is the guide's, moved to the reference service's prefix so a
 * wholesale app's client-credentials token (bound to a key by the real token endpoint) is admitted.
 */
describe('the gateway guide’s NGINX configuration in a real NGINX on a non-default port, with DPoP', () => {
  const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
  let pg: OAuthTestApp;
  let dir: string;
  let nginxProc: ChildProcess | null = null;
  const nginxOut: string[] = [];
  let port: number;
  let svc: http.Server;
  const received: { url: string; headers: http.IncomingHttpHeaders; verdict: string }[] = [];
  let token: string;
  let keyPair: oidc.CryptoKeyPair;

  beforeAll(async () => {
    pg = await startOAuthApp();
    const key = upstreamKeyFor(pg.services.config, REFERENCE_UPSTREAM_NAME);
    svc = http.createServer((req, res) => {
      const v = verifyAssertion(key, req.headers, req.method!, req.url!, Date.now());
      received.push({ url: req.url!, headers: req.headers, verdict: v.ok ? 'ok' : v.reason });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: v.ok }));
    });
    await new Promise<void>((r) => svc.listen(0, '127.0.0.1', () => r()));
    const svcPort = (svc.address() as net.AddressInfo).port;
    port = await freePort();
    const documented = block('nginx', '**Forward auth**');
    const locations = documented
      .replace(`location ${crm.prefix}/ {`, 'location /resources/v1/ {')
      .replace(/proxy_pass http:\/\/crm\.internal:\d+;/, `proxy_pass http://127.0.0.1:${svcPort};`)
      .replace(/proxy_pass http:\/\/partnergate\.internal:\d+\/authz\/forward-auth\/nginx;/, `proxy_pass ${pg.url}/authz/forward-auth/nginx;`);
    expect(locations).toContain('location /resources/v1/ {');
    expect(locations).toContain(`proxy_pass http://127.0.0.1:${svcPort};`);
    expect(locations).toContain(`proxy_pass ${pg.url}/authz/forward-auth/nginx;`);
    dir = mkdtempSync(path.join(tmpdir(), 'pg-nginx-'));
    chmodSync(dir, 0o755);
    const conf = path.join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      [
        'worker_processes 1;',
        'daemon off;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log warn;`,
        'events { worker_connections 64; }',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
        `  server {\n  listen 127.0.0.1:${port};\n${locations}\n  }`,
        '}',
      ].join('\n'),
    );
    const proc = spawn(NGINX, ['-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginxProc = proc;
    proc.stdout?.on('data', (b: Buffer) => nginxOut.push(b.toString()));
    proc.stderr?.on('data', (b: Buffer) => nginxOut.push(b.toString()));
    // ready once it answers on its port (a location the configuration does not protect: NGINX's own 404)
    await until('nginx answers', () => (proc.exitCode !== null ? Promise.resolve(true) : fetch(`http://127.0.0.1:${port}/`).then(() => true)), 30_000).catch((e: Error) => {
      throw new Error(`${e.message}; nginx said: ${nginxOut.join('')}`);
    });
    if (proc.exitCode !== null) throw new Error(`nginx exited (${proc.exitCode}): ${nginxOut.join('')}`);

    const app = await partnerWithApp(pg, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const config = await oidcClient(pg, app.clientId, app.secret);
    keyPair = await oidc.randomDPoPKeyPair('ES256');
    token = (await oidc.clientCredentialsGrant(config, { scope: 'orders.read' }, { DPoP: oidc.getDPoPHandle(config, keyPair) })).access_token;
  }, 90_000);
  afterAll(async () => {
    if (nginxProc !== null && nginxProc.exitCode === null) {
      const gone = new Promise((r) => nginxProc!.once('exit', r));
      nginxProc.kill('SIGTERM');
      await gone;
    }
    await new Promise((r) => svc?.close(r));
    await pg?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const proofFor = async (htu: string) =>
    new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keyPair.publicKey) })
      .setIssuedAt()
      .sign(keyPair.privateKey);
  const call = async (htu: string, extra: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/resources/v1/orders?limit=2`, { headers: { authorization: `DPoP ${token}`, dpop: await proofFor(htu), ...extra } });

  it('admits a DPoP-bound token whose proof names NGINX’s port; the service gets the verified identity', async () => {
    const before = received.length;
    const r = await call(`http://127.0.0.1:${port}/resources/v1/orders`);
    expect(r.status, await r.clone().text()).toBe(200);
    expect(received.slice(before).map((x) => `${x.url} ${x.verdict}`)).toEqual(['/resources/v1/orders?limit=2 ok']);
    const got = received[before].headers;
    expect(got.authorization).toBeUndefined();
    expect(got['x-partnergate-client-id']).toMatch(/\S/);
    expect(got['x-partnergate-scopes']).toBe('orders.read');
  });

  it('refuses a proof for another port, for the host without its port, and a client’s X-Forwarded-Host naming the other port', async () => {
    const before = received.length;
    const other = port === 65535 ? port - 1 : port + 1;
    for (const [htu, extra] of [
      [`http://127.0.0.1:${other}/resources/v1/orders`, {}],
      ['http://127.0.0.1/resources/v1/orders', {}],
      [`http://127.0.0.1:${other}/resources/v1/orders`, { 'x-forwarded-host': `127.0.0.1:${other}` }],
    ] as const) {
      const r = await call(htu, extra);
      expect(r.status, htu).toBe(401);
      expect(r.headers.get('www-authenticate'), htu).toMatch(/^DPoP .*error="invalid_token"/);
    }
    expect(received.length).toBe(before);
  });
});
