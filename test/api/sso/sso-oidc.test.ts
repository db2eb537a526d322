/**
 * Single sign-on by OpenID Connect against a real second oidc-provider on loopback (the partner's or
 * customer's own identity provider, test/helpers/oidc-upstream.ts) and a real DNS server for the
 * verified domains: Partnergate listens on a real port, the provider's login form is submitted over
 * HTTP, and openid-client checks the ID token. Runs on SQLite, and on PostgreSQL + Redis (flows in Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';
import { hex, startOidcBench, type OidcBench, type OidcOrg } from '../../helpers/oidc-bench.ts';
import { UpstreamBrowser, type UpstreamIdp, type UpstreamPerson } from '../../helpers/oidc-upstream.ts';
import { mutate } from '../../../src/platform/db/database.ts';

let bench: OidcBench;
let t: TestApp;
let idp: UpstreamIdp;
let base: string;
beforeAll(async () => {
  bench = await startOidcBench();
  ({ t, idp, base } = bench);
}, 60_000);
afterAll(() => bench?.close());

const person = (domain: string, over: Partial<UpstreamPerson> = {}) => bench.person(domain, over);
const organization = (kind: 'partner' | 'tenant') => bench.organization(kind);
const connect = (o: OidcOrg, over: Record<string, unknown> = {}) => bench.connect(o, over);
const signIn = (p: UpstreamPerson, b?: UpstreamBrowser) => bench.signIn(p, b);
const callback = (u: URL) => u.origin === base && u.pathname === '/sso/oidc/callback';

async function me(session: string) {
  const r = await fetch(`${base}/api/v1/me`, { headers: { cookie: `partnergate_session=${session}` } });
  return (await r.json()) as any;
}

async function audit(action: string, targetId?: string) {
  let q = t.services.db.kysely.selectFrom('audit_events').select(['action', 'outcome', 'details', 'partner_id', 'tenant_id', 'target_id']).where('action', '=', action);
  if (targetId) q = q.where('target_id', '=', targetId);
  return q.orderBy('seq').execute();
}

describe('single sign-on by OpenID Connect', () => {
  it('a new person of a partner is created on first sign-in with the role their group maps to; a group change changes the role at the next sign-in', async () => {
    const o = await organization('partner');
    const { view } = await connect(o);
    expect(view.connection).toMatchObject({ kind: 'oidc', enabled: true, oidc: { issuer: idp.issuer, client_secret_set: true } });
    // the secret never comes back, in any form
    expect(JSON.stringify(view)).not.toContain('secret-');

    const p = person(o.domain, { groups: ['billing', 'Sales'] });
    const first = await signIn(p);
    expect(first.back.stopped).toBe(true);
    expect(new URL(first.back.url).pathname).toBe('/account');
    expect(first.session).toBeTruthy();
    const m1 = await me(first.session!);
    expect(m1.user.email).toBe(p.email);
    expect(m1.partner).toMatchObject({ partner_id: o.id, role: 'PARTNER_STAFF', member_role: 'partner_msp_billing' });

    const created = await audit('sso.person_created', m1.user.id);
    expect(created).toHaveLength(1);
    expect(created[0].partner_id).toBe(o.id);
    const signIns = await audit('sso.sign_in', m1.user.id);
    expect(signIns).toHaveLength(1);

    // the directory moves them to Support: the next sign-in follows
    idp.setPerson({ ...p, groups: ['Support'] });
    const second = await signIn(p);
    const m2 = await me(second.session!);
    expect(m2.user.id).toBe(m1.user.id);
    expect(m2.partner.member_role).toBe('partner_msp_support');
    const changed = await audit('partner.member_role_changed', m1.user.id);
    expect(changed.at(-1)?.details).toContain('partner_msp_support');
    // no mapped group any more: the default role
    idp.setPerson({ ...p, groups: [] });
    expect((await me((await signIn(p)).session!)).partner.member_role).toBe('partner_auditor');
    expect(await audit('sso.person_created', m1.user.id)).toHaveLength(1);
  });

  it('a customer tenant: the IT admins group makes an administrator; an existing account on the verified domain is linked, not duplicated', async () => {
    const o = await organization('tenant');
    await connect(o);
    const admin = person(o.domain, { groups: ['IT Admins'] });
    const s = await signIn(admin);
    const m = await me(s.session!);
    expect(m.tenants).toEqual([expect.objectContaining({ tenant_id: o.id, role: 'TENANT_ADMIN' })]);

    // someone who already had an account with a password, on the same domain: the sign-in links to it
    const existingEmail = `old${hex()}@${o.domain}`;
    const existingId = await mutate(t.services.db, (trx) => t.services.identity.createUser(trx, { email: existingEmail, name: 'Old Timer', password: `pw ${hex()} long enough` }));
    const p = person(o.domain, { email: existingEmail });
    const linked = await me((await signIn(p)).session!);
    expect(linked.user.id).toBe(existingId);
    expect(linked.tenants).toEqual([expect.objectContaining({ tenant_id: o.id, role: 'TENANT_USER' })]);
    expect(await audit('sso.person_created', existingId)).toHaveLength(0);
  });

  it("a customer's identity provider signs in no one who belongs to another organization: a partner's staff member on its domain is refused, and stays who they were", async () => {
    const o = await organization('tenant');
    await connect(o);
    const partner = await t.world.partner();
    const staffEmail = `staff${hex()}@${o.domain}`;
    const staffId = await mutate(t.services.db, async (trx) => {
      const id = await t.services.identity.createUser(trx, { email: staffEmail, name: 'Partner Staff', password: `pw ${hex()} long enough` });
      await t.services.partners.addMember(trx, { scopeId: partner.id, userId: id, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, null);
      return id;
    });
    await t.services.feed.drain();
    expect(t.services.authz.snapshot.users.get(staffId)?.partner?.id).toBe(partner.id);
    const p = person(o.domain, { email: staffEmail });
    const b = new UpstreamBrowser();
    const start = await b.follow(`${base}/sso/start?email=${encodeURIComponent(staffEmail)}`);
    const back = await b.signInAtProvider(start.url, p.email, p.password);
    expect(back.res.status).toBe(403);
    expect(await back.res.text()).toContain('This address cannot be used with your company sign-in');
    expect(b.cookie(new URL(base).host, 'partnergate_session')).toBeFalsy();
    const tenantsOfStaff = await t.services.db.kysely.selectFrom('tenant_members').select('tenant_id').where('user_id', '=', staffId).execute();
    expect(tenantsOfStaff).toEqual([]);
  });

  it('require single sign-on: password sign-in and reset are refused with a pointer to the company sign-in; the break-glass owner still signs in with a password', async () => {
    const o = await organization('partner');
    // the owner's own address is on another domain; give them a colleague on the verified one
    await connect(o);
    const p = person(o.domain);
    await signIn(p);
    const bad = await o.admin.put(`${o.prefix}/sso`, { kind: 'oidc', name: 'x', enabled: true, oidc: { issuer: idp.issuer, client_id: o.clientId, auth_method: 'client_secret_basic' }, default_role: 'partner_auditor', role_mappings: [], trust_upstream_mfa: false, require_sso: true, break_glass_user_id: null });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('sso_settings_invalid');
    await connect(o, { require_sso: true, break_glass_user_id: o.adminId });

    // the person has an account (made by their first sign-in): a password sign-in is refused before any password check
    const login = await t.client().post('/api/v1/auth/login', { email: p.email, password: 'whatever it is' });
    expect(login.status, JSON.stringify(login.body)).toBe(403);
    expect(login.body.code).toBe('sso_required');
    expect(login.body.detail).toContain('Sign in with your company');
    const reset = await t.client().post('/api/v1/auth/password-reset', { email: p.email });
    expect(reset.status).toBe(403);
    expect(reset.body.code).toBe('sso_required');
    // an address of the domain with no account yet is refused the same way (nothing told about accounts)
    expect((await t.client().post('/api/v1/auth/login', { email: `nobody${hex()}@${o.domain}`, password: 'x' })).body.code).toBe('sso_required');
    // discovery tells the sign-in page
    const d = await t.client().post('/api/v1/auth/sso/discover', { email: p.email });
    expect(d.body).toEqual({ routed: true, start_url: `/sso/start?email=${encodeURIComponent(p.email)}`, password_allowed: false });

    // the break-glass owner: their address moved onto the verified domain, still signs in with the password
    await t.services.db.kysely.updateTable('users').set({ email: `owner${hex()}@${o.domain}` }).where('id', '=', o.adminId).execute();
    const owner = await t.services.identity.findUserById(o.adminId);
    const ok = await t.client().post('/api/v1/auth/login', { email: owner!.email, password: o.adminPassword });
    expect(ok.status).toBe(200);
    const refusedAudit = (await audit('user.login_failed')).filter((e) => String(e.details).includes('single_sign_on_required'));
    expect(refusedAudit.length).toBeGreaterThanOrEqual(2);
  });

  it('an address on a domain that is not verified is not routed: no redirect, a page in words; password sign-in stays', async () => {
    const o = await organization('partner');
    await connect(o);
    const pendingDomain = `pending-${hex()}.com`;
    expect((await o.admin.post(`${o.prefix}/domains`, { domain: pendingDomain })).status).toBe(201);
    const b = new UpstreamBrowser();
    const r = await b.request(`${base}/sso/start?email=ann@${pendingDomain}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('text/html');
    const html = await r.text();
    expect(html).toContain('No company sign-in for this address');
    expect(html).toContain('href="/login"');
    expect((await t.client().post('/api/v1/auth/sso/discover', { email: `ann@${pendingDomain}` })).body).toEqual({ routed: false, start_url: null, password_allowed: true });

    // someone at the provider whose address is on an unverified domain is not created either
    const stranger = person(pendingDomain);
    const b2 = new UpstreamBrowser();
    const start = await b2.follow(`${base}/sso/start?email=${encodeURIComponent(`x@${o.domain}`)}`);
    const back = await b2.signInAtProvider(start.url, stranger.email, stranger.password);
    expect(back.res.status).toBe(403);
    expect(await back.res.text()).toContain('not on your organization’s verified domains');
    expect(await t.services.identity.findUserByEmail(stranger.email)).toBeUndefined();

    // an address with two @ whose last part is the verified domain is nobody's: refused, nobody created
    const twoAt = person(o.domain, { email: `ann@evil.example@${o.domain}` });
    const b3 = new UpstreamBrowser();
    const start3 = await b3.follow(`${base}/sso/start?email=${encodeURIComponent(`x@${o.domain}`)}`);
    const back3 = await b3.signInAtProvider(start3.url, twoAt.email, twoAt.password);
    expect(back3.res.status).toBe(400);
    expect(await back3.res.text()).toContain('did not say who you are');
    expect(await t.services.db.kysely.selectFrom('users').select('id').where('email', '=', twoAt.email.toLowerCase()).executeTakeFirst()).toBeUndefined();
  });

  it('a tampered state, a replayed answer and a wrong nonce are refused with a page in words, and audited', async () => {
    const o = await organization('partner');
    await connect(o);
    const p = person(o.domain);

    // tampered state
    const b1 = new UpstreamBrowser();
    const s1 = await b1.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`);
    const cb1 = await b1.signInAtProvider(s1.url, p.email, p.password, callback);
    const tampered = new URL(cb1.url);
    tampered.searchParams.set('state', tampered.searchParams.get('state')!.slice(0, -2) + 'xx');
    const r1 = await b1.request(tampered.href);
    expect(r1.status).toBe(400);
    const h1 = await r1.text();
    expect(h1).toContain('This sign-in was not started here');
    expect(h1).toContain('sso.unsolicited');
    expect(h1).not.toMatch(/^\s*\{/);

    // replayed: the real answer works once, then is refused
    const b2 = new UpstreamBrowser();
    const s2 = await b2.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`);
    const cb2 = await b2.signInAtProvider(s2.url, p.email, p.password, callback);
    const ok = await b2.request(cb2.url);
    expect(ok.status).toBe(302);
    const again = await b2.request(cb2.url);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('This sign-in was already used');

    // wrong nonce: the request to the provider is altered on the way
    const b3 = new UpstreamBrowser();
    const s3 = await b3.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`, { stopAt: (u) => u.origin === idp.issuer });
    const altered = new URL(s3.url);
    altered.searchParams.set('nonce', 'a-nonce-we-never-sent');
    const login3 = await b3.follow(altered.href);
    const cb3 = await b3.signInAtProvider(login3.url, p.email, p.password, callback);
    const r3 = await b3.request(cb3.url);
    const h3 = await r3.text();
    expect(h3.match(/<h1>(.*)<\/h1>/)?.[1]).toBe('This sign-in was not started here');
    expect(r3.status).toBe(400);

    const refused = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.sign_in_refused').execute();
    const codes = refused.map((e) => JSON.parse(e.details as string).code);
    expect(codes).toEqual(expect.arrayContaining(['sso.unsolicited', 'sso.response_replayed']));
    expect(codes.filter((c) => c === 'sso.unsolicited').length).toBeGreaterThanOrEqual(2);
  });

  it('an answer replayed in a browser that did not start the sign-in is refused in words, audited, and signs nobody in; the starting browser signs in', async () => {
    const o = await organization('partner');
    await connect(o);
    const p = person(o.domain);

    // browser A starts and signs in at the provider; its callback URL is handed to browser B
    const a = new UpstreamBrowser();
    const sA = await a.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`);
    expect(a.cookie(new URL(base).host, 'partnergate_sso_flow')).toBeTruthy();
    const cbA = await a.signInAtProvider(sA.url, p.email, p.password, callback);
    const b = new UpstreamBrowser();
    const r = await b.request(cbA.url);
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('This sign-in was started in another browser');
    expect(html).toContain('sso.flow_other_browser');
    expect(b.cookie(new URL(base).host, 'partnergate_session')).toBeUndefined();
    expect(await t.services.identity.findUserByEmail(p.email)).toBeUndefined();
    // the wrong browser burnt the flow: A is told it was used, and starts again
    expect(await (await a.request(cbA.url)).text()).toContain('This sign-in was already used');
    expect(a.cookie(new URL(base).host, 'partnergate_session')).toBeUndefined();

    // a browser carrying another browser's binding cookie is refused the same way
    const c = new UpstreamBrowser();
    const sC = await c.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`);
    const cbC = await c.signInAtProvider(sC.url, p.email, p.password, callback);
    const d = new UpstreamBrowser();
    await d.follow(`${base}/sso/start?email=${encodeURIComponent(p.email)}`, { stopAt: (u) => u.origin === idp.issuer });
    expect((await d.request(cbC.url)).status).toBe(400);
    expect(d.cookie(new URL(base).host, 'partnergate_session')).toBeUndefined();

    const refused = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.sign_in_refused').execute();
    expect(refused.filter((e) => JSON.parse(e.details as string).code === 'sso.flow_other_browser').length).toBeGreaterThanOrEqual(2);

    // the same flow in the browser that started it signs in, and the binding cookie is cleared
    const { b: e, session } = await signIn(p);
    expect(session).toBeTruthy();
    expect((await me(session!)).user.email).toBe(p.email);
    expect(e.cookie(new URL(base).host, 'partnergate_sso_flow')).toBeUndefined();
  });

  it("the provider's MFA counts for the session only when the organization trusts it", async () => {
    const o = await organization('partner');
    await connect(o, { trust_upstream_mfa: false });
    const p = person(o.domain, { amr: ['pwd', 'otp', 'mfa'] });
    const untrusted = await me((await signIn(p)).session!);
    const s1 = await t.services.db.kysely.selectFrom('sessions').select(['amr', 'mfa_at']).where('user_id', '=', untrusted.user.id).execute();
    expect(s1.every((s) => s.mfa_at === null && !JSON.parse(s.amr).includes('mfa'))).toBe(true);

    await connect(o, { trust_upstream_mfa: true });
    await signIn(p);
    const s2 = await t.services.db.kysely.selectFrom('sessions').select(['amr', 'mfa_at']).where('user_id', '=', untrusted.user.id).orderBy('created_at', 'desc').execute();
    expect(JSON.parse(s2[0].amr)).toEqual(['sso', 'mfa']);
    expect(s2[0].mfa_at).not.toBeNull();

    // trusted, but the provider did not ask for a second factor: no mfa
    const q = person(o.domain, { amr: ['pwd'] });
    const m = await me((await signIn(q)).session!);
    const s3 = await t.services.db.kysely.selectFrom('sessions').select(['amr']).where('user_id', '=', m.user.id).execute();
    expect(JSON.parse(s3[0].amr)).toEqual(['sso']);
  });

  it('the test sign-in shows what the provider said and the role it would give, creating nobody', async () => {
    const o = await organization('partner');
    await connect(o);
    const p = person(o.domain, { groups: ['Support'], name: 'Tess Tester' });
    const start = await o.admin.post(`${o.prefix}/sso/test`);
    expect(start.status).toBe(200);
    const b = new UpstreamBrowser();
    const login = await b.follow(start.body.url);
    const shown = await b.signInAtProvider(login.url, p.email, p.password);
    expect(shown.res.status).toBe(200);
    const html = await shown.res.text();
    expect(html).toContain('Test sign-in: what your provider said');
    expect(html).toContain(p.email);
    expect(html).toContain('Tess Tester');
    expect(html).toContain('Support');
    expect(html).toContain('would be added to your organization');
    expect(await t.services.identity.findUserByEmail(p.email)).toBeUndefined();
    expect(b.cookie(new URL(base).host, 'partnergate_session')).toBeUndefined();
  });

  it('the operator sees the connection and switches it off (audited): addresses are no longer routed, passwords work again', async () => {
    const o = await organization('tenant');
    const { view } = await connect(o, { require_sso: true, break_glass_user_id: o.adminId });
    const operator = await (await t.world.operator()).login();
    const seen = await operator.get(`/api/v1/sso/connections?org_type=tenant&org_id=${o.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.connection).toMatchObject({ id: view.connection.id, enabled: true, require_sso: true });
    // the organization's admin may not use the operator's route
    expect((await o.admin.post(`/api/v1/sso/connections/${view.connection.id}/switch-off`, { reason: 'x' })).status).toBe(403);
    const off = await operator.post(`/api/v1/sso/connections/${view.connection.id}/switch-off`, { reason: 'The provider was compromised' });
    expect(off.status).toBe(200);
    expect(off.body.connection).toMatchObject({ enabled: false, switched_off: { reason: 'The provider was compromised' } });
    const a = await audit('sso.connection_switched_off', view.connection.id);
    expect(a).toHaveLength(1);
    expect(a[0].tenant_id).toBe(o.id);

    const p = person(o.domain);
    const r = await new UpstreamBrowser().request(`${base}/sso/start?email=${encodeURIComponent(p.email)}`);
    expect(r.status).toBe(404);
    expect((await t.client().post('/api/v1/auth/login', { email: p.email, password: 'nope' })).body.code).toBe('invalid_credentials');
  });

  it('SAML settings: metadata that is not a provider\'s is refused when saved, in words; the connection gets our key pair', async () => {
    const o = await organization('tenant');
    const base = { kind: 'saml', name: 'Contoso SAML', enabled: true, default_role: 'TENANT_USER', role_mappings: [], trust_upstream_mfa: false, require_sso: false, break_glass_user_id: null };
    const bad = await o.admin.put(`${o.prefix}/sso`, { ...base, saml: { idp_metadata_xml: '<html>not metadata</html>' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('sso_settings_invalid');
    expect(bad.body.errors?.[0]?.pointer ?? bad.body.fields?.[0]?.pointer).toBe('/body/saml/idp_metadata_xml');
    const off = await o.admin.put(`${o.prefix}/sso`, { ...base, enabled: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.connection.saml).toMatchObject({ sp_entity_id: `${off.body.callback_url.replace('/sso/oidc/callback', '')}/sso/saml/${off.body.connection.id}`, idp_metadata_set: false });
    const row = await t.services.db.kysely.selectFrom('sso_connections').select(['saml_sp_certificate', 'saml_sp_private_key_enc']).where('id', '=', off.body.connection.id).executeTakeFirstOrThrow();
    expect(row.saml_sp_certificate).toContain('BEGIN CERTIFICATE');
    expect(row.saml_sp_private_key_enc).not.toContain('PRIVATE KEY');
  });

  it('only the owner or admin reads and changes the settings; another organization sees nothing', async () => {
    const o = await organization('partner');
    await connect(o);
    const other = await t.world.partner();
    const otherOwner = await other.owner.login();
    expect((await otherOwner.get(`${o.prefix}/sso`)).status).toBe(404);
    const staffPartner = await t.world.partner();
    const staff = await staffPartner.staff.login();
    expect((await staff.get(`/api/v1/partners/${staffPartner.id}/sso`)).status).toBe(403);
    expect((await t.client().get(`${o.prefix}/sso`)).status).toBe(401);
    const v = await o.admin.get(`${o.prefix}/sso`);
    expect(v.body.roles.map((r: { name: string }) => r.name)).toContain('Billing');
    expect(v.body.domains).toEqual([expect.objectContaining({ domain: o.domain, status: 'verified' })]);
    expect(v.body.callback_url).toBe(`${base}/sso/oidc/callback`);
  });
});
