import { METADATA_FAILURE_CODES } from './saml/metadata-failure.ts';
import { Type, Strict, Id, Nullable, Email } from '../../platform/http/schemas.ts';

const Role = Type.String({ minLength: 1, maxLength: 64, description: 'a member role of the organization’s kind (see roles in the answer of GET)' });

export const ConnectionBody = Strict(
  {
    kind: Type.Union([Type.Literal('oidc'), Type.Literal('saml')], { description: 'oidc: OpenID Connect; saml: SAML 2.0' }),
    name: Type.String({ minLength: 1, maxLength: 120, description: 'how the connection is named in the portal, e.g. "Contoso Entra ID"' }),
    enabled: Type.Boolean({ description: 'people of the verified domains are sent to this provider' }),
    oidc: Type.Optional(
      Strict({
        issuer: Type.String({ minLength: 8, maxLength: 500, description: "the provider's address (its issuer); its configuration is read from <issuer>/.well-known/openid-configuration" }),
        client_id: Type.String({ minLength: 1, maxLength: 300 }),
        auth_method: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('private_key_jwt')], {
          description: 'how Partnergate proves itself to the provider: the client secret, or a key of ours (private_key_jwt) whose public half is at jwks_url',
        }),
        client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'write-only: kept encrypted, never returned; leave out to keep the current one' })),
        scopes: Type.Optional(Type.String({ maxLength: 300, description: 'default "openid email profile"' })),
      }),
    ),
    saml: Type.Optional(
      Strict({
        idp_metadata_url: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
        idp_metadata_xml: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
        clock_skew_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
        allow_idp_initiated: Type.Optional(Type.Boolean({ description: 'accept sign-in started at the identity provider (an unsolicited response); off by default' })),
      }),
    ),
    claims: Type.Optional(
      Strict({
        email: Type.Optional(Type.String({ maxLength: 200 })),
        name: Type.Optional(Type.String({ maxLength: 200 })),
        groups: Type.Optional(Type.String({ maxLength: 200 })),
      }),
    ),
    default_role: Role,
    role_mappings: Type.Array(Strict({ group: Type.String({ minLength: 1, maxLength: 300 }), role: Role }), { maxItems: 100 }),
    trust_upstream_mfa: Type.Boolean({ description: "a second factor at the provider (amr/acr) counts for this platform's MFA requirements" }),
    require_sso: Type.Boolean({ description: 'people of the verified domains may not sign in or reset a password here, except the break-glass owner' }),
    break_glass_user_id: Nullable(Id('usr')),
  },
  { title: 'SsoConnectionInput' },
);

const certificateFields = {
  fingerprint: Type.String({ description: 'SHA-256 fingerprint, as identity providers show it' }),
  valid_from: Type.String(),
  valid_until: Type.String(),
};
const SpCertificate = Type.Object(certificateFields);

export const ConnectionDto = Type.Object(
  {
    id: Type.String(),
    kind: Type.Union([Type.Literal('oidc'), Type.Literal('saml')]),
    name: Type.String(),
    enabled: Type.Boolean(),
    oidc: Nullable(
      Type.Object({
        issuer: Type.String(),
        client_id: Type.String(),
        auth_method: Type.String(),
        client_secret_set: Type.Boolean(),
        scopes: Type.String(),
        jwks_url: Nullable(Type.String({ description: 'our public key for private_key_jwt, to give the provider' })),
        backchannel_logout_url: Type.String({ description: 'where the provider sends a logout token when the person signs out there (Back-Channel Logout 1.0), to give the provider' }),
        post_logout_redirect_url: Type.String({ description: 'where the provider sends the person back after signing them out (post_logout_redirect_uri), to give the provider' }),
        sign_out_at_provider: Type.Union([Type.Literal('passed_on'), Type.Literal('no_sign_out_page'), Type.Literal('unknown')], {
          description:
            "whether signing out here also signs the person out at the provider: passed_on when the provider's discovery names an end_session_endpoint, no_sign_out_page when it names none, unknown when its settings could not be read just now",
        }),
      }),
    ),
    saml: Nullable(
      Type.Object({
        sp_entity_id: Type.String(),
        acs_url: Type.String(),
        idp_metadata_url: Nullable(Type.String()),
        idp_metadata_set: Type.Boolean(),
        clock_skew_seconds: Type.Integer(),
        allow_idp_initiated: Type.Boolean(),
        idp_metadata_read_at: Nullable(Type.String({ description: 'when the metadata was last read from its address' })),
        idp_metadata_checked_at: Nullable(Type.String({ description: 'when reading it was last tried' })),
        idp_metadata_failure: Nullable(
          Type.Object(
            {
              code: Type.Enum([...METADATA_FAILURE_CODES]),
              params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
                description: 'its figures: status (http_status), kb (too_large), seconds (timeout), now and before, the entity ids (other_identity_provider)',
              }),
            },
            { description: 'why the last try failed, as a code and its figures; the last good metadata is still used' },
          ),
        ),
        idp_metadata_error: Nullable(Type.String({ description: 'why the last try failed, in English, for a failure recorded before failures were kept as a code (idp_metadata_failure)' })),
        idp_metadata_refresh_seconds: Type.Integer({ description: 'how often the metadata is read again from its address (the operator sets it)' }),
        idp_signing_fingerprints: Type.Array(Type.String(), { description: "SHA-256 fingerprints of the identity provider's signing certificates" }),
        metadata_check_available: Type.Boolean(),
        sp_metadata_available: Type.Boolean(),
        slo_url: Type.String({ description: 'our SingleLogoutService (HTTP-Redirect and HTTP-POST) for this connection' }),
        idp_slo: Type.Boolean({ description: "the provider's metadata names a SingleLogoutService: signing out here signs the person out there too" }),
        idp_slo_binding: Type.Union([Type.Literal('redirect'), Type.Literal('post'), Type.Null()], {
          description: 'how our sign-out messages reach the provider: redirect (HTTP-Redirect, preferred when offered), post (HTTP-POST: a page of ours posts them), null when it names no SingleLogoutService',
        }),
        sp_certificates: Type.Object(
          {
            current: Nullable(SpCertificate),
            next: Nullable(SpCertificate),
            previous: Nullable(Type.Object({ ...certificateFields, decrypts_until: Type.String({ description: 'after this, assertions encrypted to it are refused and it is dropped' }) })),
          },
          { description: 'our certificates: current (signs our requests), next (prepared, published beside it), previous (after a switch, still decrypts until decrypts_until)' },
        ),
      }),
    ),
    claims: Type.Object({ email: Type.String(), name: Type.String(), groups: Type.String() }),
    default_role: Type.String(),
    role_mappings: Type.Array(Type.Object({ group: Type.String(), role: Type.String(), role_name: Type.String() })),
    trust_upstream_mfa: Type.Boolean(),
    require_sso: Type.Boolean(),
    break_glass_user_id: Nullable(Type.String()),
    switched_off: Nullable(Type.Object({ at: Type.String(), reason: Nullable(Type.String()) }, { description: 'the operator switched the connection off' })),
    people_signed_in: Type.Integer({ description: 'people who have signed in through this connection' }),
    last_sign_in_at: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { title: 'SsoConnection' },
);

export const SsoView = Type.Object(
  {
    connection: Nullable(ConnectionDto),
    callback_url: Type.String({ description: 'the sign-in return address (redirect URI) to give an OpenID Connect provider' }),
    roles: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String() })),
    break_glass_candidates: Type.Array(Type.Object({ user_id: Type.String(), name: Type.String(), email: Type.String() })),
    domains: Type.Array(Type.Object({ id: Type.String(), domain: Type.String(), status: Type.String(), last_checked_at: Nullable(Type.String()) })),
  },
  { title: 'SsoSettings' },
);

export const TestStart = Type.Object({ url: Type.String({ description: 'open it in a new window: the provider’s sign-in, then what it said' }) }, { title: 'SsoTestStart' });

export const DiscoverBody = Strict({ email: Email });
export const DiscoverAnswer = Type.Object(
  {
    routed: Type.Boolean({ description: 'the address signs in with its company account' }),
    start_url: Nullable(Type.String({ description: 'open it to go to the company sign-in' })),
    password_allowed: Type.Boolean({ description: 'false when the organization requires its company sign-in (the break-glass owner is told at the password step)' }),
  },
  { title: 'SsoDiscovery' },
);

export const OperatorConnectionQuery = Strict({ org_type: Type.Union([Type.Literal('partner'), Type.Literal('tenant')]), org_id: Type.String({ minLength: 4, maxLength: 64 }) });
export const OperatorConnectionView = Type.Object({ connection: Nullable(ConnectionDto) }, { title: 'OperatorSsoConnection' });
export const SwitchOffBody = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
export const ConnectionParams = Strict({ connection_id: Type.String({ minLength: 4, maxLength: 64 }) });
export const PartnerParams = Strict({ partner_id: Id('ptr') });
export const TenantParams = Strict({ tenant_id: Id('tnt') });
