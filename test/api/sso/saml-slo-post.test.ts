/**
 * SAML Single Logout by the HTTP-POST binding, and NameID qualifiers, through the server's routes against the
 * samlify identity provider on loopback (saml-slo.test.ts covers the Redirect binding):
 *
 *  - a provider whose metadata offers only a POST SingleLogoutService: signing out sends the browser to our page
 *    whose form posts our LogoutRequest (an enveloped XML signature the provider verifies) to it; its LogoutResponse
 *    lands on the signed-out page. Its own LogoutRequest is answered by a posted, signed LogoutResponse.
 *  - a provider offering both: the Redirect binding is used.
 *  - the NameID's NameQualifier and SPNameQualifier from sign-in: our LogoutRequest carries them, and a
 *    LogoutRequest from the provider naming the same value under another qualifier ends nothing.
 */
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { Client } from '../../helpers/http.ts';
import { samlConnectedPartner } from '../../helpers/saml-connection.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type SamlIdp } from '../../helpers/saml-idp.ts';
import { idpLogout } from '../../helpers/saml-idp-logout.ts';

/** the test configuration's PUBLIC_URL (test/helpers/config.ts) */
const PUBLIC_URL = 'http://localhost:8080';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';
let t: TestApp;
let dns: TestDnsServer;
let idp: SamlIdp;

beforeAll(async () => {
  dns = await startDnsServer();
  t = await startTestApp({ config: { DNS_RESOLVER: dns.address } });
  idp = await startSamlIdp({ users: [] });
});
afterAll(async () => {
  await idp?.close();
  await t?.close();
  await dns?.close();
});

/** The provider's metadata with its SingleLogoutService offered by POST only, or by both bindings. */
const postOnly = () => idp.metadataXml.replace(`Binding="${REDIRECT}" Location="${idp.origin}/slo"`, `Binding="${POST}" Location="${idp.origin}/slo"`);
const both = () => idp.metadataXml.replace(/(<SingleLogoutService [^>]*>\s*<\/SingleLogoutService>)/, `<SingleLogoutService Binding="${POST}" Location="${idp.origin}/slo-post"></SingleLogoutService>$1`);

async function connectedPartner(metadataXml: string, user: Partial<IdpUser> = {}) {
  const { partner, owner, domain, connectionId } = await samlConnectedPartner(t, dns, { metadataXml, domainPrefix: 'slopost' });
  const spMetadata = (await t.app.inject({ method: 'GET', url: `/sso/saml/${connectionId}/metadata` })).body;
  idp.trust(spMetadata);
  const person: IdpUser = { nameId: `ada@${domain}`, email: `ada@${domain}`, name: 'Ada Example', groups: [], authnContextClassRef: CLASS_REF.mfa, ...user };
  return { partner, owner, connectionId, user: person, logout: idpLogout(idp, spMetadata) };
}

async function signIn(user: IdpUser): Promise<{ cookie: string; sessionIndex: string }> {
  const start = await t.app.inject({ method: 'GET', url: `/sso/start?email=${encodeURIComponent(user.email!)}` });
  expect(start.statusCode, start.body).toBe(302);
  const binding = String(start.headers['set-cookie']).match(/partnergate_sso_flow=([^;]+)/)![1];
  await fetch(String(start.headers.location));
  const seen = idp.requests.at(-1)!;
  const SAMLResponse = await idp.response({ user, inResponseTo: seen.id });
  const xml = Buffer.from(SAMLResponse, 'base64').toString('utf8');
  const landed = await t.app.inject({
    method: 'POST',
    url: new URL(/Destination="([^"]+)"/.exec(xml)![1]).pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `partnergate_sso_flow=${binding}` },
    payload: new URLSearchParams({ SAMLResponse, RelayState: seen.relayState }).toString(),
  });
  expect(landed.statusCode, landed.body).toBe(302);
  return { cookie: String(landed.headers['set-cookie']).match(/partnergate_session=([^;]+)/)![1], sessionIndex: /SessionIndex="([^"]+)"/.exec(xml)![1] };
}

const me = (cookie: string) => new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${cookie}` });

async function signOut(cookie: string): Promise<string> {
  const csrf = (await me(cookie)).body.csrf_token as string;
  const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `partnergate_session=${cookie}`, 'x-csrf-token': csrf } });
  expect(out.statusCode, out.body).toBe(200);
  return JSON.parse(out.body).continue_at as string;
}

/** A page's auto-submitting form as a browser reads it: where it posts and what. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const unEsc = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const form = /<form id="saml-post" method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
  expect(form, html).toBeTruthy();
  const fields = Object.fromEntries([...form![2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], unEsc(m[2])]));
  return { action: unEsc(form![1]), fields };
}

const postToOurSlo = (url: string, form: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: new URL(url).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

describe('SAML single logout by HTTP-POST', () => {
  it('a provider offering only POST: our page posts a signed LogoutRequest it verifies, and its posted LogoutResponse lands on the signed-out page', async () => {
    const c = await connectedPartner(postOnly());
    const view = await c.owner.get(`/api/v1/partners/${c.partner.id}/sso`);
    expect(view.body.connection.saml).toMatchObject({ idp_slo: true, idp_slo_binding: 'post' });
    const browser = await signIn(c.user);
    const continueAt = await signOut(browser.cookie);
    expect((await me(browser.cookie)).status).toBe(401);
    expect(continueAt.startsWith(`${PUBLIC_URL}/sso/saml/${c.connectionId}/slo/send?m=`)).toBe(true);

    const u = new URL(continueAt);
    const page = await t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`form-action ${idp.origin} 'self'`);
    expect(page.body).toContain('<button type="submit">Continue to your company’s sign-in</button>'); // without script, a visible button
    const form = formOf(page.body);
    expect(form.action).toBe(`${idp.origin}/slo`);
    const request = await c.logout.readPostedRequest(form.fields); // samlify verified the enveloped signature with the certificate in our metadata
    const tampered = Buffer.from(Buffer.from(form.fields.SAMLRequest, 'base64').toString('utf8').replace(c.user.nameId, `eve${c.user.nameId}`)).toString('base64');
    await expect(c.logout.readPostedRequest({ SAMLRequest: tampered })).rejects.toBeTruthy();
    expect(request).toMatchObject({ signed: true, nameId: c.user.nameId, sessionIndex: browser.sessionIndex, destination: `${idp.origin}/slo`, issuer: `${PUBLIC_URL}/sso/saml/${c.connectionId}` });

    const answer = c.logout.respondByPost(request);
    expect(answer.url).toBe(`${PUBLIC_URL}/sso/saml/${c.connectionId}/slo`);
    const landed = await postToOurSlo(answer.url, answer.form);
    expect(landed.statusCode, landed.body).toBe(302);
    expect(landed.headers.location).toBe('/sso/signed-out');
    expect((await postToOurSlo(answer.url, answer.form)).body).toContain('You are signed out here'); // once

    // a page address of another connection, or tampered: nothing to post, signed out here only
    const foreign = await t.app.inject({ method: 'GET', url: `${u.pathname.replace(c.connectionId, 'ssoc_other')}${u.search}` });
    expect(foreign.statusCode).toBe(200);
    expect(foreign.body).not.toContain('saml-post');
    expect(foreign.body).toContain('You are signed out here');
  });

  it('a LogoutRequest from a POST-only provider is answered by a posted, signed LogoutResponse', async () => {
    const c = await connectedPartner(postOnly());
    const browser = await signIn(c.user);
    const sent = c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex, binding: 'post' });
    const answered = await postToOurSlo(sent.url, sent.form!);
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await me(browser.cookie)).status).toBe(401);
    const form = formOf(answered.body);
    expect(form.action).toBe(`${idp.origin}/slo`);
    const xml = await c.logout.readPostedResponse(form.fields); // signature verified by samlify
    expect(xml).toContain(`InResponseTo="${sent.id}"`);
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
  });

  it('a provider offering both bindings gets our LogoutRequest by redirect', async () => {
    const c = await connectedPartner(both());
    const browser = await signIn(c.user);
    const continueAt = await signOut(browser.cookie);
    expect(continueAt.startsWith(`${idp.origin}/slo?SAMLRequest=`)).toBe(true);
    expect((await c.logout.readRequest(continueAt)).signed).toBe(true);
  });
});

describe('NameID qualifiers in single logout', () => {
  it('our LogoutRequest carries the qualifiers of sign-in; the provider’s must match them to end a session', async () => {
    const nameQualifier = idp.entityId;
    const c0 = await connectedPartner(idp.metadataXml);
    const spNameQualifier = `${PUBLIC_URL}/sso/saml/${c0.connectionId}`;
    const c = { ...c0, user: { ...c0.user, nameQualifier, spNameQualifier } };

    const first = await signIn(c.user);
    const request = await c.logout.readRequest(await signOut(first.cookie));
    expect(request.nameIdElement).toContain(`NameQualifier="${nameQualifier}"`);
    expect(request.nameIdElement).toContain(`SPNameQualifier="${spNameQualifier}"`);

    const browser = await signIn(c.user);
    const status = async (r: { url: string }) => {
      const u = new URL(r.url);
      const res = await t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
      expect(res.statusCode, res.body).toBe(302);
      return inflateRawSync(Buffer.from(new URL(String(res.headers.location)).searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
    };
    const other = await status(c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex, nameQualifier: 'https://another-idp.example/' }));
    expect(other).toContain('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
    expect((await me(browser.cookie)).status).toBe(200);
    const otherSp = await status(c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex, spNameQualifier: 'https://another-sp.example/' }));
    expect(otherSp).toContain('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
    expect((await me(browser.cookie)).status).toBe(200);

    const right = await status(c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex, nameQualifier, spNameQualifier }));
    expect(right).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect((await me(browser.cookie)).status).toBe(401);
  });
});
