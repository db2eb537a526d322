/**
 * The JWT bearer grant (RFC 7523 §2.1, `urn:ietf:params:oauth:grant-type:jwt-bearer`), as CAMARA's
 * profile uses it: a partner's app, authenticated as usual at the token endpoint, presents an
 * assertion about a customer and gets an access token acting for it — only where the customer
 * already consented to this app for what it asks.
 *
 * Steps, each a refusal (RFC 7523 §3.1 → `invalid_grant`):
 *   the assertion is signed by one of the app's registered keys (jwks / jwks_uri, as for
 *   private_key_jwt; never `none`, never a secret) → `iss` the app, `aud` the issuer or the token
 *   endpoint, `exp` at most 5 minutes ahead, a `jti` never seen before (replay refused) → `sub`
 *   names the customer the way CIBA's login_hint does (ciba.ts) → an active consent of this
 *   customer for this app whose grant holds every scope asked (`dpv:<Purpose>#<scope>` values
 *   split as at the authorization endpoint, purpose-scopes.ts) and whose delegation holds every
 *   purpose asked → issue on that consent's grant: the token carries the consent's claims (like a
 *   code flow's), is admitted by the gateway the same way and dies with the consent.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { errors, type Provider, type ResourceServer, type TokenEndpointGrantContext } from 'oidc-provider';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/database.ts';
import { parsePurposes } from '../delegations/index.ts';
import * as repo from './oauth.repo.ts';
import { splitPurposeScopes, type PurposeByDpv } from './purpose-scopes.ts';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const JWT_BEARER_PARAMS = ['assertion', 'scope', 'purpose'];
/** The longest an assertion may live ahead of now, seconds (RFC 7523 §3: a short expiry). */
export const ASSERTION_MAX_LIFETIME_SEC = 300;
const ASYMMETRIC = new Set(['RS256', 'PS256', 'ES256', 'EdDSA', 'ES384', 'PS384', 'RS384']);

export interface JwtBearerDeps {
  db: Db;
  clock: Clock;
  audience: string;
  resourceServer: (client: { scope?: string }) => ResourceServer;
  purposeByDpv: PurposeByDpv;
  /** the customer (tenant id) a CAMARA login hint names, when this app may act for it (ciba.ts); a refusal of a customer that exists is audited with its reason */
  customerFor: (clientId: string, hint: string, ctx: TokenEndpointGrantContext) => Promise<string | null>;
  onUse: (delegationId: string) => void;
}

type Client = TokenEndpointGrantContext['oidc']['client'] & { asymmetricKeyStore: { refresh(): Promise<void>; selectForVerify(o: { alg: string; kid?: string }): JWK[] } };

export function jwtBearerHandler(provider: Provider, d: JwtBearerDeps) {
  return async function jwtBearer(ctx: TokenEndpointGrantContext): Promise<void> {
    const client = ctx.oidc.client as Client;
    const params = ctx.oidc.params as Record<string, unknown>;
    if (typeof params.assertion !== 'string' || !params.assertion) throw new errors.InvalidRequest('missing required parameter assertion');
    const claims = await verifiedAssertion(ctx, client, params.assertion, d);

    const tenantId = typeof claims.sub === 'string' ? await d.customerFor(client.clientId, claims.sub, ctx) : null;
    if (!tenantId) throw new errors.InvalidGrant('the assertion’s sub names no customer this app may act for');
    const split = splitPurposeScopes(typeof params.scope === 'string' ? params.scope : undefined, d.purposeByDpv, client.scope ? new Set(client.scope.split(' ')) : undefined);
    const purposes = [...new Set([...split.purposes, ...(typeof params.purpose === 'string' ? params.purpose.split(' ').filter(Boolean) : [])])];

    const found = await consentFor(provider, d, client.clientId, tenantId, split.scopes, purposes);
    if (!found) throw new errors.InvalidGrant('the customer has not consented to this app for the scopes and purposes asked');
    const { grant, delegationId, lifetime } = found;
    const scope = (split.scopes.length > 0 ? split.scopes : (grant.getOIDCScope() ?? '').split(' ')).filter((s) => s !== 'offline_access' && s !== 'openid').join(' ');
    const rs = d.resourceServer(client);
    const token = new provider.AccessToken({
      client,
      accountId: grant.accountId,
      grantId: grant.jti,
      gty: 'jwt_bearer',
      scope: scope || undefined,
      expiresIn: Math.min(rs.accessTokenTTL ?? lifetime, lifetime),
    } as unknown as ConstructorParameters<typeof provider.AccessToken>[0]);
    token.resourceServer = new provider.ResourceServer(d.audience, rs);
    ctx.oidc.entity('Grant', grant);
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    d.onUse(delegationId);
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: token.scope || undefined };
  };
}

/** The assertion's claims once its signature, issuer, audience, expiry and uniqueness hold. */
async function verifiedAssertion(ctx: TokenEndpointGrantContext, client: Client, assertion: string, d: JwtBearerDeps): Promise<Record<string, unknown>> {
  let header: { alg?: string; kid?: string };
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw new errors.InvalidGrant('the assertion is not a JWT');
  }
  if (!header.alg || !ASYMMETRIC.has(header.alg)) throw new errors.InvalidGrant('the assertion must be signed with one of the app’s registered keys (an asymmetric algorithm)');
  await client.asymmetricKeyStore.refresh().catch(() => undefined);
  const keys = client.asymmetricKeyStore.selectForVerify({ alg: header.alg, kid: header.kid });
  let verified = false;
  for (const jwk of keys) {
    try {
      await compactVerify(assertion, await importJWK({ ...jwk }, header.alg));
      verified = true;
      break;
    } catch {
      // the next key
    }
  }
  if (!verified) throw new errors.InvalidGrant('the assertion’s signature matches none of the app’s registered keys');
  if (claims.iss !== client.clientId) throw new errors.InvalidGrant('the assertion’s iss must be the client_id');
  const accepted = new Set([ctx.oidc.issuer, ctx.oidc.urlFor('token')]);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && accepted.has(a))) throw new errors.InvalidGrant('the assertion’s aud must be the issuer or the token endpoint');
  const nowSec = Math.floor(d.clock.now().getTime() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSec) throw new errors.InvalidGrant('the assertion has expired');
  if (claims.exp > nowSec + ASSERTION_MAX_LIFETIME_SEC) throw new errors.InvalidGrant(`the assertion must expire within ${ASSERTION_MAX_LIFETIME_SEC} seconds`);
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec + 5) throw new errors.InvalidGrant('the assertion is not valid yet');
  if (typeof claims.jti !== 'string' || !claims.jti) throw new errors.InvalidGrant('the assertion must carry a jti');
  const unique = await ctx.oidc.provider.ReplayDetection.unique(`jwt-bearer:${client.clientId}`, claims.jti, claims.exp + 5);
  if (!unique) throw new errors.InvalidGrant('this assertion was used already');
  return claims;
}

/** An active consent of the customer for this app holding every scope and purpose asked, with its grant. */
async function consentFor(provider: Provider, d: JwtBearerDeps, clientId: string, tenantId: string, scopes: string[], purposes: string[]) {
  const now = d.clock.now();
  const iso = now.toISOString();
  for (const dl of await repo.findOpenConsents(d.db.kysely, clientId, tenantId)) {
    if (dl.status !== 'active' || dl.starts_at > iso || dl.ends_at <= iso) continue;
    const held = new Set(parsePurposes(dl.purposes ?? null));
    if (!purposes.every((p) => held.has(p))) continue;
    for (const { grant_id } of await repo.grantIdsOfDelegation(d.db.kysely, dl.id)) {
      const grant = await provider.Grant.find(grant_id);
      if (!grant || grant.clientId !== clientId) continue;
      const granted = new Set((grant.getOIDCScope() ?? '').split(' '));
      if (!scopes.every((s) => granted.has(s))) continue;
      const lifetime = Math.floor((Date.parse(dl.ends_at) - now.getTime()) / 1000);
      if (lifetime >= 1) return { grant, delegationId: dl.id, lifetime };
    }
  }
  return null;
}
