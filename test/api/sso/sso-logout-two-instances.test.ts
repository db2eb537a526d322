/**
 * Single logout on two real server processes sharing PostgreSQL and Redis: a person signs in by OpenID
 * Connect through instance one, signs out at their company's provider (the real second oidc-provider), the
 * provider's back-channel logout reaches instance one — and instance two refuses the portal session within
 * 1 s. The same for SAML: the provider's signed LogoutRequest reaches instance one, and instance two refuses the
 * session within 1 s. The outbox poll is 30 s, so within 1 s only the change feed's Redis fan-out can deliver.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, until, type InstancePair } from '../../helpers/instance-pair.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { startUpstreamIdp, UpstreamBrowser, type UpstreamClient, type UpstreamIdp } from '../../helpers/oidc-upstream.ts';
import { Client } from '../../helpers/http.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { CLASS_REF, startSamlIdp, type SamlIdp } from '../../helpers/saml-idp.ts';
import { idpLogout } from '../../helpers/saml-idp-logout.ts';

let pair: InstancePair;
let dns: TestDnsServer;
let idp: UpstreamIdp;
let tenant: TestTenant;
let samlTenant: TestTenant;
let samlIdp: SamlIdp;

beforeAll(async () => {
  dns = await startDnsServer();
  idp = await startUpstreamIdp();
  samlIdp = await startSamlIdp({ users: [] });
  pair = await startInstancePair({
    name: 'slo',
    env: { CHANGE_FEED_POLL_MS: '30000', DNS_RESOLVER: dns.address, DOMAIN_RECHECK_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
    before: async (world) => {
      tenant = await world.tenant();
      samlTenant = await world.tenant();
    },
  });
}, 120_000);

afterAll(async () => {
  await pair?.close();
  await idp?.close();
  await samlIdp?.close();
  await dns?.close();
});

const hex = (n = 4) => randomBytes(n).toString('hex');

describe('single logout on two instances', () => {
  it('signing out at the provider: instance two refuses the session within 1 s', async () => {
    const admin = await new Client(pair.setup).login(tenant.admin.email, tenant.admin.password);
    const prefix = `/api/v1/tenants/${tenant.id}`;
    const domain = `contoso-${hex()}.com`;
    const added = await admin.post(`${prefix}/domains`, { domain });
    dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
    expect((await admin.post(`${prefix}/domains/${added.body.id}/check`)).body.status).toBe('verified');
    const client: UpstreamClient = { client_id: `pg-${hex()}`, client_secret: `s-${hex(16)}`, redirect_uris: [`${pair.publicUrl}/sso/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'] };
    idp.setClient(client);
    const oidc = { issuer: idp.issuer, client_id: client.client_id, auth_method: 'client_secret_basic', client_secret: client.client_secret, scopes: 'openid email profile' };
    const r = await admin.put(`${prefix}/sso`, { kind: 'oidc', name: 'Contoso', enabled: true, oidc, default_role: 'TENANT_USER', role_mappings: [], trust_upstream_mfa: false, require_sso: false, break_glass_user_id: null });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    idp.setClient({ ...client, backchannel_logout_uri: `${pair.publicUrl}/sso/oidc/${r.body.connection.id}/backchannel-logout`, backchannel_logout_session_required: true });

    const p = { sub: `contoso|${hex()}`, email: `pat-${hex()}@${domain}`, name: 'Pat Two', password: `pw-${hex()}`, groups: [], amr: ['pwd'] };
    idp.setPerson(p);
    const b = new UpstreamBrowser();
    const atIdp = await b.follow(`${pair.one.base}/sso/start?email=${encodeURIComponent(p.email)}`);
    await b.signInAtProvider(atIdp.url, p.email, p.password, (u) => u.origin === pair.one.base && !u.pathname.startsWith('/sso/'));
    const session = b.cookie(new URL(pair.one.base).host, 'partnergate_session')!;
    const me = (base: string) => fetch(`${base}/api/v1/me`, { headers: { cookie: `partnergate_session=${session}` } }).then((x) => x.status);
    expect(await me(pair.two.base)).toBe(200);

    await b.signOutAtProvider(idp.issuer);
    expect(idp.backchannel.at(-1)).toEqual({ clientId: client.client_id, ok: true });
    const refused = await until(() => me(pair.two.base), (s) => s === 401, 1000);
    console.log(`signed out at the provider (back-channel logout to instance one); instance two refused the session after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toBe(401);
    expect(refused.elapsed).toBeLessThan(1000);
    expect(await me(pair.one.base)).toBe(401);
  });

  it('a SAML LogoutRequest from the provider at instance one: instance two refuses the session within 1 s', async () => {
    const admin = await new Client(pair.setup).login(samlTenant.admin.email, samlTenant.admin.password);
    const prefix = `/api/v1/tenants/${samlTenant.id}`;
    const domain = `fabrikam-${hex()}.com`;
    const added = await admin.post(`${prefix}/domains`, { domain });
    dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
    expect((await admin.post(`${prefix}/domains/${added.body.id}/check`)).body.status).toBe('verified');
    const saml = { idp_metadata_xml: samlIdp.metadataXml, clock_skew_seconds: 60 };
    const r = await admin.put(`${prefix}/sso`, { kind: 'saml', name: 'Fabrikam', enabled: true, saml, default_role: 'TENANT_USER', role_mappings: [], trust_upstream_mfa: false, require_sso: false, break_glass_user_id: null });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const spMetadata = await (await fetch(`${pair.one.base}/sso/saml/${r.body.connection.id}/metadata`)).text();
    samlIdp.trust(spMetadata);
    const user = { nameId: `kim-${hex()}@${domain}`, email: `kim-${hex()}@${domain}`, name: 'Kim Two', groups: [], authnContextClassRef: CLASS_REF.password };

    const start = await fetch(`${pair.one.base}/sso/start?email=${encodeURIComponent(user.email)}`, { redirect: 'manual' });
    const binding = /partnergate_sso_flow=([^;]+)/.exec(start.headers.get('set-cookie') ?? '')![1];
    await fetch(start.headers.get('location')!);
    const seen = samlIdp.requests.at(-1)!;
    const SAMLResponse = await samlIdp.response({ user: { ...user, nameId: user.email }, inResponseTo: seen.id });
    const sessionIndex = /SessionIndex="([^"]+)"/.exec(Buffer.from(SAMLResponse, 'base64').toString('utf8'))![1];
    const landed = await fetch(`${pair.one.base}/sso/saml/${r.body.connection.id}/acs`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `partnergate_sso_flow=${binding}` },
      body: new URLSearchParams({ SAMLResponse, RelayState: seen.relayState }),
    });
    expect(landed.status).toBe(302);
    const session = /partnergate_session=([^;]+)/.exec(landed.headers.get('set-cookie') ?? '')![1];
    const me = (base: string) => fetch(`${base}/api/v1/me`, { headers: { cookie: `partnergate_session=${session}` } }).then((x) => x.status);
    expect(await me(pair.two.base)).toBe(200);

    const sent = idpLogout(samlIdp, spMetadata).request({ nameId: user.email, sessionIndex });
    const u = new URL(sent.url);
    const answered = await fetch(`${pair.one.base}${u.pathname}${u.search}`, { redirect: 'manual' });
    expect(answered.status).toBe(302);
    const refused = await until(() => me(pair.two.base), (s) => s === 401, 1000);
    console.log(`signed out at the SAML provider (LogoutRequest to instance one); instance two refused the session after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toBe(401);
    expect(refused.elapsed).toBeLessThan(1000);
  });
});
