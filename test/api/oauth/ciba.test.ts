/**
 * CIBA (OpenID Client-Initiated Backchannel Authentication Core 1.0) end to end, driven by
 * openid-client's CIBA functions against the real server:
 *  - poll mode: the app asks with a login_hint (tenant id, account number, an admin's e-mail),
 *    the customer's admin sees the request in words and approves → tokens carrying the customer's
 *    and the partner's claims, which the gateway admits; the consent is the redirect flow's
 *    (a consent delegation, audited);
 *  - refusal → access_denied; no answer → expired_token; polling too fast → slow_down;
 *  - an unknown account and another partner's own organization are refused alike;
 *  - ping mode: a real HTTP receiver is called with the auth_req_id once the customer decided;
 *  - the customer's MFA policy: approving needs a second factor in the session;
 *  - discovery advertises what is supported; the operator's switch turns it off per partner.
 * Both databases.
 */
import { createServer, type Server } from 'node:https';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { localhostCertificate } from '../auditstream/receivers.ts';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as oidc from 'openid-client';
import { customer, decodeJwt, oidcClient, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  // the ping receiver is on this machine (loopback): the outbound address policy lets it be reached here
  t = await startOAuthApp({ config: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
});
afterAll(async () => {
  await t?.close();
});

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

async function cibaApp(ciba: { delivery_mode: 'poll' | 'ping'; notification_endpoint?: string }, capabilities?: ('delegated' | 'wholesale' | 'managed_services')[]): Promise<RegisteredApp> {
  const app = await partnerWithApp(t, { name: 'Roaming Insights', capabilities });
  const owner = await app.partner.owner.login();
  const r = await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { ciba });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.ciba).toEqual({ delivery_mode: ciba.delivery_mode, notification_endpoint: ciba.notification_endpoint ?? null });
  return app;
}

async function ask(app: RegisteredApp, loginHint: string, extra: Record<string, string> = {}) {
  const config = await oidcClient(t, app.clientId, app.secret);
  const res = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid orders.read', login_hint: loginHint, binding_message: 'Order 4711', ...extra }).catch((e: { cause?: unknown }) => {
    throw new Error(JSON.stringify(e.cause));
  });
  return { config, res };
}

async function waiting(tenant: TestTenant) {
  const admin = await tenant.admin.login();
  const r = await admin.get<any>(`/api/v1/tenants/${tenant.id}/ciba-requests`);
  expect(r.status).toBe(200);
  return { admin, list: r.body.data as { id: string; partner: { name: string }; app: { name: string }; permissions: { scope: string; description: string }[]; binding_message: string | null; expires_at: string }[] };
}

function approval(tenant: TestTenant) {
  return { ban_ids: [tenant.bans[0].id], bill_to: tenant.bans[0].id, duration_days: 30 };
}

describe('CIBA poll mode', () => {
  it('approve: tokens with the customer’s and the partner’s claims, admitted by the gateway, from the consent flow’s delegation', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    const { config, res } = await ask(app, tenant.id);
    expect(res.auth_req_id).toBeTruthy();
    expect(res.expires_in).toBeGreaterThan(0);

    const { admin, list } = await waiting(tenant);
    expect(list).toHaveLength(1);
    // the customer's admins are told: the bell, and an e-mail
    await t.services.notifications.worker.tick();
    const notices = (await admin.get<any>('/api/v1/me/notifications?limit=100')).body.data as { type: string; title: string; link: string | null }[];
    expect(notices.find((n) => n.type === 'consent.requested')).toMatchObject({ title: `An app of ${app.partner.name} asks to act for ${tenant.name}`, link: `/tenant/${tenant.id}/consent-requests` });
    const mails = await t.testDb.db.kysely.selectFrom('mail_outbox').select('subject').where('to_addr', '=', tenant.admin.email).execute();
    expect(mails.map((m) => m.subject)).toContain(`An app of ${app.partner.name} asks to act for ${tenant.name}`);
    expect(list[0].app.name).toBe('Roaming Insights');
    expect(list[0].partner.name).toBe(app.partner.name);
    expect(list[0].binding_message).toBe('Order 4711');
    expect(list[0].permissions.map((p) => p.scope)).toEqual(['orders.read']);
    expect(list[0].permissions[0].description).not.toBe('orders.read');

    const ok = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, approval(tenant));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...res, interval: 0 });
    const claims = decodeJwt(tokens.access_token).payload;
    expect(claims).toMatchObject({ tenant_id: tenant.id, partner_id: app.partner.id, dlg: ok.body.delegation_id, client_id: app.clientId });
    expect(String(claims.scope).split(' ')).toContain('orders.read');

    const gw = await fetch(`${t.url}/resources/v1/orders?ban=${tenant.bans[0].account_number}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(gw.status).toBe(200);

    const dlg = await t.testDb.db.kysely.selectFrom('delegations').select(['origin', 'status', 'client_id']).where('id', '=', ok.body.delegation_id).executeTakeFirstOrThrow();
    expect(dlg).toEqual({ origin: 'consent', status: 'active', client_id: app.clientId });
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select('action').where('tenant_id', '=', tenant.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['oauth.ciba_requested', 'oauth.consent_granted']));
    // decided: no longer waiting, and a second decision is refused
    expect((await waiting(tenant)).list).toHaveLength(0);
    const again = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/deny`, {});
    expect([again.status, again.body.code]).toEqual([409, 'ciba_request_decided']);
  });

  it('resolves an account number and an administrator’s e-mail address to the customer', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    await ask(app, tenant.bans[1].account_number);
    await ask(app, tenant.admin.email);
    expect((await waiting(tenant)).list).toHaveLength(2);
  });

  it('refuse → access_denied', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    const { config, res } = await ask(app, tenant.id);
    const { admin, list } = await waiting(tenant);
    const no = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/deny`, {});
    expect(no.status).toBe(204);
    await expect(oidc.pollBackchannelAuthenticationGrant(config, { ...res, interval: 0 })).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('polling before the interval → slow_down; pending → authorization_pending; no answer → expired_token', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    const { res } = await ask(app, tenant.id, { requested_expiry: '60' });
    expect(res.expires_in).toBe(60);
    const auth = { clientId: app.clientId, secret: app.secret };
    const first = await tokenRequest(t, auth, { grant_type: CIBA_GRANT, auth_req_id: res.auth_req_id });
    expect([first.status, first.body.error]).toEqual([400, 'authorization_pending']);
    const second = await tokenRequest(t, auth, { grant_type: CIBA_GRANT, auth_req_id: res.auth_req_id });
    expect([second.status, second.body.error]).toEqual([400, 'slow_down']);
    // the request lives the minute the app asked for; a poll after it (and after the interval) is told it
    // expired. The clock moves instead of the test waiting, so a slow machine cannot expire it early.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      const late = await tokenRequest(t, auth, { grant_type: CIBA_GRANT, auth_req_id: res.auth_req_id });
      expect([late.status, late.body.error]).toEqual([400, 'expired_token']);
      expect((await waiting(tenant)).list).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an unknown account and another partner’s own organization are refused alike', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const wholesaler = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const home = (await t.testDb.db.kysely.selectFrom('partners').select('home_tenant_id').where('id', '=', wholesaler.partner.id).executeTakeFirstOrThrow()).home_tenant_id;
    expect(home).toBeTruthy();
    const config = await oidcClient(t, app.clientId, app.secret);
    const answers = [];
    for (const hint of ['tnt_00000000000000000000000000', 'NO-SUCH-ACCOUNT', 'nobody@example.invalid', home!]) {
      const e = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid orders.read', login_hint: hint }).catch((err: { error?: string; error_description?: string; status?: number }) => err);
      answers.push({ error: (e as { error?: string }).error, description: (e as { error_description?: string }).error_description });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].error).toBe('unknown_user_id');
    // a wrong secret at the backchannel endpoint is a failed client authentication (and counted by the throttle)
    const bad = await fetch(`${t.issuer}/backchannel`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:wrong`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ scope: 'openid orders.read', login_hint: home! }) });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
  });

  it('needs a second factor when the customer’s policy requires it', async () => {
    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    await ask(app, tenant.id);
    const { admin, list } = await waiting(tenant);
    const set = await admin.put<any>(`/api/v1/tenants/${tenant.id}/mfa-policy`, { partner_people_required: true });
    expect(set.status, JSON.stringify(set.body)).toBeLessThan(300);
    const no = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, approval(tenant));
    expect([no.status, no.body.code]).toEqual([403, 'ciba_mfa_required']);
  });

  it('discovery advertises poll and ping; the operator switches CIBA off per partner', async () => {
    const meta = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta.backchannel_token_delivery_modes_supported).toEqual(['poll', 'ping']);
    expect(meta.backchannel_authentication_endpoint).toBe(`${t.issuer}/backchannel`);
    expect(meta.grant_types_supported).toContain(CIBA_GRANT);
    expect(meta.backchannel_user_code_parameter_supported).toBe(false);

    const app = await cibaApp({ delivery_mode: 'poll' });
    const tenant = await customer(t);
    // the app has asked before: what the server made of it then does not outlast the switch
    const { config } = await ask(app, tenant.id);
    const operator = await (await t.world.operator()).login();
    const switchCiba = async (on: boolean) => {
      const r = await operator.put<any>(`/api/v1/partners/${app.partner.id}/configuration/features`, { value: { 'oauth.ciba': on } });
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    };
    await switchCiba(false);
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'openid orders.read', login_hint: tenant.id })).rejects.toMatchObject({ error: 'unauthorized_client' });
    await switchCiba(true);
    await expect(oidc.initiateBackchannelAuthentication(config, { scope: 'openid orders.read', login_hint: tenant.id })).resolves.toMatchObject({ auth_req_id: expect.any(String) });
  });
});

describe('CIBA ping mode', () => {
  let receiver: Server;
  const pings: { authorization: string | undefined; body: string }[] = [];
  let notified: () => void = () => undefined;
  let trusted: string[] = [];
  beforeAll(async () => {
    // CIBA §4: the notification endpoint is https; this process trusts the receiver's own certificate
    const tlsCert = localhostCertificate();
    trusted = getCACertificates('default');
    setDefaultCACertificates([...trusted, tlsCert.cert]);
    receiver = createServer({ key: tlsCert.key, cert: tlsCert.cert }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        pings.push({ authorization: req.headers.authorization, body });
        res.statusCode = 204;
        res.end();
        notified();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    setDefaultCACertificates(trusted);
    await new Promise((r) => receiver.close(r));
  });

  it('the app is pinged with its token once the customer approved, then collects the tokens', async () => {
    const endpoint = `https://localhost:${(receiver.address() as AddressInfo).port}/ciba`;
    const app = await cibaApp({ delivery_mode: 'ping', notification_endpoint: endpoint });
    const tenant = await customer(t);
    const { config, res } = await ask(app, tenant.id, { client_notification_token: 'ping-secret-123' });
    const { admin, list } = await waiting(tenant);
    const pinged = new Promise<void>((r) => (notified = r));
    const ok = await admin.post<any>(`/api/v1/tenants/${tenant.id}/ciba-requests/${list[0].id}/approve`, approval(tenant));
    expect(ok.status).toBe(200);
    await pinged;
    expect(pings.at(-1)).toEqual({ authorization: 'Bearer ping-secret-123', body: JSON.stringify({ auth_req_id: res.auth_req_id }) });
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...res, interval: 0 });
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ tenant_id: tenant.id, partner_id: app.partner.id });
  });
});
