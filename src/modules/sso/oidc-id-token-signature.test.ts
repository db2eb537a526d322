/**
 * The ID token's signature is verified against the provider's published keys. A provider on loopback (discovery,
 * JWKS and token endpoint over real HTTP) answers the code exchange with an ID token whose claims are all right
 * (issuer, audience, nonce, expiry) but which is signed by a key it does not publish: the sign-in is refused. The
 * same token signed by its published key signs the person in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcAdapter, type OidcSettings } from './oidc.adapter.ts';
import { SsoProtocolError } from './sso.types.ts';

let server: http.Server;
let issuer: string;
let published: CryptoKey;
let rogue: CryptoKey;
/** the key the token endpoint signs the next ID token with, and the nonce it puts in it */
let signWith: CryptoKey;
let nonce = '';

beforeAll(async () => {
  const pub = await generateKeyPair('RS256', { extractable: true });
  published = pub.privateKey;
  rogue = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pub.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/token' && req.method === 'POST') {
      for await (const _ of req) {
        // the form: the code and the PKCE verifier; this provider takes any
      }
      const now = Math.floor(Date.now() / 1000);
      const idToken = await new SignJWT({ nonce, email: 'ann@contoso.test', name: 'Ann' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience('partnergate')
        .setSubject('ann')
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(signWith);
      return json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function settings(): OidcSettings {
  return {
    connectionId: 'sso_sig',
    issuer,
    clientId: 'partnergate',
    authMethod: 'client_secret_basic',
    clientSecret: 's3cret',
    privateJwk: null,
    scopes: 'openid email profile',
    claims: { email: 'email', name: 'name', groups: 'groups' },
    version: '1',
  };
}

/** One sign-in: start (state, nonce, PKCE), then the provider's answer at our callback with a code. */
async function signIn(adapter: OidcAdapter) {
  const state = 'state-' + Math.random().toString(36).slice(2);
  const started = await adapter.start(settings(), state, 'https://portal.test/sso/oidc/callback');
  nonce = started.protocol.nonce;
  return adapter.finish(settings(), new URL(`https://portal.test/sso/oidc/callback?code=c0de&state=${state}`), state, started.protocol);
}

describe("the provider's ID token signature", () => {
  it('an ID token signed by a key the provider does not publish is refused, its claims all right notwithstanding', async () => {
    signWith = rogue;
    const refused = await signIn(new OidcAdapter(Date.now, { allowPrivate: true })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SsoProtocolError);
    expect((refused as SsoProtocolError).code).toBe('sso.response_invalid');
  });

  it('the same ID token signed by its published key signs the person in', async () => {
    signWith = published;
    const identity = await signIn(new OidcAdapter(Date.now, { allowPrivate: true }));
    expect(identity).toMatchObject({ subject: 'ann', email: 'ann@contoso.test', name: 'Ann' });
  });
});
