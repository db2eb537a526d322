/**
 * An OpenID Connect provider's address follows the outbound address policy (SSRF): with private
 * targets not allowed, an issuer on a loopback, private or special-purpose address — or `localhost`
 * — is refused when saved, in words with a stable code; and a name that looks public but resolves
 * to loopback is refused when it is called at sign-in (in the connection's own DNS lookup), which
 * shows the sign-in failure page and is audited. The app listens on a real port; the DNS server is real.
 */
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { freePort } from '../../helpers/server-process.ts';
import type { Client } from '../../helpers/http.ts';
import { OutboundClient, OutboundRefused } from '../../../src/platform/outbound/outbound-http.ts';

let t: TestApp;
let dns: TestDnsServer;
let base: string;
beforeAll(async () => {
  dns = await startDnsServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ listen: true, port, config: { DNS_RESOLVER: dns.address, PUBLIC_URL: base, DOMAIN_RECHECK_INTERVAL_MS: '0' } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await dns?.close();
});

const hex = (n = 4) => randomBytes(n).toString('hex');

async function organization(): Promise<{ admin: Client; prefix: string; domain: string }> {
  const w = await t.world.partner();
  const admin = await w.owner.login();
  const prefix = `/api/v1/partners/${w.id}`;
  const domain = `contoso-${hex()}.com`;
  const added = await admin.post(`${prefix}/domains`, { domain });
  expect(added.status).toBe(201);
  dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
  expect((await admin.post(`${prefix}/domains/${added.body.id}/check`)).body.status).toBe('verified');
  return { admin, prefix, domain };
}

function save(o: { admin: Client; prefix: string }, issuer: string) {
  return o.admin.put(`${o.prefix}/sso`, {
    kind: 'oidc',
    name: 'Contoso sign-in',
    enabled: true,
    oidc: { issuer, client_id: `pg-${hex()}`, auth_method: 'client_secret_basic', client_secret: `s-${hex(16)}`, scopes: 'openid email' },
    default_role: 'partner_auditor',
    role_mappings: [],
    trust_upstream_mfa: false,
    require_sso: false,
    break_glass_user_id: null,
  });
}

/** every special-purpose range, in the spellings a URL parser turns into one */
const REFUSED_ISSUERS = [
  'https://127.0.0.1/',
  'https://127.8.9.10:8443/realms/x',
  'https://[::1]/',
  'https://10.0.0.5/',
  'https://172.16.0.1/',
  'https://172.31.255.254/',
  'https://192.168.1.10/',
  'https://169.254.169.254/latest/meta-data',
  'https://100.64.0.1/',
  'https://[fc00::1]/',
  'https://[fd12:3456::1]/',
  'https://[fe80::1]/',
  'https://0.0.0.0/',
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:a9fe:a9fe]/',
  'https://2130706433/', // 127.0.0.1 in decimal
  'https://0x7f000001/', // in hex
  'https://0177.0.0.1/', // in octal
  'https://127.1/',
  'https://localhost/',
  'https://LocalHost.:8443/',
  'https://idp.localhost/',
];

describe("an OpenID Connect provider's address, with private targets not allowed", () => {
  it.each(REFUSED_ISSUERS)('%s is refused on save with a field error in words', async (issuer) => {
    const o = await organization();
    const r = await save(o, issuer);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.code).toBe('sso_issuer_not_allowed');
    expect(r.body.detail).toContain('private or internal network');
    expect(r.body.errors).toEqual([expect.objectContaining({ pointer: '/body/oidc/issuer' })]);
  });

  it('plain http is refused even on this machine; a public https provider is accepted', async () => {
    const o = await organization();
    const http = await save(o, 'http://127.0.0.1:9/');
    expect(http.status).toBe(400);
    expect(http.body.code).toBe('sso_settings_invalid');
    expect(http.body.errors).toEqual([expect.objectContaining({ pointer: '/body/oidc/issuer' })]);
    expect((await save(o, 'https://login.contoso-idp.example/')).status).toBe(200);
  });

  it('a name that resolves to loopback is refused when called: the sign-in shows the failure page, audited, never a 500', async () => {
    // this machine's own name resolves to loopback here (/etc/hosts): it passes the save as a name, then DNS says 127.0.0.1
    const name = hostname().toLowerCase();
    const resolved = await lookup(name, { all: true });
    expect(resolved.some((a) => a.address.startsWith('127.') || a.address === '::1'), `${name} → ${JSON.stringify(resolved)}`).toBe(true);
    const o = await organization();
    const port = await freePort();
    expect((await save(o, `https://${name}:${port}/`)).status).toBe(200);

    const email = `p${hex()}@${o.domain}`;
    const r = await fetch(`${base}/sso/start?email=${encodeURIComponent(email)}`, { redirect: 'manual' });
    const html = await r.text();
    expect(r.status).toBe(502); // the provider's failure page (Bad Gateway), not an internal error
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('location')).toBeNull();
    expect(html).toContain('sso.provider_unreachable');
    expect(html).not.toMatch(/^\s*\{/);
    const refused = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.sign_in_refused').execute();
    expect(refused.map((e) => JSON.parse(e.details as string).code)).toContain('sso.provider_unreachable');
  });

  it('the outbound fetch refuses a name resolving to loopback inside the connection, and lets it through when private targets are allowed', async () => {
    const name = hostname().toLowerCase();
    const strict = new OutboundClient({ allowPrivate: false, timeoutMs: 2000, maxResponseBytes: 1024 });
    const refused = await strict.fetch(`https://${name}:${await freePort()}/.well-known/openid-configuration`, { method: 'GET' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundRefused);
    expect((refused as OutboundRefused).failure).toBe('address_not_allowed');
    expect((refused as OutboundRefused).detail).toContain('loopback');
    const open = new OutboundClient({ allowPrivate: true, timeoutMs: 2000, maxResponseBytes: 1024 });
    const answer = await open.fetch(`${base.replace('127.0.0.1', name)}/.well-known/openid-configuration`, { method: 'GET' });
    expect(answer.status).toBeGreaterThanOrEqual(200);
    await strict.close();
    await open.close();
  });
});
