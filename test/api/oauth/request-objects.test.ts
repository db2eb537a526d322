/**
 * Signed request objects (RFC 9101) at the authorization endpoint, sent by openid-client
 * (buildAuthorizationUrlWithJAR) for an app with registered keys: a signed one starts the sign-in;
 * an unsigned one (`alg: none`), one signed by a key the app never registered and an expired one
 * are refused with invalid_request_object. Both databases.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK, partnerWithApp, pkce, startOAuthApp, UserAgent, type OAuthTestApp } from './oauth-helpers.ts';

let t: OAuthTestApp;

beforeAll(async () => {
  t = await startOAuthApp();
});
afterAll(async () => {
  await t?.close();
});

async function keyed() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const app = await partnerWithApp(t, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
  const config = await oidc.discovery(new URL(t.issuer), app.clientId, undefined, oidc.PrivateKeyJwt({ key: privateKey, kid: 'k1' }), { execute: [oidc.allowInsecureRequests] });
  return { app, config, privateKey };
}

/** Where the authorization endpoint sends the browser: the sign-in (ours), or back to the app with an error, or an error page. */
async function outcome(url: string): Promise<{ signIn: boolean; error: string | null }> {
  const r = await new UserAgent().request(url);
  // a request whose redirect_uri cannot be trusted is answered by an error page, not a redirect
  if (!r.location) return { signIn: false, error: /invalid_request_object/.test(r.body) ? 'invalid_request_object' : `page ${r.status}: ${r.body.slice(0, 200)}` };
  const to = new URL(r.location ?? url);
  return { signIn: to.href.startsWith(t.url) && !to.searchParams.has('error'), error: to.searchParams.get('error') };
}

describe('signed request objects', () => {
  it('a request object signed with the app’s key starts the sign-in; discovery says so', async () => {
    const { config, privateKey } = await keyed();
    const p = await pkce();
    const url = await oidc.buildAuthorizationUrlWithJAR(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state }, { key: privateKey, kid: 'k1' });
    expect(url.searchParams.get('request')).toBeTruthy();
    expect(await outcome(url.href)).toEqual({ signIn: true, error: null });
    const disc = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(disc.request_parameter_supported).toBe(true);
    expect(disc.request_object_signing_alg_values_supported).not.toContain('none');
  });

  it('unsigned, signed by a stranger’s key, or expired → invalid_request_object', async () => {
    const { app, privateKey } = await keyed();
    const p = await pkce();
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: app.clientId, aud: t.issuer, client_id: app.clientId, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state };
    const sign = (key: CryptoKey, exp: number) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuedAt(now).setExpirationTime(exp).sign(key);
    const at = (request: string) => `${t.issuer}/auth?client_id=${app.clientId}&request=${request}`;

    expect(await outcome(at(await sign(privateKey, now + 60)))).toEqual({ signIn: true, error: null });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, exp: now + 60 })).toString('base64url')}.`;
    expect((await outcome(at(none))).error).toBe('invalid_request_object');
    const stranger = (await generateKeyPair('ES256')).privateKey;
    expect((await outcome(at(await sign(stranger, now + 60)))).error).toBe('invalid_request_object');
    expect((await outcome(at(await sign(privateKey, now - 60)))).error).toBe('invalid_request_object');
    const noExp = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    expect((await outcome(at(noExp))).error).toBe('invalid_request_object');
  });
});
