/** What a Stripe data source is set up with, and what it answers a webhook. */
import type { LineResult } from '../datasources/index.ts';

export interface StripeSetup {
  webhook_secret: string;
  api_key?: string | null;
}

export type EventOutcome = 'applied' | 'waiting' | 'ignored' | 'duplicate';

export interface WebhookResult {
  event_id: string;
  type: string;
  outcome: EventOutcome;
  /** in words, when nothing was applied */
  reason?: string;
  results: LineResult[];
}

export interface StripeCustomer {
  id: string;
  name?: string | null;
  email?: string | null;
  deleted?: boolean;
  metadata?: Record<string, string> | null;
}
