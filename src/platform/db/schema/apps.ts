/**
 * Row shapes of partner apps and the authorization server's storage: oidc-provider models, consents,
 * signing keys, revoked tokens (modules/apps, modules/oauth). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';
/** How an app proves who it is at the token, introspection and revocation endpoints. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface AppsTable {
  id: string;
  partner_id: string;
  name: string;
  description: string | null;
  logo_uri: string | null;
  /** JSON array of exact redirect URIs */
  redirect_uris: string;
  /** JSON array of OAuth grant types */
  grant_types: string;
  /** JSON array of the scopes the app may ask for */
  scopes: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  /** JSON array of the methods the owner restricted the app to; null = both secret methods (or its keys) */
  auth_methods: string | null;
  /** JSON Web Key Set (public keys) of a private_key_jwt app */
  jwks: string | null;
  /** what the app's ID tokens are signed with (OpenID Connect client metadata); RS256 unless the owner chose ES256 */
  id_token_signed_response_alg: Generated<'RS256' | 'ES256'>;
  /** SecretHasher hash of the client secret */
  secret_hash: string | null;
  secret_hint: string | null;
  secret_rotated_at: string | null;
  status: 'active' | 'deleted';
  created_by: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** 0091: how the app receives CIBA results ('poll' | 'ping'); null: the app does not use CIBA */
  ciba_delivery_mode: Generated<'poll' | 'ping' | null>;
  /** 0091: the ping mode's client notification endpoint */
  ciba_notification_endpoint: Generated<string | null>;
  /** 0127: where a private_key_jwt app publishes its public keys (instead of jwks) */
  jwks_uri: Generated<string | null>;
  /** 0127: 1 = the app's authorization, pushed authorization and backchannel requests must be signed request objects */
  require_signed_request_object: Generated<number>;
}

/** A CIBA request a partner app made for a customer, until a customer admin decides (0091). */
export interface CibaRequestsTable {
  id: string;
  auth_req_hash: string;
  auth_req_sealed: string;
  tenant_id: string;
  partner_id: string;
  client_id: string;
  /** JSON arrays */
  scopes: string;
  purposes: string;
  binding_message: string | null;
  status: 'waiting' | 'approved' | 'denied' | 'expired';
  expires_at: string;
  last_polled_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  delegation_id: string | null;
  created_at: string;
}

/** Every oidc-provider model, one row per (model, id). */
export interface OAuthStoreTable {
  model: string;
  id: string;
  /** JSON */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface OAuthConsentsTable {
  grant_id: string;
  delegation_id: string;
  client_id: string;
  user_id: string;
  created_at: string;
}

export interface OAuthSigningKeysTable {
  kid: string;
  alg: string;
  /** encryptWithSecret(private JWK JSON) */
  private_jwk: string;
  /** JSON */
  public_jwk: string;
  status: 'current' | 'retired';
  created_at: string;
  retired_at: string | null;
  expires_at: string | null;
}

/** Revoked JWT access tokens (RFC 7009), kept until the token's own expiry. */
export interface OAuthRevokedTokensTable {
  jti: string;
  client_id: string;
  expires_at: string;
  revoked_at: string;
}
