/**
 * A refresh checks the consent behind its grant — its delegation active and in its window, its
 * tenant active, the consenting admin as they are now — from a record the token endpoint keeps
 * between refreshes until the change feed delivers a change of it. So a change that leaves the
 * grant's tokens in place must still stop the next refresh: the operator suspending the customer
 * (the refresh is refused and the app told invalid_grant; reactivated, the same refresh token
 * works again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlowTokens, customer, decodeJwt, partnerWithApp, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from './oauth-helpers.ts';
import type { TestTenant } from '../../helpers/world.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t);
  tenant = await customer(t);
});
afterAll(() => t?.close());

const refresh = (token: string) => tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: token });

describe('the consent a refresh is checked against follows the database', () => {
  it('a customer suspended after a refresh stops the next one; reactivated, the refresh token works again', async () => {
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, tenant.admin, 'openid orders.read offline_access');
    // a first refresh: the consent is now kept by the token endpoint
    const first = await refresh(tokens.refresh_token!);
    expect(first.status).toBe(200);
    const operator = await (await t.world.operator()).login();
    expect((await operator.patch(`/api/v1/tenants/${tenant.id}`, { status: 'suspended' })).status).toBe(200);

    const refused = await refresh(String(first.body.refresh_token));
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    expect((await operator.patch(`/api/v1/tenants/${tenant.id}`, { status: 'active' })).status).toBe(200);
    const again = await refresh(String(first.body.refresh_token));
    expect(again.status).toBe(200);
    expect(decodeJwt(String(again.body.access_token)).payload).toMatchObject({ tenant_id: tenant.id });
  });
});
