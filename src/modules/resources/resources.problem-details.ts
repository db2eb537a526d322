/**
 * The sentences this module's problems say to a person (their `detail`), in the reader's language: each
 * throw site names one of these messages, with its values as ICU placeholders (platform/errors/problem.ts).
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const problemDetails = defineMessages({
  assignTicketActiveMember: { id: 'problem.assignee_not_member.assign_ticket_active_member_organization', defaultMessage: "Assign the ticket to an active member of your organization." },
  billingAccountClosed: { id: 'problem.ban_not_covered.billing_account_closed', defaultMessage: "Billing account {account_number} is closed." },
  billingAccountNotCovered: { id: 'problem.ban_not_covered.billing_account_not_covered_access', defaultMessage: "Billing account {ref} is not covered by your access." },
  accessCoversOnlySome: { id: 'problem.ban_required.access_covers_only_some_billing', defaultMessage: "Your access covers only some billing accounts of this tenant: name one in ban_id." },
  wholesaleDelegationNamesNo: { id: 'problem.bill_to_missing.wholesale_delegation_names_no_billing', defaultMessage: "The wholesale delegation names no billing account of the wholesaler to charge." },
  pdfInvoiceExportEarly: { id: 'problem.feature_not_enabled.pdf_invoice_export_early_access', defaultMessage: "PDF invoice export is an early-access feature that is not enabled for your organization; export as CSV, or ask the platform operator to enable it." },
  idempotencyKeyWasUsed: { id: 'problem.idempotency_key_reused.idempotency_key_was_used_different', defaultMessage: "This Idempotency-Key was used for a different order." },
  closedTicketCannotChanged: { id: 'problem.invalid_ticket_transition.closed_ticket_cannot_changed', defaultMessage: "A closed ticket cannot be changed." },
  ticketCannotBecome: { id: 'problem.invalid_ticket_transition.ticket_cannot_become', defaultMessage: "A {status} ticket cannot become {status2}." },
  orderCannotCancelled: { id: 'problem.order_not_cancellable.order_cannot_cancelled', defaultMessage: "A {status} order cannot be cancelled." },
  unknownProduct: { id: 'problem.order_not_found.unknown_product', defaultMessage: "Unknown product." },
  periodMustRunForwards: { id: 'problem.validation_failed.period_must_run_forwards', defaultMessage: "The period must run forwards." },
});
