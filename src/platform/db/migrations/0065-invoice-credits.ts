/**
 * What was taken back of an invoice after it was issued, and the Stripe record of why.
 *
 *  - invoices.credited_cents: the part of the invoice's total refunded, credited (credit notes) or lost in
 *    a dispute, in the invoice's minor units (0: none). The invoice stays paid while anything is left of
 *    it; the referral commission on it shrinks in proportion (its base is the subtotal × what is left of
 *    the total). A source sends it as the invoice line's `credited_cents` (docs/integrators/data-sync.md).
 *  - stripe_objects.adjustments: per Stripe invoice, the refunds by charge and by refund, the credit notes
 *    and the lost disputes that make its credited_cents (JSON), so each event replaces its own part and a
 *    refund a credit note also made is counted once.
 * Both are added with a default: a release before this one writes rows that read as "nothing taken back".
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema.alterTable('invoices').addColumn('credited_cents', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('stripe_objects').addColumn('adjustments', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  },
};
