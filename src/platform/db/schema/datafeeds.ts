/**
 * Row shapes of the Stripe feed (modules/datafeeds; migration 0036). Conventions: schema.ts.
 */

export interface StripeSourcesTable {
  source_id: string;
  /** sealed with the installation's secret (encryptWithSecret); never returned */
  webhook_secret_sealed: string;
  api_key_sealed: string | null;
  /** the Stripe API's base URL when not Stripe's own (e.g. a Stripe-compatible test server) */
  api_base: string | null;
  created_at: string;
  updated_at: string;
  last_event_at: string | null;
  last_backfill_at: string | null;
}

export interface StripeCustomersTable {
  source_id: string;
  customer_id: string;
  name: string | null;
  email: string | null;
  ban: string | null;
  /** 'metadata' (the customer's metadata.ban) or 'operator' (set in the portal; wins) */
  origin: 'metadata' | 'operator' | 'seen';
  updated_at: string;
}

export interface StripeObjectsTable {
  source_id: string;
  object_id: string;
  customer_id: string;
  /** JSON: the sync line it last became, without its ban */
  line: string;
  version: number;
  /** JSON array of charge and payment-intent ids that paid it (a refund finds its invoice by them) */
  payment_refs: string;
  refunded_cents: number;
  waiting: number;
  /** JSON: refunds by charge and by refund, credit notes, lost disputes (migration 0065; stripe-credits.ts) */
  adjustments: string;
  updated_at: string;
}

export interface StripeEventsTable {
  source_id: string;
  event_id: string;
  type: string;
  received_at: string;
}
