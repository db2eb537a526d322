/**
 * SAML sign-in through the server's own routes, against the samlify identity provider on loopback and a
 * real DNS server for the domain proof: a partner owner verifies a domain and connects a SAML provider;
 * GET /sso/start sends a person of that domain to the provider with an AuthnRequest signed with the connection's key; the provider's
 * signed answer POSTed to our ACS signs them in just in time with the role their group maps to, and lands
 * in the portal. A tampered, replayed or unsolicited answer gets the refusal page in words; our metadata
 * is public at the entity id and at …/metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { Client } from '../../helpers/http.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type ResponseVariant, type SamlIdp } from '../../helpers/saml-idp.ts';
import { samlConnectedPartner } from '../../helpers/saml-connection.ts';
import { wrapSignature } from '../../helpers/saml-wrapping.ts';

let t: TestApp;
let dns: TestDnsServer;
let idp: SamlIdp;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ config: { DNS_RESOLVER: dns.address } });
  idp = await startSamlIdp({ users: [], wantAuthnRequestsSigned: true });
});
afterAll(async () => {
  await idp?.close();
  await t?.close();
  await dns?.close();
});

/** A partner with a verified domain and a SAML connection to the test provider; its people of that domain. */
async function connectedPartner(saml: { allow_idp_initiated?: boolean } = {}) {
  const { partner, owner, domain, connectionId, connection } = await samlConnectedPartner(t, dns, {
    metadataXml: idp.metadataXml,
    domainPrefix: 'acme',
    saml,
    roleMappings: [{ group: 'Partner Admins', role: 'partner_msp_full' }],
  });
  expect(connection.saml).toMatchObject({ sp_entity_id: expect.stringContaining(`/sso/saml/${connectionId}`), sp_metadata_available: true });
  const metadata = await t.app.inject({ method: 'GET', url: `/sso/saml/${connectionId}/metadata` });
  expect(metadata.statusCode).toBe(200);
  expect(metadata.headers['content-type']).toContain('application/samlmetadata+xml');
  idp.trust(metadata.body);
  const person = (local: string, groups: string[]): IdpUser => ({ nameId: `${local}@${domain}`, email: `${local}@${domain}`, name: `${local[0].toUpperCase()}${local.slice(1)} Example`, groups, authnContextClassRef: CLASS_REF.mfa });
  return { partner, owner, domain, connectionId, person };
}

/** GET /sso/start for `email`, through the provider's login page, to the form it posts to our ACS. */
async function signInAtProvider(email: string, user: IdpUser, variant: ResponseVariant = 'good', encrypt = false): Promise<{ acs: string; SAMLResponse: string; RelayState: string; cookie: string }> {
  const start = await t.app.inject({ method: 'GET', url: `/sso/start?email=${encodeURIComponent(email)}` });
  expect(start.statusCode, start.body).toBe(302);
  // the browser that started the sign-in keeps its binding cookie, and sends it with the POST to our ACS
  const binding = String(start.headers['set-cookie']).match(/partnergate_sso_flow=([^;]+)/)?.[1];
  expect(binding).toBeTruthy();
  const location = String(start.headers.location);
  expect(location.startsWith(`${idp.ssoUrl}?`)).toBe(true);
  const loginPage = await fetch(location);
  expect(loginPage.status).toBe(200);
  const seen = idp.requests.at(-1)!;
  expect(seen.signed).toBe(true);
  idp.users.splice(0, idp.users.length, user);
  idp.next = { variant, encrypt };
  const answered = await fetch(`${idp.origin}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user: '0', request_id: seen.id, relay_state: seen.relayState }) });
  const html = await answered.text();
  const field = (name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]?.replace(/&quot;/g, '"').replace(/&amp;/g, '&') ?? '';
  return { acs: html.match(/action="([^"]+)"/)![1], SAMLResponse: field('SAMLResponse'), RelayState: field('RelayState'), cookie: `partnergate_sso_flow=${binding}` };
}

/** the provider's form posted to our ACS by a browser holding `cookie` (none: another browser) */
function postAcs(connectionId: string, form: { SAMLResponse: string; RelayState: string; cookie?: string }) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (form.cookie) headers.cookie = form.cookie;
  return t.app.inject({ method: 'POST', url: `/sso/saml/${connectionId}/acs`, headers, payload: new URLSearchParams({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState }).toString() });
}

describe('SAML sign-in through the server', () => {
  it('a new person of the verified domain signs in just in time with the role their group maps to, and lands in the portal', async () => {
    const c = await connectedPartner();
    const ada = c.person('ada', ['Partner Admins']);
    const answer = await signInAtProvider(ada.email!, ada);
    expect(answer.acs.endsWith(`/sso/saml/${c.connectionId}/acs`)).toBe(true);
    const landed = await postAcs(c.connectionId, answer);
    expect(landed.statusCode, landed.body).toBe(302);
    expect(landed.headers.location).toBe('/');
    const cookie = String(landed.headers['set-cookie']).match(/partnergate_session=([^;]+)/)?.[1];
    expect(cookie).toBeTruthy();
    const me = await new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${cookie}` });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: ada.email, name: 'Ada Example', status: 'active' });
    expect(me.body.partner).toMatchObject({ partner_id: c.partner.id, member_role: 'partner_msp_full', member_status: 'active' });

    // the same answer again: refused in words
    const again = await postAcs(c.connectionId, answer);
    expect(again.statusCode).toBe(400);
    expect(again.headers['content-type']).toContain('text/html');
    expect(again.body).toContain('This sign-in was already used');
  });

  it('an answer whose assertion is encrypted to the connection’s certificate (from our metadata) signs the person in', async () => {
    const c = await connectedPartner();
    const metadata = await t.app.inject({ method: 'GET', url: `/sso/saml/${c.connectionId}/metadata` });
    expect(metadata.body).toContain('use="encryption"');
    expect(metadata.body).toContain('AuthnRequestsSigned="true"');
    const grace = c.person('grace', []);
    const answer = await signInAtProvider(grace.email!, grace, 'good', true);
    expect(Buffer.from(answer.SAMLResponse, 'base64').toString()).toContain('EncryptedAssertion');
    const landed = await postAcs(c.connectionId, answer);
    expect(landed.statusCode, landed.body).toBe(302);
    const cookie = String(landed.headers['set-cookie']).match(/partnergate_session=([^;]+)/)?.[1];
    const me = await new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${cookie}` });
    expect(me.body.user).toMatchObject({ email: grace.email });
    expect(me.body.partner).toMatchObject({ partner_id: c.partner.id, member_role: 'partner_msp_support' });
  });

  it('an answer signed only at the message level signs the person in; one signed nowhere, or wrapped around another person, gets the refusal page', async () => {
    const c = await connectedPartner();
    const lin = c.person('lin', []);
    const signedResponse = await signInAtProvider(lin.email!, lin, 'response_signed_only');
    const landed = await postAcs(c.connectionId, signedResponse);
    expect(landed.statusCode, landed.body).toBe(302);
    const cookie = String(landed.headers['set-cookie']).match(/partnergate_session=([^;]+)/)?.[1];
    const me = await new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${cookie}` });
    expect(me.body.user).toMatchObject({ email: lin.email });

    const unsigned = await signInAtProvider(lin.email!, lin, 'unsigned');
    const wrappable = await signInAtProvider(lin.email!, lin, 'response_signed_only');
    const wrapped = { ...wrappable, SAMLResponse: await wrapSignature(wrappable.SAMLResponse, lin.email!, 'response') };
    for (const answer of [unsigned, wrapped]) {
      const refused = await postAcs(c.connectionId, answer);
      expect(refused.statusCode).toBe(400);
      expect(refused.headers['content-type']).toContain('text/html');
      expect(refused.body).toContain('We could not verify your company sign-in');
      expect(String(refused.headers['set-cookie'] ?? '')).not.toContain('partnergate_session=');
    }
  });

  it('a tampered answer, an expired one and one for another audience get the refusal page in words; nobody is signed in', async () => {
    const c = await connectedPartner();
    const cases: [ResponseVariant, string][] = [
      ['tampered', 'We could not verify your company sign-in'],
      ['expired', 'Your company sign-in took too long'],
      ['wrong_audience', 'Your company sign-in answered for another application'],
      ['declined', 'Your company sign-in did not let you in'],
    ];
    for (const [variant, words] of cases) {
      const bob = c.person('bob', []);
      const answer = await signInAtProvider(bob.email!, bob, variant);
      const refused = await postAcs(c.connectionId, answer);
      expect(refused.headers['content-type'], variant).toContain('text/html');
      expect(refused.body, variant).toContain(words);
      expect(String(refused.headers['set-cookie'] ?? '')).not.toContain('partnergate_session=');
    }
  });

  it('an answer nobody asked for (no RelayState, or another connection’s) is unsolicited', async () => {
    const c = await connectedPartner();
    const eve = c.person('eve', []);
    const answer = await signInAtProvider(eve.email!, eve);
    expect((await postAcs(c.connectionId, { ...answer, RelayState: '' })).body).toContain('This sign-in was not started here');
    const other = await connectedPartner();
    expect((await postAcs(other.connectionId, answer)).body).toContain('This sign-in was not started here');
  });

  it('an answer posted to our ACS by a browser that did not start the sign-in is refused in words, audited, and signs nobody in', async () => {
    const c = await connectedPartner();
    const mallory = c.person('mallory', []);
    const cases: [string, string | undefined][] = [
      ['no cookie', undefined],
      ['another browser’s cookie', 'partnergate_sso_flow=someone-elses-binding-value'],
    ];
    for (const [label, cookie] of cases) {
      const answer = await signInAtProvider(mallory.email!, mallory);
      const refused = await postAcs(c.connectionId, { ...answer, cookie });
      expect(refused.statusCode, label).toBe(400);
      expect(refused.headers['content-type'], label).toContain('text/html');
      expect(refused.body, label).toContain('This sign-in was started in another browser');
      expect(refused.body, label).toContain('sso.flow_other_browser');
      expect(String(refused.headers['set-cookie'] ?? ''), label).not.toContain('partnergate_session=');
      // the flow is burnt by the wrong browser: the rightful one starts again
      expect((await postAcs(c.connectionId, answer)).body, label).toContain('This sign-in was already used');
    }
    expect(await t.services.identity.findUserByEmail(mallory.email!)).toBeUndefined();
    const refusals = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.sign_in_refused').execute();
    expect(refusals.filter((e) => JSON.parse(e.details as string).code === 'sso.flow_other_browser').length).toBeGreaterThanOrEqual(2);
  });

  it('our metadata is public at the entity id; an unknown connection has none', async () => {
    const c = await connectedPartner();
    const atEntityId = await t.app.inject({ method: 'GET', url: `/sso/saml/${c.connectionId}` });
    expect(atEntityId.statusCode).toBe(200);
    expect(atEntityId.body).toContain(`/sso/saml/${c.connectionId}/acs`);
    expect((await t.app.inject({ method: 'GET', url: '/sso/saml/ssc_unknown/metadata' })).statusCode).toBe(404);
  });
});

describe('SAML sign-in started at the identity provider', () => {
  /** the provider's own unsolicited answer for `user` (no InResponseTo), posted by a browser holding no flow */
  const unsolicited = async (connectionId: string, user: IdpUser, o: { variant?: ResponseVariant; relayState?: string } = {}) => {
    const SAMLResponse = await idp.response({ user, inResponseTo: '', variant: o.variant });
    return { form: { SAMLResponse, RelayState: o.relayState ?? '' }, res: await postAcs(connectionId, { SAMLResponse, RelayState: o.relayState ?? '' }) };
  };
  const sessionOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie'] ?? '').match(/partnergate_session=([^;]+)/)?.[1];

  it('is off by default: the answer gets the refusal page in words, is audited, and signs nobody in', async () => {
    const c = await connectedPartner();
    const got = await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`);
    expect(got.body.connection.saml.allow_idp_initiated).toBe(false);
    const zoe = c.person('zoe', []);
    const { res } = await unsolicited(c.connectionId, zoe);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('This sign-in was not started here');
    expect(sessionOf(res)).toBeUndefined();
    expect(await t.services.identity.findUserByEmail(zoe.email!)).toBeUndefined();
    const refusals = await t.services.db.kysely.selectFrom('audit_events').select(['details']).where('action', '=', 'sso.sign_in_refused').where('target_id', '=', c.connectionId).execute();
    expect(refusals.map((e) => JSON.parse(e.details as string))).toContainEqual(expect.objectContaining({ code: 'sso.unsolicited', reason: expect.stringContaining('started at the identity provider') }));
  });

  it('switched on: a signed assertion signs the person in, lands on a same-site RelayState path only, and works once', async () => {
    const c = await connectedPartner({ allow_idp_initiated: true });
    expect((await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`)).body.connection.saml.allow_idp_initiated).toBe(true);
    const kim = c.person('kim', ['Partner Admins']);
    const landed = await unsolicited(c.connectionId, kim, { relayState: '/partner/customers' });
    expect(landed.res.statusCode, landed.res.body).toBe(302);
    expect(landed.res.headers.location).toBe('/partner/customers');
    const me = await new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${sessionOf(landed.res)}` });
    expect(me.body.partner).toMatchObject({ partner_id: c.partner.id, member_role: 'partner_msp_full' });
    // the same answer again: a replay
    const again = await postAcs(c.connectionId, landed.form);
    expect(again.body).toContain('This sign-in was already used');
    expect(sessionOf(again)).toBeUndefined();
    // RelayState is never a way off the site
    for (const relayState of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = (await unsolicited(c.connectionId, kim, { relayState })).res;
      expect(res.statusCode, relayState).toBe(302);
      expect(res.headers.location, relayState).toBe('/');
    }
  });

  it('switched on: a Response-only signature, another audience, an expired answer and a person of another organization are refused', async () => {
    const c = await connectedPartner({ allow_idp_initiated: true });
    const lee = c.person('lee', []);
    const cases: [ResponseVariant, string][] = [
      ['response_signed_only', 'We could not verify your company sign-in'],
      ['wrong_audience', 'Your company sign-in answered for another application'],
      ['expired', 'Your company sign-in took too long'],
    ];
    for (const [variant, words] of cases) {
      const { res } = await unsolicited(c.connectionId, lee, { variant });
      expect(res.statusCode, variant).toBe(400);
      expect(res.body, variant).toContain(words);
      expect(sessionOf(res), variant).toBeUndefined();
    }
    // an address on a domain this organization has not verified: the organization's checks apply as to any sign-in
    const outsider: IdpUser = { nameId: 'sam@elsewhere.example', email: 'sam@elsewhere.example', groups: [], authnContextClassRef: CLASS_REF.mfa };
    const { res } = await unsolicited(c.connectionId, outsider);
    expect(res.statusCode).toBe(403);
    expect(sessionOf(res)).toBeUndefined();
    expect(await t.services.identity.findUserByEmail(outsider.email!)).toBeUndefined();
  });
});
