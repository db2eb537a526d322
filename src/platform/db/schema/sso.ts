import type { Generated } from 'kysely';

/** Row shapes of single sign-on per organization (modules/sso, migration 0034). Conventions: schema.ts. */
export interface SsoConnectionsTable {
  id: string;
  org_type: 'partner' | 'tenant';
  org_id: string;
  kind: 'oidc' | 'saml';
  name: string;
  enabled: number;
  oidc_issuer: string | null;
  oidc_client_id: string | null;
  oidc_auth_method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | null;
  /** encryptWithSecret(SECRET_KEY, secret): sent to the token endpoint, never returned */
  oidc_client_secret_enc: string | null;
  /** our private_key_jwt signing key, encrypted the same way */
  oidc_private_jwk_enc: string | null;
  oidc_public_jwk: string | null;
  oidc_scopes: string | null;
  saml_sp_entity_id: string | null;
  saml_acs_url: string | null;
  saml_idp_metadata_url: string | null;
  saml_idp_metadata_xml: string | null;
  saml_clock_skew_seconds: number;
  /** 1: an unsolicited Response (sign-in started at the identity provider) is accepted; 0 by default (migration 0123) */
  saml_allow_idp_initiated: Generated<number>;
  /** the last try at re-reading the metadata from its URL (saml/idp-metadata-refresh.ts), the last good read, and why the last try failed (null: it did not) */
  saml_idp_metadata_checked_at: Generated<string | null>;
  saml_idp_metadata_read_at: Generated<string | null>;
  /** a failure's code (saml/metadata-failure.ts), or an English sentence in rows written before codes were kept (migration 0125) */
  saml_idp_metadata_error: Generated<string | null>;
  /** the failure's figures, JSON (migration 0125) */
  saml_idp_metadata_error_params: Generated<string | null>;
  /** our SAML private key (PEM), encrypted with SECRET_KEY */
  saml_sp_private_key_enc: string | null;
  /** our SAML certificate (PEM), public */
  saml_sp_certificate: string | null;
  /** certificate rotation (migration 0124): the next key pair, prepared and published before use; the previous one, kept after a switch to decrypt until `saml_sp_previous_until` */
  saml_sp_next_private_key_enc: Generated<string | null>;
  saml_sp_next_certificate: Generated<string | null>;
  saml_sp_previous_private_key_enc: Generated<string | null>;
  saml_sp_previous_certificate: Generated<string | null>;
  saml_sp_previous_until: Generated<string | null>;
  claim_email: string;
  claim_name: string;
  claim_groups: string;
  default_role: string;
  trust_upstream_mfa: number;
  require_sso: number;
  break_glass_user_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
  switched_off_by: string | null;
  switched_off_at: string | null;
  switched_off_reason: string | null;
}

export interface SsoRoleMappingsTable {
  connection_id: string;
  group_name: string;
  role: string;
  position: number;
}

export interface SsoIdentitiesTable {
  connection_id: string;
  subject: string;
  user_id: string;
  email: string;
  created_at: string;
  last_sign_in_at: string;
}

export interface SsoFlowsTable {
  id: string;
  payload_enc: string;
  status: 'open' | 'used';
  created_at: string;
  expires_at: string;
}

export interface SsoSessionsTable {
  session_id: string;
  connection_id: string;
  user_id: string;
  subject_hash: string;
  upstream_session_hash: string | null;
  saml_logout_enc: string | null;
  created_at: string;
  expires_at: string;
}

export interface SsoLogoutTokensTable {
  connection_id: string;
  jti_hash: string;
  expires_at: string;
}
