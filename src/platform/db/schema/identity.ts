/**
 * Row shapes of people and how they sign in: users, sessions, personal API tokens, invitations, second
 * factors (TOTP, recovery codes, passkeys), sign-in challenges, password resets and MFA policies
 * (modules/identity). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  status: 'active' | 'disabled' | 'invited';
  platform_role: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  /** 0090: the language the person chose (a catalog's tag); null = their organization's, then their browser's */
  locale: Generated<string | null>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  /** JSON array of RFC 8176 method values: ["pwd"], ["pwd","otp","mfa"], ["pwd","hwk","mfa"] */
  amr: Generated<string>;
  /** when a second factor was last proven in this session (sign-in or step-up) */
  mfa_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_prefix: string;
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** `owner` (revoked by the user) or `user_disabled` (the account was disabled); null while live */
  revoked_reason: string | null;
}

export interface InvitationsTable {
  id: string;
  token_hash: string;
  email: string;
  scope_type: 'tenant' | 'partner';
  scope_id: string;
  role: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
}

/** A user's authenticator app. The seed is encrypted (encryptWithSecret): codes are checked against it. */
export interface MfaTotpTable {
  user_id: string;
  secret_enc: string;
  status: 'pending' | 'active';
  created_at: string;
  confirmed_at: string | null;
  last_used_at: string | null;
  /** the last accepted time step: a code is never accepted twice */
  last_counter: Generated<number>;
}

/** One-time recovery codes, as keyed hashes. */
export interface MfaRecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** WebAuthn credentials (passkeys). */
export interface MfaPasskeysTable {
  id: string;
  user_id: string;
  /** base64url */
  credential_id: string;
  /** base64url COSE public key */
  public_key: string;
  counter: Generated<number>;
  /** JSON array */
  transports: Generated<string>;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** Short-lived challenges: the sign-in second step, WebAuthn ceremonies. `id` is the keyed hash of the token. */
export interface AuthChallengesTable {
  id: string;
  user_id: string;
  purpose: 'login' | 'passkey_register' | 'step_up';
  challenge: string | null;
  attempts: Generated<number>;
  created_at: string;
  expires_at: string;
}

/** Password-reset links; `id` is the keyed hash of the link's token. */
export interface PasswordResetsTable {
  id: string;
  user_id: string;
  /** the operator who sent it, or null when the user asked */
  requested_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** MFA requirements: ('platform','platform'), ('partner', ptr_…), ('tenant', tnt_…: partner people acting on it). */
export interface MfaPoliciesTable {
  scope_type: 'platform' | 'partner' | 'tenant';
  scope_id: string;
  require_mfa: 'required' | 'optional';
  updated_at: string;
  updated_by: string | null;
}
