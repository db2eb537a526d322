/** The words of an MSP's / partner's PDF invoice statement (invoice-statement.ts), in the catalog of the server's messages. */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const m = defineMessages({
  titleCustomer: { id: 'invoice_statement.title.customer', defaultMessage: 'Invoice statement — {customer}' },
  titleCustomers: { id: 'invoice_statement.title.customers', defaultMessage: 'Invoice statement — {count, plural, one {# customer} other {# customers}}' },
  titleRange: { id: 'invoice_statement.title.range', defaultMessage: '{title} — {range}' },
  rangeBoth: { id: 'invoice_statement.range.both', defaultMessage: '{from} to {to}' },
  rangeFrom: { id: 'invoice_statement.range.from', defaultMessage: 'from {from}' },
  rangeTo: { id: 'invoice_statement.range.to', defaultMessage: 'until {to}' },
  unnamedCustomer: { id: 'invoice_statement.unnamed_customer', defaultMessage: 'Customer' },
  generated: { id: 'invoice_statement.generated', defaultMessage: 'Made on {when} (UTC) · amounts in each invoice’s currency' },
  colInvoice: { id: 'invoice_statement.column.invoice', defaultMessage: 'Invoice' },
  colAccount: { id: 'invoice_statement.column.account', defaultMessage: 'Account' },
  colPeriod: { id: 'invoice_statement.column.period', defaultMessage: 'Month' },
  colIssued: { id: 'invoice_statement.column.issued', defaultMessage: 'Issued' },
  colDue: { id: 'invoice_statement.column.due', defaultMessage: 'Due' },
  colStatus: { id: 'invoice_statement.column.status', defaultMessage: 'Status' },
  colTotal: { id: 'invoice_statement.column.total', defaultMessage: 'Total' },
  colBalance: { id: 'invoice_statement.column.balance', defaultMessage: 'Balance' },
  status: { id: 'invoice_statement.status', defaultMessage: '{status, select, open {Open} paid {Paid} overdue {Overdue} void {Void} draft {Draft} other {{status}}}' },
  customerTotal: { id: 'invoice_statement.customer_total', defaultMessage: 'Total ({count, plural, one {# invoice} other {# invoices}})' },
  allCustomers: { id: 'invoice_statement.all_customers', defaultMessage: 'All customers' },
  grandTotal: { id: 'invoice_statement.grand_total', defaultMessage: 'Grand total' },
  none: { id: 'invoice_statement.none', defaultMessage: 'No invoices match.' },
  page: { id: 'invoice_statement.page', defaultMessage: 'Page {page}' },
  fileName: { id: 'invoice_statement.file_name', defaultMessage: '{partner, select, none {invoices-{day}} other {{partner}-invoices-{day}}}.{format}' },
});
