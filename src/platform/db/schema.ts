/**
 * Row shapes of every table, for Kysely's typing. Conventions shared by both dialects:
 * ids are prefixed text, times are ISO-8601 UTC text (sortable), JSON is text, flags are
 * status strings, autoincrement keys are numbers.
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

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  tier: string;
  referred_by_partner_id: string | null;
  /** the code a tenant gives out so a partner can request a link (0002) */
  invite_code: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface TenantMembersTable {
  tenant_id: string;
  user_id: string;
  role: 'TENANT_ADMIN' | 'TENANT_USER';
  invited_by: string | null;
  created_at: string;
}

export interface BillingAccountsTable {
  id: string;
  tenant_id: string;
  account_number: string;
  name: string;
  status: 'active' | 'closed';
  currency: string;
  created_at: string;
  updated_at: string;
}

export interface PartnersTable {
  id: string;
  slug: string;
  name: string;
  website: string | null;
  contact_email: string;
  description: string | null;
  status: 'applied' | 'active' | 'suspended' | 'terminated' | 'rejected';
  /** JSON array of capabilities */
  capabilities: string;
  /** JSON array of capabilities asked for in the application */
  requested_capabilities: string;
  /** JSON object of feature toggles */
  feature_toggles: string;
  /** JSON object: the partner's configuration by section (partner-config.ts) */
  config: Generated<string>;
  /** bumped by every configuration change */
  config_version: Generated<number>;
  /** The partner's own tenant (wholesalers bill their own BAN there). */
  home_tenant_id: string | null;
  status_reason: string | null;
  applied_at: string;
  approved_at: string | null;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PartnerMembersTable {
  partner_id: string;
  user_id: string;
  role: 'PARTNER_OWNER' | 'PARTNER_STAFF';
  status: 'active' | 'inactive';
  invited_by: string | null;
  created_at: string;
  /** the member role inside the MSP (partner_msp_full, …); null = full */
  member_role: string | null;
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

export interface RolesTable {
  id: string;
  catalog: 'platform' | 'partner' | 'tenant' | 'delegation';
  name: string;
  description: string;
  /** JSON array of permission grants (may end in a wildcard) */
  grants: string;
}

export interface PermissionsTable {
  name: string;
  description: string;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  occurred_at: string;
  actor_type: 'user' | 'api_token' | 'app' | 'agency' | 'system' | 'anonymous';
  actor_user_id: string | null;
  actor_partner_id: string | null;
  actor_client_id: string | null;
  partner_agency_id: string | null;
  tenant_id: string | null;
  partner_id: string | null;
  ban: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: 'success' | 'denied' | 'failure';
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object */
  details: string;
  /** null on PostgreSQL until the sealer puts the event into the chain (migration 0012) */
  prev_hash: string | null;
  hash: string | null;
  /** the event's place in the hash chain; null until sealed */
  chain_seq: number | null;
}

/** One row (id = 1): the newest event of the hash chain (last_seq is its chain_seq), moved with every seal (migration 0006). */
export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
  updated_at: string;
}

export interface ChangeEventsTable {
  id: Generated<number>;
  /** PostgreSQL: the writing transaction's id (xid8, as text), filled in by the database (migration 0012) */
  xid?: Generated<string>;
  entity: string;
  entity_id: string;
  created_at: string;
}

export interface DelegationsTable {
  id: string;
  partner_id: string;
  tenant_id: string;
  origin: 'link' | 'consent' | 'wholesale';
  role: string;
  /** JSON array of granted OAuth scopes, or null */
  scopes: string | null;
  /** JSON array of covered billing account ids, or null for all */
  ban_ids: string | null;
  /** JSON {"grant": string[], "deny": string[]} */
  overrides: string;
  status: 'requested' | 'active' | 'expired' | 'revoked' | 'rejected';
  justification: string | null;
  starts_at: string;
  ends_at: string;
  client_id: string | null;
  bill_to_ban_id: string | null;
  requested_by: string | null;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  revoked_by: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  renewal_ends_at: string | null;
  /** 0026: who asked for the pending renewal (never its approver); null with no renewal pending */
  renewal_requested_by: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

// ---- reference resource service (0004) ------------------------------------------------------

export interface OrdersTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  bill_to_ban_id: string;
  product_code: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: number;
  currency: string;
  status: 'submitted' | 'in_progress' | 'completed' | 'cancelled';
  notes: string | null;
  placed_by_type: 'user' | 'app' | 'system';
  placed_by_user_id: string | null;
  placed_by_client_id: string | null;
  placed_by_partner_id: string | null;
  delegation_id: string | null;
  persona: string;
  idempotency_key: string | null;
  request_id: string | null;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
}

export interface ProvisionedServicesTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  order_id: string | null;
  product_code: string;
  name: string;
  status: 'pending' | 'active' | 'suspended' | 'terminated';
  location: string | null;
  bandwidth_mbps: number | null;
  monthly_price_cents: number;
  currency: string;
  activated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InvoicesTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  number: string;
  period: string;
  issued_at: string;
  due_at: string;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  balance_cents: number;
  status: 'open' | 'paid' | 'overdue' | 'void';
  paid_at: string | null;
  created_at: string;
}

export interface SupportTicketsTable {
  id: string;
  tenant_id: string;
  ban_id: string | null;
  number: string;
  subject: string;
  description: string;
  category: 'billing' | 'technical' | 'service_request' | 'other';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed';
  assignee: string | null;
  /** JSON array of {at, by, text} */
  comments: string;
  opened_by_type: 'user' | 'app' | 'system';
  opened_by_user_id: string | null;
  opened_by_client_id: string | null;
  opened_by_partner_id: string | null;
  delegation_id: string | null;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
}

export interface UsageRecordsTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  service_id: string | null;
  period: string;
  metric: 'data_gb' | 'voice_minutes' | 'sms_count';
  quantity: number;
  amount_cents: number;
  currency: string;
  recorded_at: string;
}

export interface SlaRecordsTable {
  id: string;
  tenant_id: string;
  ban_id: string;
  service_id: string | null;
  period: string;
  target_pct: number;
  achieved_pct: number;
  downtime_minutes: number;
  incidents: number;
  status: 'met' | 'breached';
  recorded_at: string;
}

/** 0005: agencies — tenant-scoped, no user accounts */
export interface PartnerAgenciesTable {
  id: string;
  tenant_id: string;
  name: string;
  status: 'active' | 'inactive';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** 0005: an agency's form-specific embed token; only its keyed hash is stored */
export interface PartnerTokensTable {
  id: string;
  tenant_id: string;
  partner_agency_id: string;
  label: string;
  token_hash: string;
  token_prefix: string;
  status: 'active' | 'revoked';
  /** JSON {"allowed_voucher_types": string[], "intro_text": string, "rules_list": string[]} */
  form_config: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  rotated_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

/** 0005: vouchers, issued by tenant users, partners (gateway) or agencies (embedded form) */
export interface VouchersTable {
  id: string;
  tenant_id: string;
  code: string;
  type: string;
  description: string;
  /** minor units; null for non-monetary vouchers */
  amount: number | null;
  currency: string | null;
  status: 'issued' | 'redeemed' | 'void';
  partner_agency_id: string | null;
  billing_account_id: string | null;
  issued_by_type: 'user' | 'api_token' | 'app' | 'agency' | 'system';
  issued_by_user_id: string | null;
  issued_by_partner_id: string | null;
  issued_by_client_id: string | null;
  issued_by_token_id: string | null;
  recipient_name: string | null;
  recipient_email: string | null;
  reference: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  redeemed_at: string | null;
  voided_at: string | null;
}

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
  /** SecretHasher hash of the client secret */
  secret_hash: string | null;
  secret_hint: string | null;
  secret_rotated_at: string | null;
  status: 'active' | 'deleted';
  created_by: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
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

/** The partner program (migration 0013). */
export interface ReferralCodesTable {
  code: string;
  partner_id: string;
  label: string | null;
  landing_note: string | null;
  status: 'active' | 'inactive';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** Written once, never changed (triggers refuse UPDATE and DELETE). */
export interface ReferralAttributionsTable {
  tenant_id: string;
  partner_id: string;
  code: string;
  attributed_at: string;
  source: 'signup' | 'operator';
}

export interface ProgramAgreementsTable {
  id: string;
  partner_id: string;
  version: number;
  title: string;
  terms_markdown: string;
  percent_bps: number | null;
  bounty_minor: number | null;
  months: number;
  payout_threshold_minor: number;
  currency: string;
  effective_date: string;
  status: 'draft' | 'signed' | 'approved' | 'superseded';
  created_by: string | null;
  created_at: string;
  signed_by: string | null;
  signed_full_name: string | null;
  signed_at: string | null;
  signed_ip: string | null;
  signed_user_agent: string | null;
  signed_sha256: string | null;
  approved_by: string | null;
  approved_at: string | null;
  superseded_at: string | null;
}

export interface ProgramEarningsTable {
  id: string;
  partner_id: string;
  tenant_id: string;
  agreement_id: string;
  /** month of payment, 'YYYY-MM' */
  period: string;
  kind: 'commission' | 'bounty' | 'clawback';
  source_key: string;
  base_minor: number;
  amount_minor: number;
  currency: string;
  invoice_count: number;
  state: 'pending' | 'approved' | 'paid' | 'reversed';
  payout_id: string | null;
  clawback_of: string | null;
  refund_invoice_id: string | null;
  refund_invoice_number: string | null;
  created_at: string;
  updated_at: string;
  approved_at: string | null;
  approved_by: string | null;
  reversed_at: string | null;
}

/** The invoices a program earnings line came from (migration 0021). */
export interface ProgramEarningInvoicesTable {
  earning_id: string;
  invoice_id: string;
  invoice_number: string;
  paid_at: string | null;
  base_minor: number;
  partner_id: string;
  tenant_id: string;
}

export interface ProgramPayoutsTable {
  id: string;
  partner_id: string;
  amount_minor: number;
  currency: string;
  reference: string;
  paid_date: string;
  lines: number;
  created_by: string | null;
  created_at: string;
}

export interface LinkCommitmentsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  sla: string;
  alerts: string;
  threshold_cents: number;
  threshold_currency: string;
  updated_at: string;
  updated_by: string | null;
}

export interface PartnerAlertsTable {
  id: string;
  dedup_key: string;
  partner_id: string;
  tenant_id: string;
  delegation_id: string;
  kind: 'sla_breach' | 'receivables_threshold' | 'invoice_overdue';
  severity: 'warning' | 'critical';
  status: 'open' | 'acknowledged' | 'resolved';
  subject_id: string | null;
  period: string | null;
  message: string;
  amount_cents: number | null;
  currency: string | null;
  opened_at: string;
  last_seen_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: 'auto' | 'manual' | null;
  notified_at: string | null;
}

export interface ExportJobsTable {
  id: string;
  partner_id: string;
  user_id: string;
  format: 'csv' | 'pdf';
  filters: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total_rows: number;
  rows_done: number;
  file_path: string | null;
  token_hash: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  expires_at: string | null;
  /** the customers the export drew on (JSON array of tenant ids; migration 0029), checked again at download */
  tenant_ids: string | null;
}

/** A finished export's file, in chunks (the resources module; migration 0028). */
export interface ExportFileChunksTable {
  job_id: string;
  seq: number;
  data: Uint8Array;
  expires_at: string;
}

/** Messages written instead of sent when no SMTP server is set (the notifications module; migration 0028). */
export interface MailOutboxTable {
  id: string;
  to_addr: string;
  subject: string;
  bytes: number;
  /** the RFC 5322 message, encrypted with the installation secret */
  message_enc: string;
  created_at: string;
  expires_at: string;
}

export interface DomainEventsTable {
  id: string;
  type: string;
  version: number;
  tenant_id: string | null;
  partner_id: string | null;
  /** JSON: the event's data (its catalog schema) */
  payload: string;
  occurred_at: string;
  status: 'pending' | 'dispatched';
  dispatched_at: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  owner_type: 'tenant' | 'partner' | 'platform';
  /** the tenant's or partner's id; '' for the platform */
  owner_id: string;
  url: string;
  description: string;
  /** JSON array of event types */
  event_types: string;
  /** the signing secret, encrypted with the installation secret */
  secret_enc: string;
  status: 'active' | 'disabled';
  consecutive_failures: Generated<number>;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  message_id: string;
  event_type: string;
  payload: string;
  kind: 'event' | 'ping' | 'redelivery';
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  /** when the event happened (the delay to delivery is measured from it) */
  event_at: string;
  created_at: string;
  completed_at: string | null;
}

export interface WebhookAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: string;
  outcome: 'succeeded' | 'failed';
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  event_id: string | null;
  type: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  /** JSON {"<event type>": {"in_app": bool, "email": bool}} */
  settings: string;
  updated_at: string;
}

export interface MailMessagesTable {
  id: string;
  kind: string;
  to_domain: string;
  /** the MailMessage as JSON, encrypted with the installation secret */
  message_enc: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** Plans and subscriptions (migration 0017, modules/plans). */
export interface PlansTable {
  id: string;
  name: string;
  description: string;
  features: string;
  limits: string;
  price_minor: number;
  currency: string;
  segments: string;
  grace_days: number;
  terms: string;
  status: 'active' | 'retired';
  created_at: string;
  updated_at: string;
}

export interface PartnerPlansTable {
  id: string;
  partner_id: string;
  plan_id: string;
  min_price_minor: number;
  max_price_minor: number;
  price_minor: number;
  status: 'allowed' | 'offered' | 'revoked';
  created_at: string;
  updated_at: string;
}

export interface CustomerAccountsTable {
  tenant_id: string;
  partner_id: string;
  segment: 'basic' | 'company' | 'advanced';
  kyc_status: 'guest' | 'pending' | 'verified' | 'rejected';
  created_at: string;
  updated_at: string;
}

export interface KycCasesTable {
  id: string;
  tenant_id: string;
  partner_id: string;
  kind: 'individual' | 'company';
  details_enc: string;
  status: 'submitted' | 'verified' | 'rejected';
  reason: string | null;
  submitted_by: string;
  submitted_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface KycDocumentsTable {
  id: string;
  case_id: string;
  tenant_id: string;
  partner_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content_enc: string;
  created_at: string;
}

export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  partner_id: string;
  plan_id: string;
  partner_plan_id: string;
  status: 'signing' | 'signed' | 'active' | 'suspended' | 'cancelled';
  price_minor: number;
  currency: string;
  terms_sha256: string;
  signed_by: string | null;
  signed_at: string | null;
  activated_at: string | null;
  suspended_at: string | null;
  suspension_kind: 'non_payment' | 'policy' | null;
  suspension_reason: string | null;
  cancelled_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
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

export interface DelegationJitSettingsTable {
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  /** 1: the link's role is eligible — it grants nothing until a partner member activates it */
  eligible: number;
  max_activation_minutes: number;
  approval_required: number;
  auto_extend: number;
  auto_extend_days: number;
  /** JSON array of role ids the tenant calls privileged: a link with one never auto-extends */
  privileged_roles: string;
  /** JSON array of role ids that are eligible on top of the link's standing role (0022) */
  eligible_roles: string;
  updated_at: string;
  updated_by: string | null;
}

export interface DelegationActivationsTable {
  id: string;
  delegation_id: string;
  tenant_id: string;
  partner_id: string;
  user_id: string;
  status: 'pending' | 'active' | 'rejected' | 'cancelled';
  justification: string;
  duration_minutes: number;
  requested_at: string;
  mfa_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  starts_at: string | null;
  ends_at: string | null;
}

export interface DelegationNoticesTable {
  delegation_id: string;
  ends_at: string;
  threshold_days: number;
  tenant_id: string;
  partner_id: string;
  sent_at: string;
}

export interface PartnerConfigVersionsTable {
  id: string;
  partner_id: string;
  version: number;
  section: string;
  /** JSON: the section before and after the change, and the field-level diff */
  before: string;
  after: string;
  diff: string;
  changed_by: string | null;
  changed_at: string;
}

export interface FeatureCatalogTable {
  key: string;
  name: string;
  description: string;
  /** 1 = on unless the partner's configuration switches it off */
  default_on: number;
  lifecycle: 'beta' | 'general' | 'retired';
  /** 1 = the partner's owner may switch it */
  opt_in: number;
  created_at: string;
  updated_at: string;
}

/** A partner's requests through the gateway on one UTC day, added to in batches by every instance. */
export interface PartnerUsageTable {
  partner_id: string;
  /** YYYY-MM-DD (UTC) */
  day: string;
  /** admitted requests */
  requests: number;
  /** refused for a quota or a per-minute limit */
  refused: number;
  updated_at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  tenants: TenantsTable;
  tenant_members: TenantMembersTable;
  billing_accounts: BillingAccountsTable;
  partners: PartnersTable;
  partner_config_versions: PartnerConfigVersionsTable;
  feature_catalog: FeatureCatalogTable;
  partner_usage: PartnerUsageTable;
  partner_members: PartnerMembersTable;
  invitations: InvitationsTable;
  roles: RolesTable;
  permissions: PermissionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
  change_events: ChangeEventsTable;
  delegations: DelegationsTable;
  apps: AppsTable;
  oauth_store: OAuthStoreTable;
  oauth_consents: OAuthConsentsTable;
  oauth_signing_keys: OAuthSigningKeysTable;
  oauth_revoked_tokens: OAuthRevokedTokensTable;
  orders: OrdersTable;
  provisioned_services: ProvisionedServicesTable;
  invoices: InvoicesTable;
  support_tickets: SupportTicketsTable;
  usage_records: UsageRecordsTable;
  sla_records: SlaRecordsTable;
  partner_agencies: PartnerAgenciesTable;
  partner_tokens: PartnerTokensTable;
  vouchers: VouchersTable;
  referral_codes: ReferralCodesTable;
  referral_attributions: ReferralAttributionsTable;
  program_agreements: ProgramAgreementsTable;
  program_earnings: ProgramEarningsTable;
  program_earning_invoices: ProgramEarningInvoicesTable;
  program_payouts: ProgramPayoutsTable;
  link_commitments: LinkCommitmentsTable;
  partner_alerts: PartnerAlertsTable;
  export_jobs: ExportJobsTable;
  export_file_chunks: ExportFileChunksTable;
  mail_outbox: MailOutboxTable;
  domain_events: DomainEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  mail_messages: MailMessagesTable;
  plans: PlansTable;
  partner_plans: PartnerPlansTable;
  customer_accounts: CustomerAccountsTable;
  kyc_cases: KycCasesTable;
  kyc_documents: KycDocumentsTable;
  subscriptions: SubscriptionsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_passkeys: MfaPasskeysTable;
  auth_challenges: AuthChallengesTable;
  password_resets: PasswordResetsTable;
  mfa_policies: MfaPoliciesTable;
  delegation_jit_settings: DelegationJitSettingsTable;
  delegation_activations: DelegationActivationsTable;
  delegation_notices: DelegationNoticesTable;
}
