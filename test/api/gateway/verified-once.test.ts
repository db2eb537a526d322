/**
 * A token verified once per instance: a real access token (client credentials, signed by the
 * authorization server) presented again — one after the other, and on several connections at once —
 * costs the gateway one signature check in all (its verifier's counter), and a revocation still
 * refuses it on the very next request, because the token's live state is checked after the cache on
 * every request. A tampered copy never shares the genuine token's check. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerWithApp, revoke, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';

let t: OAuthTestApp;
let w: RegisteredApp;

beforeAll(async () => {
  t = await startOAuthApp();
  w = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function accessToken(): Promise<string> {
  const r = await tokenRequest(t, w, { grant_type: 'client_credentials', scope: 'orders.read' });
  expect(r.status).toBe(200);
  return String(r.body.access_token);
}

/** The token through the gateway: the reference service's context endpoint. */
async function throughGateway(token: string): Promise<{ status: number; code?: string }> {
  const r = await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await r.json()) as { code?: string };
  return { status: r.status, code: body.code };
}

const checks = () => t.services.gateway.tokens!.signatureChecks;

describe('the same token verified once', () => {
  it('answers a second presentation without a signature check, and refuses it on the next request once revoked', async () => {
    const token = await accessToken();
    const before = checks();
    expect((await throughGateway(token)).status).toBe(200);
    expect(checks()).toBe(before + 1);
    expect((await throughGateway(token)).status).toBe(200);
    expect(checks()).toBe(before + 1);

    expect((await revoke(t, w, token, 'access_token')).status).toBe(200);
    expect(await throughGateway(token)).toEqual({ status: 401, code: 'invalid_token' });
    expect(checks()).toBe(before + 1); // refused by its live state, its signature not checked again
  });

  it('checks a token arriving on several connections at once once; a tampered copy is checked on its own and refused', async () => {
    const token = await accessToken();
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const before = checks();
    const answers = await Promise.all([...Array.from({ length: 6 }, () => throughGateway(token)), throughGateway(tampered)]);
    expect(answers.slice(0, 6).map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers[6]).toEqual({ status: 401, code: 'invalid_token' });
    expect(checks()).toBe(before + 2);
  });
});
