/**
 * RFC 8693 token exchange for the Wholesaler persona: a wholesaler app
 * presents its own client-credentials access token (subject_token) and names the resold end
 * customer with the `tenant_id` parameter (an extension parameter, RFC 8693 §2.1 allows them); it
 * receives an access token acting for that customer — `tenant_id` the customer, `act` the
 * wholesaler, `dlg` the wholesale delegation, `bill_to` still the wholesaler's own BAN, `purpose`
 * the purposes the wholesale delegation holds now.
 *
 * Steps, each one refusal (RFC 8693 §2.2.2 → RFC 6749 §5.2 errors):
 *   parameters → subject token verifies and belongs to this client → it is an own-resources
 *   token → a wholesale delegation for (partner, tenant) is active now → scopes within the
 *   subject token's → issue, expiring no later than the subject token and the delegation.
 */
import { errors, type Provider, type ResourceServer, type TokenEndpointGrantContext } from 'oidc-provider';
import type { Clock } from '../../platform/clock.ts';
import type { AppsService } from '../apps/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { isId } from '../../platform/ids.ts';
import { compact, wholesalerForCustomerClaims } from './claims.ts';
import type { VerifiedToken } from './token-verifier.ts';
import * as repo from './oauth.repo.ts';
import { tenantQueries } from '../tenants/index.ts';
import { parsePurposes } from '../delegations/index.ts';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const TOKEN_EXCHANGE_PARAMS = ['subject_token', 'subject_token_type', 'requested_token_type', 'actor_token', 'actor_token_type', 'scope', 'resource', 'audience', 'tenant_id'];

/** Claims the exchange computed, handed to extraTokenClaims through the request context. */
export const EXCHANGE_CLAIMS = Symbol('partnergate.tokenExchangeClaims');

export interface TokenExchangeDeps {
  db: Db;
  clock: Clock;
  apps: AppsService;
  audience: string;
  verify: (token: string) => Promise<VerifiedToken>;
  /** the gateway's resource-server description for this client (the same the provider uses) */
  resourceServer: (client: { scope?: string }) => ResourceServer;
  onUse: (delegationId: string) => void;
  /** a cross-tenant token's access lifetime under the partner's and the customer's policies (modules/tokenpolicy) */
  crossTenantTtl?: (kind: 'access', parties: { partnerId: string; tenantId: string }, fallback: number) => number;
}

export function tokenExchangeHandler(provider: Provider, d: TokenExchangeDeps) {
  return async function tokenExchange(ctx: TokenEndpointGrantContext): Promise<void> {
    const client = ctx.oidc.client;
    // 1. parameters
    const { params, subjectToken, tenantId } = exchangeParameters(ctx, d);

    // 2. the subject token: ours, valid, issued to this very client
    const subject = await d.verify(subjectToken);
    if (!subject.ok) throw new errors.InvalidGrant(`subject_token is not valid: ${subject.reason}`);
    const claims = subject.claims;
    if (claims.client_id !== client.clientId) throw new errors.InvalidGrant('subject_token was issued to another client');

    // 3. it must be the wholesaler's own token (no delegation yet), not an exchanged one
    const record = await d.apps.findClientRecord(client.clientId);
    if (!record || claims.partner_id !== record.partner.id) throw new errors.InvalidGrant('subject_token does not belong to this partner');
    if (claims.persona !== 'wholesaler' || claims.dlg !== undefined) throw new errors.InvalidGrant("subject_token must be the wholesaler's own client-credentials token");

    // 4. an active wholesale delegation for this customer
    const now = d.clock.now().toISOString();
    const delegation = isId(tenantId, 'tnt')
      ? (await repo.findWholesaleDelegations(d.db.kysely, record.partner.id, tenantId)).find((x) => x.status === 'active' && x.starts_at <= now && x.ends_at > now)
      : undefined;
    if (!delegation) throw new errors.InvalidGrant('no active wholesale delegation for this tenant');
    const tenant = await tenantQueries.findTenantById(d.db.kysely, tenantId);
    if (tenant?.status !== 'active') throw new errors.InvalidGrant('the tenant is not active');

    // What is left of the subject token and of the delegation: the exchanged token gets no more. The
    // verifier tolerates a few seconds of clock skew; an exchange does not mint from a token whose
    // time is up.
    const endSec = Math.min(typeof claims.exp === 'number' ? claims.exp : 0, Math.floor(Date.parse(delegation.ends_at) / 1000));
    if (!(endSec - Math.floor(Date.now() / 1000) >= 1)) throw new errors.InvalidGrant('subject_token has expired');

    // 5. scopes: never more than the subject token had
    const held = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []);
    const asked = typeof params.scope === 'string' ? params.scope.split(' ').filter(Boolean) : [...held];
    const missing = asked.filter((s) => !held.has(s));
    if (missing.length) throw new errors.InvalidScope('requested scope exceeds the subject token', missing.join(' '));

    // 6. issue
    const banIds = delegation.ban_ids ? (JSON.parse(delegation.ban_ids) as string[]) : null;
    (ctx as unknown as Record<symbol, unknown>)[EXCHANGE_CLAIMS] = compact(
      wholesalerForCustomerClaims({
        partnerId: record.partner.id,
        clientId: client.clientId,
        delegationId: delegation.id,
        tenantId,
        banNumbers: await repo.banNumbers(d.db.kysely, tenantId, banIds),
        billTo: await repo.banNumber(d.db.kysely, delegation.bill_to_ban_id),
        // what the customer granted the wholesale access for, like a consent's tokens carry
        purposes: parsePurposes(delegation.purposes ?? null),
      }),
    );
    const rs = d.resourceServer(client);
    // Never longer than the subject token, nor the delegation (RFC 8693 §2.1: least privilege), nor
    // what the partner's and the customer's policies allow a token acting across tenants.
    // Counted from the token's own issue time, stamped here (the reads above may have crossed a second),
    // and its end given outright: never a second past the subject token's or the delegation's.
    const iat = Math.floor(Date.now() / 1000);
    const lifetime = endSec - iat;
    const policyTtl = d.crossTenantTtl?.('access', { partnerId: record.partner.id, tenantId }, rs.accessTokenTTL ?? lifetime) ?? rs.accessTokenTTL ?? lifetime;
    const expiresIn = Math.min(policyTtl, lifetime);
    if (!(expiresIn >= 1)) throw new errors.InvalidGrant('subject_token has expired');
    const token = new provider.AccessToken({ client, gty: 'token_exchange', scope: asked.join(' ') || undefined, expiresIn, iat, exp: iat + expiresIn } as unknown as ConstructorParameters<typeof provider.AccessToken>[0]);
    token.resourceServer = new provider.ResourceServer(d.audience, rs);
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    d.onUse(delegation.id);
    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope: token.scope || undefined,
    };
  };
}

/** Step 1, the parameters (RFC 8693 §2.1): each given once, an access token for ours, the customer to act for. */
function exchangeParameters(ctx: TokenEndpointGrantContext, d: TokenExchangeDeps) {
  const params = ctx.oidc.params as Record<string, string | string[] | undefined>;
  const one = (name: string): string | undefined => {
    const v = params[name];
    if (Array.isArray(v)) throw new errors.InvalidRequest(`${name} must be given once`);
    return v;
  };

  const subjectToken = one('subject_token');
  if (!subjectToken) throw new errors.InvalidRequest('missing required parameter subject_token');
  if (one('subject_token_type') !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  const requested = one('requested_token_type');
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) throw new errors.InvalidRequest('only access tokens are issued by this exchange');
  if (one('actor_token') !== undefined) throw new errors.InvalidRequest('actor_token is not supported: the authenticated client is the actor');
  if (ctx.headers.dpop !== undefined) throw new errors.InvalidRequest('DPoP-bound tokens are not issued by the token exchange');
  const resource = params.resource ?? params.audience;
  for (const r of Array.isArray(resource) ? resource : resource ? [resource] : []) {
    if (r !== d.audience) throw new errors.InvalidTarget(`this server issues tokens for ${d.audience}`);
  }
  const tenantId = one('tenant_id');
  if (!tenantId) throw new errors.InvalidRequest('missing required parameter tenant_id (the resold customer to act for)');
  return { params, subjectToken, tenantId };
}
