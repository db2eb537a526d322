import { Type, Strict, Id, Name, Nullable, Slug, Email } from '../../platform/http/schemas.ts';
import { GRANT_TYPES } from './app-scopes.ts';

const Uri = Type.String({ minLength: 1, maxLength: 2000 });
const GrantTypeSchema = Type.Union(GRANT_TYPES.map((g) => Type.Literal(g)));
const ScopeSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z*][a-z0-9_.*]*$' });

const AuthMethodSchema = Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('private_key_jwt')], {
  description:
    'the method the app is registered with at the token, introspection and revocation endpoints: the secret in an HTTP Basic header, the secret in the form body, or a JWT signed with a key registered in jwks. An app with a secret accepts it both ways unless restricted: see token_endpoint_auth_methods',
});
const AuthMethodsSchema = Type.Array(AuthMethodSchema, {
  minItems: 1,
  maxItems: 2,
  description:
    'every method the app accepts. An app with a secret accepts it in the Authorization header (client_secret_basic) and in the form body (client_secret_post) unless restricted to one of them; private_key_jwt goes alone',
});
const IdTokenAlgSchema = Type.Union([Type.Literal('RS256'), Type.Literal('ES256')], {
  description:
    "how the app's ID tokens are signed (OpenID Connect's id_token_signed_response_alg): RS256, an RSA signature every OpenID client can check (the default), or ES256, an elliptic-curve signature that is smaller. Both keys are published at the server's jwks_uri",
});
const CibaSchema = Strict({
  delivery_mode: Type.Union([Type.Literal('poll'), Type.Literal('ping')], { description: 'how the app learns the customer decided: it polls the token endpoint, or Partnergate calls its notification endpoint (ping) and it then calls the token endpoint' }),
  notification_endpoint: Type.Optional(Nullable(Uri)),
}, { title: 'AppCiba', description: 'CIBA (OpenID Client-Initiated Backchannel Authentication): the app asks a customer for consent without a browser; null: it does not' });
const JwkSchema = Type.Object({ kty: Type.String(), kid: Type.Optional(Type.String()) }, { additionalProperties: true });
const JwksSchema = Strict({ keys: Type.Array(JwkSchema, { minItems: 1, maxItems: 5 }) }, { description: "a private_key_jwt app's public keys (a JSON Web Key Set); not with jwks_uri" });
const JwksUriSchema = Type.String({ minLength: 1, maxLength: 2000, description: "where a private_key_jwt app publishes its public keys (an https URL; read under the outbound address policy, kept 5 minutes, read again at once for a key id it does not hold, at most once every 30 seconds); not with jwks" });
const RequireSignedSchema = Type.Boolean({ description: "RFC 9101 §10.5: the app's authorization, pushed authorization and backchannel requests must come as a request object signed with one of its keys; a plain one is refused with invalid_request. Only for a private_key_jwt app; false by default" });

export const AppDto = Type.Object({
  id: Type.String(),
  client_id: Type.String({ description: 'the OAuth client_id (same as id)' }),
  partner_id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  logo_uri: Nullable(Type.String()),
  redirect_uris: Type.Array(Type.String()),
  grant_types: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  token_endpoint_auth_method: AuthMethodSchema,
  token_endpoint_auth_methods: AuthMethodsSchema,
  jwks: Nullable(Type.Unknown()),
  jwks_uri: Nullable(Type.String()),
  require_signed_request_object: Type.Boolean(),
  id_token_signed_response_alg: IdTokenAlgSchema,
  ciba: Nullable(CibaSchema),
  secret_hint: Nullable(Type.String({ description: 'the first characters of the current secret' })),
  secret_rotated_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
}, { title: 'App' });

export const AppKeySetDto = Type.Object({
  address: Type.String({ description: "the app's key set address (jwks_uri)" }),
  read_at: Nullable(Type.String({ description: 'when the keys below were read there; null: never read well' })),
  keys: Type.Array(Type.Object({
    kid: Nullable(Type.String()),
    alg: Nullable(Type.String({ description: 'the algorithm the key signs with, when the key names one' })),
    kty: Type.String(),
    crv: Nullable(Type.String()),
  }), { description: 'the public signing keys last read there (private or secret keys are dropped, never used)' }),
  failure: Nullable(Type.Object({
    code: Type.Union([
      Type.Literal('url_not_allowed'), Type.Literal('address_not_allowed'), Type.Literal('dns_failed'), Type.Literal('timeout'),
      Type.Literal('connection_failed'), Type.Literal('bad_status'), Type.Literal('too_large'), Type.Literal('not_a_key_set'),
    ], {
      description: 'url_not_allowed / address_not_allowed: the outbound address policy refused the address (a private, loopback or special address); dns_failed: the name does not resolve; timeout; connection_failed; bad_status: the answer was not 200; too_large: more than a key set; not_a_key_set: not a JSON Web Key Set',
    }),
    status: Nullable(Type.Integer({ description: 'the HTTP status, for bad_status' })),
    at: Type.String(),
  }, { description: 'why the last read failed (the keys above, if any, are from an earlier read); null when it succeeded' })),
}, { title: 'AppKeySet' });

export const AppWithSecret = Type.Object({
  app: AppDto,
  client_secret: Nullable(Type.String({ description: 'shown once; store it now (null for private_key_jwt apps)' })),
}, { title: 'AppWithSecret' });

export const AppParams = Strict({ partner_id: Id('ptr'), app_id: Id('app') });
export const PartnerParams = Strict({ partner_id: Id('ptr') });

/** The fields create and update share after the authentication method: keys, signing, CIBA. */
const KEY_AND_SIGNING_FIELDS = {
  jwks: Type.Optional(Nullable(JwksSchema)),
  jwks_uri: Type.Optional(Nullable(JwksUriSchema)),
  require_signed_request_object: Type.Optional(RequireSignedSchema),
  id_token_signed_response_alg: Type.Optional(IdTokenAlgSchema),
  ciba: Type.Optional(Nullable(CibaSchema)),
};

export const CreateAppBody = Strict({
  name: Name,
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  logo_uri: Type.Optional(Nullable(Uri)),
  redirect_uris: Type.Optional(Type.Array(Uri, { maxItems: 10 })),
  grant_types: Type.Array(GrantTypeSchema, { minItems: 1, maxItems: 4 }),
  scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: 100 }),
  token_endpoint_auth_method: Type.Optional(AuthMethodSchema),
  token_endpoint_auth_methods: Type.Optional(AuthMethodsSchema),
  ...KEY_AND_SIGNING_FIELDS,
});

export const UpdateAppBody = Strict({
  name: Type.Optional(Name),
  description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  logo_uri: Type.Optional(Nullable(Uri)),
  redirect_uris: Type.Optional(Type.Array(Uri, { maxItems: 10 })),
  grant_types: Type.Optional(Type.Array(GrantTypeSchema, { minItems: 1, maxItems: 4 })),
  scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, maxItems: 100 })),
  token_endpoint_auth_method: Type.Optional(AuthMethodSchema),
  token_endpoint_auth_methods: Type.Optional(AuthMethodsSchema),
  ...KEY_AND_SIGNING_FIELDS,
});

export const ScopeDto = Type.Object({ scope: Type.String(), description: Type.String(), permissions: Type.Array(Type.String()) }, { title: 'Scope' });

// ---- resold end-customer tenants (wholesale) ----------------------------------------------------

export const CreateResoldTenantBody = Strict({
  name: Name,
  slug: Slug,
  billing_account_name: Type.Optional(Name),
  admin: Type.Optional(Strict({ email: Email, name: Type.Optional(Name) })),
  ends_at: Type.Optional(Type.String({ format: 'date-time', description: 'end of the wholesale delegation (default: the longest allowed)' })),
});

export const ResoldTenantDto = Type.Object({
  tenant: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), status: Type.String() }),
  delegation_id: Type.String(),
  delegation_status: Type.String(),
  ends_at: Type.String(),
  bill_to_ban: Nullable(Type.String({ description: "the wholesaler's account number billed for this customer" })),
  billing_accounts: Type.Array(Type.Object({ id: Type.String(), account_number: Type.String(), name: Type.String() })),
  created_at: Type.String(),
}, { title: 'ResoldTenant' });

export const CreatedResoldTenant = Type.Object({
  resold: ResoldTenantDto,
  invitation: Nullable(Type.Object({ url: Type.String(), expires_at: Type.String() })),
});
