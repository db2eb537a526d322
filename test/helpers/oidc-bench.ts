/**
 * The bench of the OpenID Connect single sign-on tests: Partnergate on a real port, a real DNS server for the
 * verified domains, and the organization's own identity provider (the second oidc-provider,
 * ./oidc-upstream.ts). On it: an organization with a verified domain, its connection to the provider (the
 * client registered at the provider as an IT admin would), people at the provider, and a sign-in through it.
 *
 * `startOidcBench()` starts all three for an API test; the browser tests build one around their portal
 * (`new OidcBench({ t: portal.t, dns, idp, base: portal.url })`).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { startTestApp, type TestApp } from './app.ts';
import { startDnsServer, type TestDnsServer } from './dns-server.ts';
import type { Client } from './http.ts';
import { startUpstreamIdp, UpstreamBrowser, type UpstreamClient, type UpstreamIdp, type UpstreamPerson } from './oidc-upstream.ts';
import { freePort } from './server-process.ts';

export const hex = (n = 4) => randomBytes(n).toString('hex');

/** An organization whose admin is signed in to the API, with a verified domain and a client id to register. */
export interface OidcOrg {
  kind: 'partner' | 'tenant';
  id: string;
  /** /api/v1/partners/:id or /api/v1/tenants/:id */
  prefix: string;
  admin: Client;
  adminId: string;
  adminEmail: string;
  adminPassword: string;
  domain: string;
  clientId: string;
}

export interface OidcConnected {
  secret: string;
  /** the PUT …/sso answer */
  view: { connection: { id: string } & Record<string, unknown> } & Record<string, unknown>;
  connectionId: string;
  /** the client as registered at the provider */
  client: UpstreamClient;
  /** the connection's back-channel logout address, to give the provider */
  logoutUrl: string;
}

export class OidcBench {
  readonly t: TestApp;
  readonly dns: TestDnsServer;
  readonly idp: UpstreamIdp;
  /** Partnergate's origin, as the browser and the provider reach it */
  readonly base: string;

  constructor(parts: { t: TestApp; dns: TestDnsServer; idp: UpstreamIdp; base: string }) {
    this.t = parts.t;
    this.dns = parts.dns;
    this.idp = parts.idp;
    this.base = parts.base;
  }

  /** a portal page of ours (not a /sso/ step): where a sign-in lands */
  readonly isPortal = (u: URL) => u.origin === this.base && !u.pathname.startsWith('/sso/');

  /** a person at the provider, on `domain` */
  person(domain: string, over: Partial<UpstreamPerson> = {}): UpstreamPerson {
    const local = `p${hex()}`;
    const p: UpstreamPerson = { sub: `contoso|${local}`, email: `${local}@${domain}`, name: `Pat ${local}`, password: `pw-${hex()}`, groups: [], amr: ['pwd'], ...over };
    this.idp.setPerson(p);
    return p;
  }

  /** a new domain of the organization at `prefix`, its TXT record published and checked */
  async verifyDomain(admin: Client, prefix: string): Promise<string> {
    const domain = `contoso-${hex()}.com`;
    const added = await admin.post(`${prefix}/domains`, { domain });
    expect(added.status).toBe(201);
    this.dns.setTxt(`_partnergate.${domain}`, [added.body.record.value]);
    expect((await admin.post(`${prefix}/domains/${added.body.id}/check`)).body.status).toBe('verified');
    return domain;
  }

  async organization(kind: 'partner' | 'tenant'): Promise<OidcOrg> {
    const w = kind === 'partner' ? await this.t.world.partner() : await this.t.world.tenant();
    const user = 'owner' in w ? w.owner : w.admin;
    const admin = await user.login();
    const prefix = kind === 'partner' ? `/api/v1/partners/${w.id}` : `/api/v1/tenants/${w.id}`;
    const domain = await this.verifyDomain(admin, prefix);
    return { kind, id: w.id, prefix, admin, adminId: user.id, adminEmail: user.email, adminPassword: user.password, domain, clientId: `partnergate-${hex()}` };
  }

  /**
   * The organization's OpenID Connect connection, saved through the API (`over` replaces fields of the body), and
   * its client at the provider. With `singleLogout`, the client is then given the connection's back-channel
   * logout address and our signed-out page, as an IT admin would after saving. `idp`: another provider than the bench's.
   */
  async connect(o: OidcOrg, over: Record<string, unknown> = {}, opts: { singleLogout?: boolean; idp?: UpstreamIdp } = {}): Promise<OidcConnected> {
    const idp = opts.idp ?? this.idp;
    const secret = `secret-${hex(16)}`;
    const client: UpstreamClient = { client_id: o.clientId, client_secret: secret, redirect_uris: [`${this.base}/sso/oidc/callback`], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' };
    idp.setClient(client);
    const body = {
      kind: 'oidc',
      name: 'Contoso sign-in',
      enabled: true,
      oidc: { issuer: idp.issuer, client_id: o.clientId, auth_method: 'client_secret_basic', client_secret: secret, scopes: 'openid email profile groups' },
      default_role: o.kind === 'partner' ? 'partner_auditor' : 'TENANT_USER',
      role_mappings: o.kind === 'partner' ? [{ group: 'Billing', role: 'partner_msp_billing' }, { group: 'Support', role: 'partner_msp_support' }] : [{ group: 'IT Admins', role: 'TENANT_ADMIN' }],
      trust_upstream_mfa: false,
      require_sso: false,
      break_glass_user_id: null,
      ...over,
    };
    const r = await o.admin.put(`${o.prefix}/sso`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const connectionId = r.body.connection.id as string;
    const logoutUrl = `${this.base}/sso/oidc/${connectionId}/backchannel-logout`;
    if (opts.singleLogout) {
      idp.setClient({ ...client, backchannel_logout_uri: logoutUrl, backchannel_logout_session_required: true, post_logout_redirect_uris: [`${this.base}/sso/signed-out`] });
    }
    return { secret, view: r.body, connectionId, client, logoutUrl };
  }

  /** /sso/start → the provider's login form → signed in → back here (stops at the portal page). */
  async signIn(p: UpstreamPerson, b = new UpstreamBrowser()) {
    const atIdp = await b.follow(`${this.base}/sso/start?email=${encodeURIComponent(p.email)}&return_to=/account`);
    expect(atIdp.url).toContain(`${this.idp.issuer}/interaction/`);
    expect(await atIdp.res.text()).toContain('Contoso sign-in');
    const back = await b.signInAtProvider(atIdp.url, p.email, p.password, this.isPortal);
    return { b, back, session: b.cookie(new URL(this.base).host, 'partnergate_session') };
  }

  /** The status of /api/v1/me with this session cookie: 200 signed in, 401 not. */
  async meStatus(session: string): Promise<number> {
    return (await fetch(`${this.base}/api/v1/me`, { headers: { cookie: `partnergate_session=${session}` } })).status;
  }

  async close(): Promise<void> {
    await this.t?.close();
    await this.idp?.close();
    await this.dns?.close();
  }
}

/** Partnergate on a free port of loopback (private targets allowed: the provider is on loopback too), a DNS server and the provider. */
export async function startOidcBench(config: Record<string, string> = {}): Promise<OidcBench> {
  const dns = await startDnsServer();
  const idp = await startUpstreamIdp();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ listen: true, port, config: { DNS_RESOLVER: dns.address, PUBLIC_URL: base, DOMAIN_RECHECK_INTERVAL_MS: '0', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', ...config } });
  return new OidcBench({ t, dns, idp, base });
}
