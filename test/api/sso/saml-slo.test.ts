/**
 * SAML Single Logout (saml-profiles §4.4) through the server's routes, against the samlify identity provider on
 * loopback (an independent implementation: a test passes only when both agree on the wire).
 *
 *  - started here: signing out of a portal session a SAML connection opened ends it at once and sends the browser
 *    to the provider's SingleLogoutService with a LogoutRequest signed with our key, naming the NameID and
 *    SessionIndex of that sign-in; the provider's signed LogoutResponse at our SingleLogoutService lands on the
 *    signed-out page, once.
 *  - started at the provider: its signed LogoutRequest (Redirect or POST binding) ends exactly the session with that
 *    SessionIndex — a second browser's session of the same person stays — and is answered with our signed
 *    LogoutResponse. Unsigned, another issuer, expired, addressed elsewhere or replayed: a page in words, nothing ended.
 *  - a provider whose metadata names no SingleLogoutService: sign-out ends the session here only.
 */
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startDnsServer, type TestDnsServer } from '../../helpers/dns-server.ts';
import { Client } from '../../helpers/http.ts';
import { samlConnectedPartner } from '../../helpers/saml-connection.ts';
import { CLASS_REF, startSamlIdp, type IdpUser, type SamlIdp } from '../../helpers/saml-idp.ts';
import { idpLogout, sloPage, type LogoutVariant } from '../../helpers/saml-idp-logout.ts';

/** the test configuration's PUBLIC_URL (test/helpers/config.ts) */
const PUBLIC_URL = 'http://localhost:8080';
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

/** A partner with a verified domain and a SAML connection to the test provider (its metadata as given). */
async function connectedPartner(metadataXml = idp.metadataXml) {
  const { partner, owner, domain, connectionId } = await samlConnectedPartner(t, dns, { metadataXml, domainPrefix: 'slo' });
  const spMetadata = (await t.app.inject({ method: 'GET', url: `/sso/saml/${connectionId}/metadata` })).body;
  idp.trust(spMetadata);
  const user: IdpUser = { nameId: `ada@${domain}`, email: `ada@${domain}`, name: 'Ada Example', groups: [], authnContextClassRef: CLASS_REF.mfa };
  return { partner, owner, connectionId, spMetadata, user, logout: idpLogout(idp, spMetadata) };
}

/** One browser's sign-in through the provider: its portal session cookie and the SessionIndex the provider gave it. */
async function signIn(user: IdpUser): Promise<{ cookie: string; sessionIndex: string }> {
  const start = await t.app.inject({ method: 'GET', url: `/sso/start?email=${encodeURIComponent(user.email!)}` });
  expect(start.statusCode, start.body).toBe(302);
  const binding = String(start.headers['set-cookie']).match(/partnergate_sso_flow=([^;]+)/)![1];
  await fetch(String(start.headers.location));
  const seen = idp.requests.at(-1)!;
  const SAMLResponse = await idp.response({ user, inResponseTo: seen.id });
  const sessionIndex = /SessionIndex="([^"]+)"/.exec(Buffer.from(SAMLResponse, 'base64').toString('utf8'))![1];
  const landed = await t.app.inject({
    method: 'POST',
    url: new URL(/Destination="([^"]+)"/.exec(Buffer.from(SAMLResponse, 'base64').toString('utf8'))![1]).pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `partnergate_sso_flow=${binding}` },
    payload: new URLSearchParams({ SAMLResponse, RelayState: seen.relayState }).toString(),
  });
  expect(landed.statusCode, landed.body).toBe(302);
  return { cookie: String(landed.headers['set-cookie']).match(/partnergate_session=([^;]+)/)![1], sessionIndex };
}

const me = (cookie: string) => new Client(t.app).request('GET', '/api/v1/me', undefined, { cookie: `partnergate_session=${cookie}` });

/** A URL or form from the provider, brought to our SingleLogoutService by the browser. */
function toOurSlo(m: { url: string; form?: Record<string, string> }) {
  const u = new URL(m.url);
  if (!m.form) return t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
  return t.app.inject({ method: 'POST', url: u.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(m.form).toString() });
}

describe('SAML single logout', () => {
  it('our metadata publishes the SingleLogoutService for both bindings at the connection’s /slo address', async () => {
    const c = await connectedPartner();
    const slo = `${PUBLIC_URL}/sso/saml/${c.connectionId}/slo`;
    expect(c.spMetadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${slo}"/>`);
    expect(c.spMetadata).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${slo}"/>`);
  });

  it('signing out here ends the session first, then the provider gets our signed LogoutRequest and its LogoutResponse lands on the signed-out page once', async () => {
    const c = await connectedPartner();
    const browser = await signIn(c.user);
    const csrf = (await me(browser.cookie)).body.csrf_token as string;
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `partnergate_session=${browser.cookie}`, 'x-csrf-token': csrf } });
    expect(out.statusCode, out.body).toBe(200);
    const continueAt = JSON.parse(out.body).continue_at as string;
    expect(continueAt.startsWith(`${idp.origin}/slo?`)).toBe(true);
    expect((await me(browser.cookie)).status).toBe(401);

    const request = await c.logout.readRequest(continueAt); // samlify verified the signature with the certificate in our metadata
    expect(request).toMatchObject({ signed: true, nameId: c.user.nameId, sessionIndex: browser.sessionIndex, destination: `${idp.origin}/slo`, issuer: `${PUBLIC_URL}/sso/saml/${c.connectionId}` });

    // the provider's own sign-out page, as a browser reaches it, links back with the same kind of answer
    idp.onSlo = sloPage(c.logout);
    const providerPage = await fetch(continueAt);
    expect(providerPage.status, await providerPage.clone().text()).toBe(200);
    expect(await providerPage.text()).toContain(`${PUBLIC_URL}/sso/saml/${c.connectionId}/slo?SAMLResponse=`);
    const answer = c.logout.respond(request);
    expect(answer.startsWith(`${PUBLIC_URL}/sso/saml/${c.connectionId}/slo?SAMLResponse=`)).toBe(true);
    const landed = await toOurSlo({ url: answer });
    expect(landed.statusCode, landed.body).toBe(302);
    expect(landed.headers.location).toBe('/sso/signed-out');
    const again = await toOurSlo({ url: answer });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('You are signed out here');
  });

  it('a LogoutRequest from the provider ends only the session it names, and is answered with our signed Success; by POST too', async () => {
    const c = await connectedPartner();
    const first = await signIn(c.user);
    const second = await signIn(c.user);
    const third = await signIn(c.user);
    expect(first.sessionIndex).not.toBe(second.sessionIndex);

    const sent = c.logout.request({ nameId: c.user.nameId, sessionIndex: first.sessionIndex });
    const answered = await toOurSlo(sent);
    expect(answered.statusCode, answered.body).toBe(302);
    const back = new URL(String(answered.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(`${idp.origin}/slo`);
    expect(back.searchParams.get('Signature')).toBeTruthy();
    const response = inflateRawSync(Buffer.from(back.searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
    expect(response).toContain(`InResponseTo="${sent.id}"`);
    expect(response).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect((await me(first.cookie)).status).toBe(401);
    expect((await me(second.cookie)).status).toBe(200);

    const posted = c.logout.request({ nameId: c.user.nameId, sessionIndex: second.sessionIndex, binding: 'post' });
    expect(posted.form).toBeTruthy();
    const byPost = await toOurSlo(posted);
    expect(byPost.statusCode, byPost.body).toBe(302);
    expect((await me(second.cookie)).status).toBe(401);
    expect((await me(third.cookie)).status).toBe(200);
  });

  it('unsigned, from another issuer, expired, addressed elsewhere or replayed: a page in words, nobody signed out', async () => {
    const c = await connectedPartner();
    const browser = await signIn(c.user);
    const variants: LogoutVariant[] = ['unsigned', 'wrong_issuer', 'expired', 'wrong_destination'];
    for (const variant of variants) {
      for (const binding of ['redirect', 'post'] as const) {
        const refused = await toOurSlo(c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex, variant, binding }));
        expect(refused.statusCode, `${variant} ${binding}`).toBe(400);
        expect(refused.headers['content-type']).toContain('text/html');
        expect(refused.body).toContain('This sign-out request could not be checked');
        expect((await me(browser.cookie)).status, `${variant} ${binding}`).toBe(200);
      }
    }
    // another connection's SingleLogoutService is not this one's
    const other = await connectedPartner();
    const foreign = c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex });
    const misdelivered = await toOurSlo({ url: foreign.url.replace(c.connectionId, other.connectionId) });
    expect(misdelivered.statusCode).toBe(400);
    expect((await me(browser.cookie)).status).toBe(200);

    // a good one for a session that has already ended here: Requester/UnknownPrincipal, then its replay is refused
    const good = c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex });
    expect((await toOurSlo(good)).statusCode).toBe(302);
    expect((await me(browser.cookie)).status).toBe(401);
    const replay = await toOurSlo(good);
    expect(replay.statusCode).toBe(400);
    const unknown = await toOurSlo(c.logout.request({ nameId: c.user.nameId, sessionIndex: browser.sessionIndex }));
    const status = inflateRawSync(Buffer.from(new URL(String(unknown.headers.location)).searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
    expect(status).toContain('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
  });

  it('a provider whose metadata names no SingleLogoutService: signing out ends the session here only', async () => {
    const c = await connectedPartner(idp.metadataXml.replace(/<(?:\w+:)?SingleLogoutService\b[^>]*(?:\/>|>\s*<\/(?:\w+:)?SingleLogoutService>)/g, ''));
    const browser = await signIn(c.user);
    const csrf = (await me(browser.cookie)).body.csrf_token as string;
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `partnergate_session=${browser.cookie}`, 'x-csrf-token': csrf } });
    expect(out.statusCode).toBe(204);
    expect((await me(browser.cookie)).status).toBe(401);
  });
});
