/** The words of a PDF invoice (invoice-document.ts), in the catalog of the server's messages. */
import { defineMessages } from '../../platform/i18n/intl.ts';

export const m = defineMessages({
  invoice: { id: 'invoice_pdf.invoice', defaultMessage: 'Invoice' },
  invoiceNumber: { id: 'invoice_pdf.invoice_number', defaultMessage: 'Invoice {number}' },
  status: {
    id: 'invoice_pdf.status',
    defaultMessage: 'Status: {status, select, open {Open — to pay} paid {Paid} overdue {Overdue} void {Void (cancelled)} other {{status}}}',
  },
  billedTo: { id: 'invoice_pdf.billed_to', defaultMessage: 'Billed to' },
  billingAccount: { id: 'invoice_pdf.billing_account', defaultMessage: 'Billing account {number}' },
  dates: { id: 'invoice_pdf.dates', defaultMessage: 'Dates' },
  billingMonth: { id: 'invoice_pdf.billing_month', defaultMessage: 'Billing month: {month}' },
  issued: { id: 'invoice_pdf.issued', defaultMessage: 'Issued: {date}' },
  due: { id: 'invoice_pdf.due', defaultMessage: 'Due: {date}' },
  description: { id: 'invoice_pdf.description', defaultMessage: 'Description' },
  quantity: { id: 'invoice_pdf.quantity', defaultMessage: 'Quantity' },
  amount: { id: 'invoice_pdf.amount', defaultMessage: 'Amount' },
  subtotal: { id: 'invoice_pdf.subtotal', defaultMessage: 'Subtotal' },
  tax: { id: 'invoice_pdf.tax', defaultMessage: 'Tax' },
  total: { id: 'invoice_pdf.total', defaultMessage: 'Total' },
  paidOn: { id: 'invoice_pdf.paid_on', defaultMessage: 'Paid on {date}' },
  balanceDue: { id: 'invoice_pdf.balance_due', defaultMessage: 'Balance due' },
  footer: {
    id: 'invoice_pdf.footer',
    defaultMessage: 'Amounts in {currency}. Questions about this invoice? Open a ticket in the portal under “Orders, invoices and tickets”.',
  },
  poweredBy: { id: 'invoice_pdf.powered_by', defaultMessage: 'Invoice · powered by {provider}' },
  chargesFor: { id: 'invoice_pdf.line.charges_for', defaultMessage: 'Charges for {month}' },
  monthlyServices: { id: 'invoice_pdf.line.monthly_services', defaultMessage: 'Monthly services' },
  mobileData: { id: 'invoice_pdf.line.mobile_data', defaultMessage: 'Mobile data' },
  voiceCalls: { id: 'invoice_pdf.line.voice_calls', defaultMessage: 'Voice calls' },
  textMessages: { id: 'invoice_pdf.line.text_messages', defaultMessage: 'Text messages (SMS)' },
  unit: { id: 'invoice_pdf.unit', defaultMessage: '{unit, select, gb {GB} minutes {{n, plural, one {minute} other {minutes}}} messages {{n, plural, one {message} other {messages}}} other {{unit}}}' },
  fileName: { id: 'invoice_pdf.file_name', defaultMessage: 'Invoice {number}.pdf' },
});
