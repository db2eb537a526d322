/**
 * Which Stripe API versions and webhook events a Stripe data source reads (docs/integrators/data-sync.md lists the
 * same events; a test compares).
 */
import Stripe from 'stripe';

/** The oldest Stripe API version whose events are read: every field used here exists since. */
export const STRIPE_OLDEST_API_VERSION = '2020-08-27';
/** The newest: the version the bundled library speaks; a newer event waits for a Partnergate that knows it. */
export const STRIPE_NEWEST_API_VERSION: string = Stripe.API_VERSION;
const dayOf = (v: string) => v.slice(0, 10);

/** The events an endpoint sends here (each is read; docs/integrators/data-sync.md lists the same, a test compares). */
export const STRIPE_WEBHOOK_EVENTS = [
  'invoice.finalized',
  'invoice.paid',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'invoice_payment.paid',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.closed',
  'credit_note.created',
  'credit_note.updated',
  'credit_note.voided',
  'customer.created',
  'customer.updated',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
] as const;

/** Why an event's API version is not read, or null. */
export function refuseApiVersion(v: string | null | undefined): string | null {
  if (!v || !/^\d{4}-\d{2}-\d{2}/.test(v)) return 'The event names no Stripe API version.';
  if (dayOf(v) < STRIPE_OLDEST_API_VERSION) return `Stripe API version ${v} is older than ${STRIPE_OLDEST_API_VERSION}, the oldest this installation reads: set the endpoint's API version in Stripe to a newer one.`;
  if (dayOf(v) > dayOf(STRIPE_NEWEST_API_VERSION)) return `Stripe API version ${v} is newer than ${STRIPE_NEWEST_API_VERSION}, the newest this installation reads: set the endpoint's API version in Stripe to ${STRIPE_NEWEST_API_VERSION} or older, or upgrade Partnergate.`;
  return null;
}
