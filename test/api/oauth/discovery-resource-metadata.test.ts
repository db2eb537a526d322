/**
 * What the authorization server and the gateway advertise, checked against what they do:
 *  - discovery lists RS256 for ID tokens, and the ID token of a sign-in is RS256 (OpenID Connect's
 *    default for a client that registered none) while the access token stays ES256 by default;
 *    the acr and amr it carries are the ones discovery lists;
 *  - every client authentication method discovery lists for the introspection and revocation
 *    endpoints works there (and a wrong credential by that method is refused);
 *  - the gateway's protected-resource metadata (RFC 9728) at the path-suffixed and the bare
 *    well-known URL, and the `resource_metadata` parameter of the gateway's 401 challenges
 *    (RFC 9728 §5.1) leading to it.
 * Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { codeFlowTokens, customer, decodeJwt, partnerWithApp, startOAuthApp, type OAuthTestApp } from './oauth-helpers.ts';
import { ACR_VALUES } from '../../../src/modules/oauth/provider.ts';

let t: OAuthTestApp;
let discovery: Record<string, unknown>;

beforeAll(async () => {
  t = await startOAuthApp();
  discovery = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
type Method = (typeof METHODS)[number];

describe('discovery', () => {
  it('lists RS256 for ID tokens, the auth methods of introspection and revocation, acr values, acr and amr claims', () => {
    expect(discovery.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(discovery.introspection_endpoint_auth_methods_supported).toEqual([...METHODS]);
    expect(discovery.revocation_endpoint_auth_methods_supported).toEqual([...METHODS]);
    expect(discovery.acr_values_supported).toEqual([...ACR_VALUES]);
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['acr', 'amr']));
  });

  it('an ID token is RS256 and carries the acr and amr discovery lists; the access token stays ES256', async () => {
    const tenant = await customer(t);
    const app = await partnerWithApp(t);
    const tokens = await codeFlowTokens(t, app.clientId, app.secret, tenant.admin, 'openid profile orders.read');
    const jwks = createRemoteJWKSet(new URL(String(discovery.jwks_uri)));
    const id = await jwtVerify(tokens.id_token!, jwks, { issuer: t.issuer, audience: app.clientId, algorithms: ['RS256'] });
    expect(id.protectedHeader.alg).toBe('RS256');
    expect(ACR_VALUES as readonly string[]).toContain(id.payload.acr);
    expect(id.payload.amr).toEqual(expect.arrayContaining(['pwd']));
    expect(typeof id.payload.auth_time).toBe('number');
    const access = await jwtVerify(tokens.access_token, jwks, { issuer: t.issuer, audience: t.audience, typ: 'at+jwt' });
    expect(access.protectedHeader.alg).toBe('ES256');
  }, 60_000);
});

/** How a client sends its credentials: headers and form fields. */
interface Creds {
  headers: Record<string, string>;
  body: Record<string, string>;
}

/** A client_credentials app that authenticates only by `method`, and how it sends its credentials. */
async function appUsing(method: Method): Promise<{ clientId: string; creds: (good?: boolean) => Promise<Creds> }> {
  if (method === 'private_key_jwt') {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const wrong = (await generateKeyPair('ES256')).privateKey;
    const assertion = (key: CryptoKey) =>
      new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(app.clientId).setSubject(app.clientId).setAudience(t.issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('60s').sign(key);
    return {
      clientId: app.clientId,
      creds: async (good = true) => ({ headers: {}, body: { client_id: app.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(good ? privateKey : wrong) } }),
    };
  }
  const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'], token_endpoint_auth_methods: [method] });
  return {
    clientId: app.clientId,
    creds: async (good = true): Promise<Creds> => {
      const secret = good ? app.secret : `${app.secret}x`;
      return method === 'client_secret_basic'
        ? { headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}` }, body: {} }
        : { headers: {}, body: { client_id: app.clientId, client_secret: secret } };
    },
  };
}

async function post(path: string, creds: Creds, params: Record<string, string>) {
  const r = await fetch(`${t.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...creds.headers },
    body: new URLSearchParams({ ...params, ...creds.body }).toString(),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('each advertised introspection and revocation auth method works', () => {
  it.each(METHODS)('%s', async (method) => {
    expect(discovery.introspection_endpoint_auth_methods_supported).toContain(method);
    expect(discovery.revocation_endpoint_auth_methods_supported).toContain(method);
    const a = await appUsing(method);
    const issued = await post('/token', await a.creds(), { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(issued.status).toBe(200);
    const token = String(issued.body.access_token);

    const active = await post('/token/introspection', await a.creds(), { token });
    expect(active).toMatchObject({ status: 200, body: { active: true, client_id: a.clientId } });
    // The wrong credential by the same method is refused: the method is really checked.
    expect(await post('/token/introspection', await a.creds(false), { token })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await post('/token/revocation', await a.creds(false), { token })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });

    expect((await post('/token/revocation', await a.creds(), { token })).status).toBe(200);
    expect(await post('/token/introspection', await a.creds(), { token })).toMatchObject({ status: 200, body: { active: false } });
    // and the gateway refuses the revoked token
    expect((await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  }, 60_000);
});

describe('protected-resource metadata (RFC 9728)', () => {
  const metadataUrl = () => `${t.url}/.well-known/oauth-protected-resource/resources`;

  it('describes the gateway at the path-suffixed URL of its resource identifier, and at the bare well-known URL', async () => {
    // §3.1: the well-known segment goes between the host and the resource identifier's path.
    expect(metadataUrl()).toBe(`${new URL(t.audience).origin}/.well-known/oauth-protected-resource${new URL(t.audience).pathname}`);
    for (const url of [metadataUrl(), `${t.url}/.well-known/oauth-protected-resource`]) {
      const r = await fetch(url);
      expect(r.status, url).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = (await r.json()) as Record<string, unknown>;
      // §3.3: the resource is the identifier the metadata URL was built from (the tokens' audience)
      expect(doc.resource).toBe(t.audience);
      expect(doc.authorization_servers).toEqual([t.issuer]);
      expect(doc.scopes_supported).toEqual(expect.arrayContaining(['orders.read', 'orders.create']));
      expect(doc.scopes_supported).not.toContain('openid');
      expect(doc.bearer_methods_supported).toEqual(['header']);
      // the gateway checks DPoP proofs with the algorithms the authorization server advertises
      expect(doc.dpop_signing_alg_values_supported).toEqual(discovery.dpop_signing_alg_values_supported);
      // the gateway does not sign its responses
      expect(doc).not.toHaveProperty('resource_signing_alg_values_supported');
    }
    // The authorization server it names publishes RFC 8414 metadata for that issuer.
    const as = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server/oauth`)).json()) as { issuer: string };
    expect(as.issuer).toBe(t.issuer);
  });

  it("the gateway's 401 challenges name it in resource_metadata (§5.1), with or without a token", async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const r = await fetch(`${t.url}/resources/v1/context`, { headers });
      expect(r.status).toBe(401);
      const challenge = r.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Bearer realm="partnergate", error="invalid_(request|token)"/);
      const named = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
      expect(named).toBe(metadataUrl());
      // A client following the challenge learns where to get a token for this resource.
      const doc = (await (await fetch(named!)).json()) as { resource: string; authorization_servers: string[] };
      expect(doc.authorization_servers).toEqual([t.issuer]);
    }
    // An expired or forged token too: decodeJwt of a well-formed token signed by another key.
    const other = await new SignJWT({ client_id: 'x', scope: 'orders.read' })
      .setProtectedHeader({ alg: 'ES256', kid: 'unknown', typ: 'at+jwt' })
      .setIssuer(t.issuer).setAudience(t.audience).setSubject('x').setIssuedAt().setExpirationTime('5m')
      .sign((await generateKeyPair('ES256')).privateKey);
    expect(decodeJwt(other).header.kid).toBe('unknown');
    const r = await fetch(`${t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${other}` } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl()}"`);
  });
});
