/**
 * Row shapes of domain events, webhooks and their deliveries, in-app notifications and their
 * preferences, and mail (modules/notifications). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

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
