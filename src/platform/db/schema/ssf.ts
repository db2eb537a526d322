/** Row shapes of OpenID Shared Signals streams and deliveries (modules/ssf) and cross-tenant token lifetimes (modules/tokenpolicy), migration 0039. */

export type SsfStreamStatus = 'enabled' | 'paused' | 'disabled';

export interface SsfStreamsTable {
  id: string;
  app_id: string;
  partner_id: string;
  endpoint_url: string;
  /** encryptWithSecret(the Authorization header value the receiver expects), or null */
  authorization_header_sealed: string | null;
  /** JSON array of event type URIs */
  events_requested: string;
  description: string | null;
  status: SsfStreamStatus;
  status_reason: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface SsfDeliveriesTable {
  id: string;
  stream_id: string;
  jti: string;
  event_type: string;
  /** the subject in words (what the portal lists) */
  subject: string;
  dedupe_key: string;
  set_jwt: string;
  status: 'pending' | 'delivered' | 'failed' | 'rejected';
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
}

export interface CrossTenantTokenPoliciesTable {
  owner_type: 'partner' | 'tenant';
  owner_id: string;
  access_ttl_sec: number | null;
  refresh_ttl_sec: number | null;
  updated_by: string | null;
  updated_at: string;
}
