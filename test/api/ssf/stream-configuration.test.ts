/**
 * Stream management as SSF 1.0 §8.1 writes it, for a receiver that also speaks RISC: a stream asking
 * for RISC and CAEP events (and event types no one knows) is created — unknown values are ignored,
 * events_delivered is what this transmitter sends of them, events_requested reads back as sent; a
 * configuration read, changed and PUT back whole (Transmitter-Supplied properties included) is taken;
 * the status endpoints pause and enable the stream, and a verification event asked for while paused
 * arrives once it is enabled again. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { CAEP_CREDENTIAL_CHANGE, CAEP_SESSION_REVOKED, CAEP_TOKEN_CLAIMS_CHANGE, SSF_VERIFICATION } from '../../../src/modules/ssf/index.ts';
import { Client } from '../../helpers/http.ts';
import { partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { payloadOf, Receiver, type Received } from './receiver.ts';

const RISC = (t: string) => `https://schemas.openid.net/secevent/risc/event-type/${t}`;
const CAEP = (t: string) => `https://schemas.openid.net/secevent/caep/event-type/${t}`;
/** What a RISC-and-CAEP receiver asks for: RISC's account events, CAEP's, the verification event, and one nobody defines */
const ASKED = [
  ...['account-credential-change-required', 'account-purged', 'account-disabled', 'account-enabled', 'identifier-changed', 'identifier-recycled', 'credential-compromise', 'opt-in', 'opt-out-initiated', 'opt-out-cancelled', 'opt-out-effective', 'recovery-activated', 'recovery-information-changed', 'sessions-revoked'].map(RISC),
  ...['session-revoked', 'token-claims-change', 'credential-change', 'assurance-level-change', 'device-compliance-change', 'session-established', 'session-presented', 'risk-level-change'].map(CAEP),
  SSF_VERIFICATION,
  'https://events.example.com/not-a-standard-event',
];

const clock = new ManualClock();
let t: OAuthTestApp;
let app: RegisteredApp;
let token: string;
let receiver: Receiver;

const caller = () => {
  const c = new Client(t.app);
  c.bearer = token;
  return c;
};
const eventOf = (r: Received) => Object.keys((payloadOf(r.body).events as Record<string, unknown>) ?? {})[0];

beforeAll(async () => {
  clock.set(Date.now());
  t = await startOAuthApp({ clock, config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_MS: '5000' } });
  app = await partnerWithApp(t, { capabilities: ['managed_services'], grant_types: ['client_credentials'], scopes: ['ssf.manage'] });
  token = String((await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'ssf.manage' })).body.access_token);
  receiver = await new Receiver().start();
  receiver.answer = { status: 202 };
}, 120_000);
afterAll(async () => {
  await receiver?.stop();
  await t?.close();
});

describe('a receiver asking for RISC and CAEP events', () => {
  let streamId: string;

  it('gets its stream: what it does not know is ignored, what is sent is events_delivered', async () => {
    const r = await caller().post('/ssf/streams', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url }, events_requested: ASKED });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    streamId = r.body.stream_id;
    expect(r.body.events_requested).toEqual(ASKED);
    expect([...r.body.events_delivered].sort()).toEqual([CAEP_SESSION_REVOKED, CAEP_TOKEN_CLAIMS_CHANGE, CAEP_CREDENTIAL_CHANGE].sort());
    for (const e of r.body.events_delivered) expect(r.body.events_supported).toContain(e);
    // the portal shows the events the stream is sent, not the URIs it does not understand
    const portal = await (await app.partner.owner.login()).get(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}/security-events`);
    expect(portal.status).toBe(200);
    expect([...portal.body.stream.events].sort()).toEqual([...r.body.events_delivered].sort());
  });

  it('reads its configuration, changes it and PUTs it back whole, Transmitter-Supplied properties included', async () => {
    const read = await caller().get(`/ssf/streams?stream_id=${streamId}`);
    expect(read.status).toBe(200);
    const { delivery, ...rest } = read.body;
    const put = await caller().put('/ssf/streams', { ...rest, delivery: { ...delivery }, events_requested: [CAEP_SESSION_REVOKED, RISC('account-disabled')], description: 'RISC and CAEP' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ events_requested: [CAEP_SESSION_REVOKED, RISC('account-disabled')], events_delivered: [CAEP_SESSION_REVOKED], description: 'RISC and CAEP' });
    // a Transmitter-Supplied value that is not this transmitter's is refused, and changes nothing
    for (const wrong of [{ aud: 'someone-else' }, { events_delivered: [CAEP_CREDENTIAL_CHANGE] }, { min_verification_interval: 60 }]) {
      const r = await caller().patch('/ssf/streams', { stream_id: streamId, description: 'changed?', ...wrong });
      expect([r.status, r.body.code], JSON.stringify(wrong)).toEqual([400, 'ssf_transmitter_value_mismatch']);
    }
    expect((await caller().get(`/ssf/streams?stream_id=${streamId}`)).body.description).toBe('RISC and CAEP');
  });

  it('pauses and enables through the status endpoints; a verification event asked for while paused arrives once enabled', async () => {
    const paused = await caller().post('/ssf/streams/status', { stream_id: streamId, status: 'paused', reason: 'maintenance' });
    expect(paused.body).toEqual({ stream_id: streamId, status: 'paused', reason: 'maintenance' });
    expect((await caller().get(`/ssf/streams/status?stream_id=${streamId}`)).body).toEqual({ stream_id: streamId, status: 'paused', reason: 'maintenance' });
    const n0 = receiver.received.length;
    const v = await caller().post('/ssf/streams/verify', { stream_id: streamId, state: 'while-paused' });
    expect(v.status).toBe(204);
    await t.services.ssf.worker.tick();
    expect(receiver.received.length).toBe(n0);
    expect((await t.services.ssf.listDeliveries(streamId, 5)).find((d) => d.event_type === SSF_VERIFICATION)?.status).toBe('pending');

    expect((await caller().post('/ssf/streams/status', { stream_id: streamId, status: 'enabled' })).body).toEqual({ stream_id: streamId, status: 'enabled' });
    const got = await receiver.waitFor((r) => eventOf(r) === SSF_VERIFICATION, 10_000);
    expect((payloadOf(got.body).events as Record<string, { state?: string }>)[SSF_VERIFICATION]?.state).toBe('while-paused');

    // a disabled stream keeps nothing: asking for the test event there says so
    await caller().post('/ssf/streams/status', { stream_id: streamId, status: 'disabled' });
    const off = await caller().post('/ssf/streams/verify', { stream_id: streamId });
    expect([off.status, off.body.code]).toEqual([409, 'ssf_stream_disabled']);
    const unknown = await caller().get('/ssf/streams/status?stream_id=sst_not_a_stream');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ssf_stream_not_found']);
  });
});
