/**
 * OpenID Shared Signals as a partner app meets it: the transmitter metadata, its own stream
 * managed with its client-credentials token (ssf.manage), and CAEP events pushed (RFC 8935) to a
 * real receiver on loopback, which verifies each SET against the published JWKS (jose's
 * createRemoteJWKSet over HTTP): a break-glass arrives within a second, a receiver that was down
 * gets it once it is back (retried from the same signed SET), a receiver's 400 is final; every
 * refusal is problem+json with a stable code. The portal's "Security events" routes too. Both databases.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { CAEP_CREDENTIAL_CHANGE, CAEP_SESSION_REVOKED, SSF_VERIFICATION } from '../../../src/modules/ssf/index.ts';
import { Client } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { link } from '../gateway/helpers.ts';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { payloadOf, Receiver, type Received } from './receiver.ts';

const clock = new ManualClock();
let t: OAuthTestApp;
let app: RegisteredApp;
let token: string;
let receiver: Receiver;
let tenant: TestTenant;
let streamId: string;

const asTestApp = () => t as unknown as TestApp;
const caller = (bearer: string | null = token) => {
  const c = new Client(t.app);
  c.bearer = bearer;
  return c;
};
const eventOf = (r: Received) => Object.keys((payloadOf(r.body).events as Record<string, unknown>) ?? {})[0];

async function verifySet(jwt: string) {
  const meta = (await new Client(t.app).get('/.well-known/ssf-configuration')).body as { jwks_uri: string; issuer: string };
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
  return jwtVerify(jwt, jwks, { issuer: meta.issuer, audience: app.clientId, typ: 'secevent+jwt' });
}

beforeAll(async () => {
  t = await startOAuthApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '5000' } });
  app = await partnerWithApp(t, { capabilities: ['managed_services'], grant_types: ['client_credentials'], scopes: ['ssf.manage'] });
  const r = await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'ssf.manage' });
  expect(r.status).toBe(200);
  token = String(r.body.access_token);
  receiver = await new Receiver().start();
  tenant = await t.world.tenant();
}, 120_000);
afterAll(async () => {
  await receiver?.stop();
  await t?.close();
});
beforeEach(() => {
  clock.set(Date.now());
  receiver.answer = { status: 202 };
});

describe('transmitter metadata (SSF 1.0 §7)', () => {
  it('names the issuer, the keys SETs are signed with, push delivery and the stream endpoints, without credentials', async () => {
    const r = await new Client(t.app).get('/.well-known/ssf-configuration');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      spec_version: '1_0',
      issuer: t.url,
      jwks_uri: `${t.url}/oauth/jwks`,
      delivery_methods_supported: ['urn:ietf:rfc:8935'],
      configuration_endpoint: `${t.url}/ssf/streams`,
      status_endpoint: `${t.url}/ssf/streams/status`,
      verification_endpoint: `${t.url}/ssf/streams/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
  });
});

describe('stream management (SSF 1.0 §8.1)', () => {
  it('creates, reads, changes the stream; verification reaches the receiver signed and with the state', async () => {
    const created = await caller().post('/ssf/streams', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url, authorization_header: 'Bearer receiver-secret' }, events_requested: [CAEP_SESSION_REVOKED], description: 'test receiver' });
    expect(created.status).toBe(201);
    streamId = created.body.stream_id;
    expect(created.body).toMatchObject({ iss: t.url, aud: app.clientId, delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url }, events_requested: [CAEP_SESSION_REVOKED] });
    expect(JSON.stringify(created.body)).not.toContain('receiver-secret');
    expect((await caller().post('/ssf/streams', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url } })).body.code).toBe('ssf_stream_exists');

    const read = await caller().get(`/ssf/streams?stream_id=${streamId}`);
    expect([read.status, read.body.stream_id]).toEqual([200, streamId]);
    expect((await caller().get('/ssf/streams')).body).toHaveLength(1);
    const patched = await caller().patch('/ssf/streams', { stream_id: streamId, events_requested: [CAEP_SESSION_REVOKED, CAEP_CREDENTIAL_CHANGE] });
    expect(patched.body.events_requested).toEqual([CAEP_SESSION_REVOKED, CAEP_CREDENTIAL_CHANGE]);
    expect((await caller().get(`/ssf/streams/status?stream_id=${streamId}`)).body).toEqual({ stream_id: streamId, status: 'enabled' });

    const v = await caller().post('/ssf/streams/verify', { stream_id: streamId, state: 'state-123' });
    expect(v.status).toBe(204);
    const got = await receiver.waitFor((r) => eventOf(r) === SSF_VERIFICATION, 10_000);
    expect(got.headers['content-type']).toBe('application/secevent+jwt');
    expect(got.headers.authorization).toBe('Bearer receiver-secret');
    const { payload, protectedHeader } = await verifySet(got.body);
    expect(protectedHeader.typ).toBe('secevent+jwt');
    expect((payload.events as Record<string, { state?: string }>)[SSF_VERIFICATION]?.state).toBe('state-123');
  });

  it('refuses without a token, without the scope, for another stream, and bad input, as problem+json', async () => {
    const none = await caller(null).get('/ssf/streams');
    expect([none.status, none.body.code, none.headers['content-type']]).toEqual([401, 'ssf_token_required', expect.stringContaining('application/problem+json')]);
    expect((await caller('a.b.c').get('/ssf/streams')).body.code).toBe('ssf_token_invalid');
    const other = await partnerWithApp(t, { capabilities: ['managed_services'], grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
    const otherToken = String((await tokenRequest(t, other, { grant_type: 'client_credentials', scope: 'authzen.evaluate' })).body.access_token);
    const noScope = await caller(otherToken).get('/ssf/streams');
    expect([noScope.status, noScope.body.code]).toEqual([403, 'ssf_scope_required']);
    expect((await caller().get('/ssf/streams?stream_id=sst_not_mine')).body.code).toBe('ssf_stream_not_found');
    const badUrl = await caller().patch('/ssf/streams', { stream_id: streamId, delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'ftp://example.com/x' } });
    expect([badUrl.status, badUrl.body.code]).toEqual([400, 'ssf_receiver_url_not_allowed']);
    const poll = await caller().patch('/ssf/streams', { stream_id: streamId, delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: receiver.url } });
    expect([poll.status, poll.body.code]).toEqual([400, 'ssf_delivery_method_unsupported']);
    const mismatch = await caller().patch('/ssf/streams', { stream_id: streamId, iss: 'https://someone-else.example' });
    expect([mismatch.status, mismatch.body.code]).toEqual([400, 'ssf_transmitter_value_mismatch']);
    const extra = await caller().post('/ssf/streams/verify', { stream_id: streamId, surprise: 1 });
    expect(extra.status).toBe(400);
    // an address under /ssf that does not exist is Partnergate's own: problem+json, not the portal's page
    const lost = await caller(null).get('/ssf/streams/elsewhere');
    expect([lost.status, lost.body.code, lost.headers['content-type']]).toEqual([404, 'not_found', expect.stringContaining('application/problem+json')]);
  });
});

describe('CAEP events pushed (RFC 8935)', () => {
  it('a break-glass reaches the receiver within a second, signed, for the customer', async () => {
    await link(asTestApp(), app.partner, tenant, { role: 'MSP_FULL' });
    const admin = await tenant.admin.login();
    const before = receiver.received.length;
    const t0 = Date.now();
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/break-glass`, { partner_id: app.partner.id, reason: 'suspected compromise' });
    const t1 = Date.now();
    expect(r.status).toBe(200);
    const got = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && eventOf(x) === CAEP_SESSION_REVOKED, 10_000);
    const sinceRequest = got.at - t0;
    const sinceAnswer = got.at - t1;
    console.log(`break-glass → SET at the receiver: ${sinceRequest} ms after the request was sent, ${sinceAnswer} ms after it was answered`);
    expect(sinceAnswer).toBeLessThan(1000);
    const { payload } = await verifySet(got.body);
    expect(payload.aud).toBe(app.clientId);
    expect(payload.sub_id).toEqual({ format: 'complex', tenant: { format: 'opaque', id: tenant.id } });
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.txn).toBe('string');
    const ev = (payload.events as Record<string, Record<string, unknown>>)[CAEP_SESSION_REVOKED]!;
    expect(ev.initiating_entity).toBe('admin');
    expect(JSON.stringify(ev.reason_admin)).toContain('Break-glass');
  });

  it('a receiver that is down gets the SET once it is back, the same signed SET (same jti)', async () => {
    const owner = await app.partner.owner.login();
    await receiver.stop();
    const before = receiver.received.length;
    const rotated = await owner.post(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const row = async () => (await t.services.ssf.listDeliveries(streamId, 50)).find((d) => d.event_type === CAEP_CREDENTIAL_CHANGE);
    const deadline = Date.now() + 15_000;
    while (!((await row())?.attempts ?? 0)) {
      if (Date.now() > deadline) throw new Error('the first attempt was not made');
      await t.services.ssf.worker.tick();
    }
    const failed = (await row())!;
    expect(failed.status).toBe('pending');
    expect(failed.last_error).toMatch(/refused|connect|ECONNREFUSED/i);
    await receiver.start();
    // not before its backoff
    await t.services.ssf.worker.tick();
    expect(receiver.received.length).toBe(before);
    clock.advance(6_000);
    await t.services.ssf.worker.tick();
    const got = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && eventOf(x) === CAEP_CREDENTIAL_CHANGE, 10_000);
    const { payload } = await verifySet(got.body);
    expect(payload.jti).toBe(failed.jti);
    expect(payload.sub_id).toEqual({ format: 'opaque', id: app.clientId });
    expect((payload.events as Record<string, Record<string, unknown>>)[CAEP_CREDENTIAL_CHANGE]).toMatchObject({ credential_type: 'client_secret', change_type: 'update' });
    expect((await row())!.status).toBe('delivered');
    // the token was not what rotated: the app's client secret did; its access token still manages the stream
  });

  it("keeps a receiver's 400 (RFC 8935 §2.4) as refused, without retrying", async () => {
    receiver.answer = { status: 400, body: JSON.stringify({ err: 'invalid_audience', description: 'not for us' }) };
    const before = receiver.received.length;
    await caller().post('/ssf/streams/verify', { stream_id: streamId, state: 'refuse-me' });
    const got = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before, 10_000);
    const jti = payloadOf(got.body).jti;
    let row;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      row = (await t.services.ssf.listDeliveries(streamId, 20)).find((d) => d.jti === jti && d.status !== 'pending');
      if (row) break;
      await t.services.ssf.worker.tick();
    }
    expect(row).toMatchObject({ status: 'rejected', last_status_code: 400, last_error: 'invalid_audience: not for us' });
    clock.advance(3600_000);
    await t.services.ssf.worker.tick();
    expect(receiver.received.length).toBe(before + 1);
  });

  it('a paused stream keeps SETs and sends them when enabled again; the change is audited', async () => {
    expect((await caller().post('/ssf/streams/status', { stream_id: streamId, status: 'paused', reason: 'maintenance' })).body).toEqual({ stream_id: streamId, status: 'paused', reason: 'maintenance' });
    const before = receiver.received.length;
    const owner = await app.partner.owner.login();
    await owner.post(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}/rotate-secret`, {});
    await t.services.ssf.worker.tick();
    expect(receiver.received.length).toBe(before);
    await caller().post('/ssf/streams/status', { stream_id: streamId, status: 'enabled' });
    await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && eventOf(x) === CAEP_CREDENTIAL_CHANGE, 10_000);
    const audit = await t.services.audit.list({ action: 'ssf.stream_status_changed', partnerId: app.partner.id, limit: 10 } as Parameters<typeof t.services.audit.list>[0]);
    expect(audit.data.map((e) => JSON.parse(String(e.details ?? '{}')).to)).toEqual(expect.arrayContaining(['paused', 'enabled']));
  });
  it("a person removed from the partner is told to the partner's apps (session-revoked, the person as iss_sub)", async () => {
    const owner = await app.partner.owner.login();
    const before = receiver.received.length;
    const r = await owner.delete(`/api/v1/partners/${app.partner.id}/members/${app.partner.staff.id}`);
    expect(r.status).toBe(204);
    const got = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && eventOf(x) === CAEP_SESSION_REVOKED, 10_000);
    const { payload } = await verifySet(got.body);
    expect(payload.sub_id).toEqual({ format: 'iss_sub', iss: `${t.url}/oauth`, sub: app.partner.staff.id });
  });
  it("a customer's person removed is told to a distributor that reaches the customer through its reseller's link", async () => {
    const operator = await t.world.operator().then((o) => o.login());
    const reseller = await t.world.partner({ capabilities: ['managed_services'] });
    const beta = await t.world.tenant();
    expect((await operator.put(`/api/v1/partners/${reseller.id}/distributor`, { distributor_id: app.partner.id })).status).toBe(200);
    const resellerLink = (await link(asTestApp(), reseller, beta, { role: 'MSP_FULL' })).id;
    const admin = await beta.admin.login();
    expect((await admin.put(`/api/v1/tenants/${beta.id}/reseller-links/${resellerLink}/distributor-access`, { allowed: true })).status).toBe(200);
    await t.services.feed.drain();
    const before = receiver.received.length;
    expect((await admin.delete(`/api/v1/tenants/${beta.id}/members/${beta.user.id}`)).status).toBe(204);
    const got = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && eventOf(x) === CAEP_SESSION_REVOKED, 10_000);
    const { payload } = await verifySet(got.body);
    expect(payload.sub_id).toEqual({ format: 'iss_sub', iss: `${t.url}/oauth`, sub: beta.user.id });
  });
});

describe("the portal's Security events of an app", () => {
  it('lets the owner set the receiver, send a test event and read the deliveries in words; staff only read; another partner sees nothing', async () => {
    const consent = await partnerWithApp(t, { capabilities: ['delegated'] });
    const base = `/api/v1/partners/${consent.partner.id}/apps/${consent.clientId}/security-events`;
    const owner = await consent.partner.owner.login();
    const empty = await owner.get(base);
    expect(empty.status).toBe(200);
    expect(empty.body.stream).toBeNull();
    expect(empty.body.configuration_url).toBe(`${t.url}/.well-known/ssf-configuration`);
    const saved = await owner.put(base, { endpoint_url: receiver.url, events: [CAEP_SESSION_REVOKED] });
    expect(saved.status).toBe(200);
    expect(saved.body.stream).toMatchObject({ endpoint_url: receiver.url, events: [CAEP_SESSION_REVOKED], status: 'enabled', has_authorization_header: false });
    const tested = await owner.post(`${base}/test`, {});
    expect(tested.status).toBe(200);
    expect(tested.body.deliveries[0]).toMatchObject({ event: 'Test event', subject: 'This stream', status: 'delivered' });
    expect(tested.body.deliveries[0].outcome).toMatch(/^Delivered: your receiver answered 202/);
    const staff = await consent.partner.staff.login();
    expect((await staff.get(base)).status).toBe(200);
    expect((await staff.put(base, { endpoint_url: receiver.url, events: [CAEP_SESSION_REVOKED] })).status).toBe(403);
    const stranger = await app.partner.owner.login();
    expect((await stranger.get(base)).status).toBe(404);
    expect((await owner.put(base, { endpoint_url: 'http://', events: [CAEP_SESSION_REVOKED] })).status).toBe(400);
    expect((await owner.delete(base)).status).toBe(204);
    expect((await owner.get(base)).body.stream).toBeNull();
  });
});
