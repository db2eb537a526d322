/**
 * A login_hint naming a customer a wholesaler resold follows the reach rules (authz/reach.ts), at
 * the backchannel endpoint (CIBA) and in a JWT bearer assertion's sub alike:
 *  - the wholesaler, which reaches its resold customer through its wholesale delegation, asks it
 *    by tenant id and by account number;
 *  - another partner naming that customer is refused exactly like an unknown account (same error,
 *    same description), so the answer never tells that the customer exists — but the operator's
 *    audit log says why ("refused: the app's partner does not reach this customer"), a row neither
 *    that partner nor the customer sees; an unknown account leaves no such row.
 * Both databases.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique } from '../../helpers/world.ts';
import { oidcClient, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(async () => {
  await t?.close();
});

async function cibaApp(capabilities: ('delegated' | 'wholesale')[], extra: Record<string, unknown> = {}): Promise<RegisteredApp> {
  const app = await partnerWithApp(t, { name: 'Roaming Insights', capabilities, ...extra });
  const owner = await app.partner.owner.login();
  const r = await owner.patch<any>(`/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, { ciba: { delivery_mode: 'poll' } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return app;
}

type Answer = { error?: string; description?: string; auth_req_id?: string };

/** The operator's view of the refusals of a customer an app may not ask for, for one app. */
async function refusals(clientId: string): Promise<{ outcome: string; details: Record<string, unknown> }[]> {
  const operator = await (await t.world.operator()).login();
  const r = await operator.get<any>(`/api/v1/audit-events?action=oauth.customer_refused&target_id=${clientId}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data;
}

async function ask(app: RegisteredApp, hint: string): Promise<Answer> {
  const config = await oidcClient(t, app.clientId, app.secret);
  return oidc.initiateBackchannelAuthentication(config, { scope: 'openid orders.read', login_hint: hint }).then(
    (r) => ({ auth_req_id: r.auth_req_id }),
    (e: { error?: string; error_description?: string }) => ({ error: e.error, description: e.error_description }),
  );
}

describe('login_hint of a resold customer', () => {
  let wholesaler: RegisteredApp;
  let resold: { id: string; ban: string };
  beforeAll(async () => {
    wholesaler = await cibaApp(['delegated', 'wholesale']);
    const owner = await wholesaler.partner.owner.login();
    const slug = unique('resold');
    const r = await owner.post<any>(`/api/v1/partners/${wholesaler.partner.id}/resold-tenants`, { name: 'Fabrikam Bakery', slug, billing_account_name: 'Bakery main' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    resold = { id: r.body.resold.tenant.id, ban: r.body.resold.billing_accounts[0].account_number };
  });

  it('the wholesaler that resold the customer asks it by tenant id and by account number', async () => {
    expect((await ask(wholesaler, resold.id)).auth_req_id).toBeTruthy();
    expect((await ask(wholesaler, `ban:${resold.ban}`)).auth_req_id).toBeTruthy();
  });

  it('another partner naming that customer is answered exactly like an unknown account', async () => {
    const other = await cibaApp(['delegated']);
    const answers = [await ask(other, resold.id), await ask(other, resold.ban), await ask(other, 'tnt_00000000000000000000000000'), await ask(other, 'NO-SUCH-ACCOUNT')];
    expect(answers[0]).toMatchObject({ error: 'unknown_user_id' });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    // the reach check ran: the two that named the resold customer are in the operator's log with why, the unknown ones are not
    const rows = await refusals(other.clientId);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ outcome: 'denied', details: { via: 'ciba', reason: 'not_reached', refused: "refused: the app's partner does not reach this customer", customer_tenant_id: resold.id, app_partner_id: other.partner.id } });
    // and neither the asking partner nor the customer sees it
    const partnerLog = await (await other.partner.owner.login()).get<any>(`/api/v1/partners/${other.partner.id}/audit-events?action=oauth.customer_refused`);
    expect(partnerLog.body.data).toEqual([]);
  });

  it('a JWT bearer assertion of another partner naming that customer is refused like one naming an unknown account', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const other = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, scopes: ['openid', 'orders.read'] });
    const grant = async (sub: string) => {
      const now = Math.floor(Date.now() / 1000);
      const sign = (claims: { sub: string; aud: string }) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(other.clientId).setSubject(claims.sub).setAudience(claims.aud).setIssuedAt(now).setExpirationTime(now + 60).setJti(randomUUID()).sign(privateKey);
      const r = await tokenRequest(t, null, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await sign({ sub, aud: t.issuer }), client_id: other.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await sign({ sub: other.clientId, aud: t.issuer }) });
      return { status: r.status, error: r.body.error, description: r.body.error_description };
    };
    const named = await grant(resold.id);
    expect(named).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await grant('tnt_00000000000000000000000000')).toEqual(named);
    const rows = await refusals(other.clientId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'denied', details: { via: 'jwt_bearer', reason: 'not_reached', refused: "refused: the app's partner does not reach this customer", customer_tenant_id: resold.id } });
  });
});
