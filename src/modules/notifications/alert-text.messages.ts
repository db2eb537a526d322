/**
 * The words of an alert (alert-text.ts), in the catalog of the server's messages: its one-line title and its
 * sentence with the figures, said in the reader's language from the alert's kind and figures.
 */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const am = defineMessages({
  title: {
    id: 'alert.title',
    defaultMessage:
      '{severity, select, critical {Critical} other {Warning}}: {kind, select, sla_breach {availability below the SLA} receivables_threshold {receivables above the threshold} other {invoice overdue}} — {tenant}',
  },
  sla: {
    id: 'alert.sla_breach.detail',
    defaultMessage:
      'Availability in {period} was {achieved}, below the {committed} committed ({downtime} min down, {incidents, plural, one {# incident} other {# incidents}}).',
  },
  receivables: { id: 'alert.receivables_threshold.detail', defaultMessage: 'The customer owes {owed}, above the {limit} threshold.' },
  overdue: { id: 'alert.invoice_overdue.detail', defaultMessage: 'Invoice {number} ({amount}) was due {due} and is unpaid.' },
  hidden: {
    id: 'alert.figures_hidden',
    defaultMessage: 'An alert was raised for this customer; its figures are not shown to you (your access to this customer does not include reading them).',
  },
});
