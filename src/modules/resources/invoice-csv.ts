/**
 * The invoice export as CSV (invoice-export.service.ts asks for it): RFC 4180, formula cells
 * neutralised, one row per invoice, written as the rows are read.
 *
 * The file is for a person reading it in a spreadsheet, so its headings and the invoice's status are
 * in the requesting person's language (the same language as the PDF statement). The cells stay
 * machine-readable in every language: days as ISO dates ("2026-11-26"), amounts as plain decimals of
 * the currency with a dot ("1234.56"). A spreadsheet opening the file turns those into its own
 * formats; a French "1 234,56" would instead split at the comma or read as text.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { csvCell } from '../../platform/http/csv.ts';
import { defineMessages, intlFor, say } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import { m as statement } from './invoice-statement.messages.ts';
import type { InvoiceRow } from './resources.repo.ts';

const headings = defineMessages({
  customer: { id: 'invoice_csv.column.customer', defaultMessage: 'Customer' },
  number: { id: 'invoice_csv.column.number', defaultMessage: 'Invoice number' },
  account: { id: 'invoice_csv.column.account', defaultMessage: 'Billing account' },
  accountName: { id: 'invoice_csv.column.account_name', defaultMessage: 'Billing account name' },
  period: { id: 'invoice_csv.column.period', defaultMessage: 'Period' },
  issued: { id: 'invoice_csv.column.issued', defaultMessage: 'Issued on' },
  due: { id: 'invoice_csv.column.due', defaultMessage: 'Due on' },
  status: { id: 'invoice_csv.column.status', defaultMessage: 'Status' },
  currency: { id: 'invoice_csv.column.currency', defaultMessage: 'Currency' },
  subtotal: { id: 'invoice_csv.column.subtotal', defaultMessage: 'Subtotal' },
  tax: { id: 'invoice_csv.column.tax', defaultMessage: 'Tax' },
  total: { id: 'invoice_csv.column.total', defaultMessage: 'Total' },
  balance: { id: 'invoice_csv.column.balance', defaultMessage: 'Balance' },
  paid: { id: 'invoice_csv.column.paid', defaultMessage: 'Paid on' },
});

/** The columns, in order: the customer, the invoice and billing account by their numbers, days, money as decimal amounts — no internal ids and no cents twice. */
const COLUMN_ORDER = ['customer', 'number', 'account', 'accountName', 'period', 'issued', 'due', 'status', 'currency', 'subtotal', 'tax', 'total', 'balance', 'paid'] as const;

/** The headings in a reader's language (English: INVOICE_EXPORT_COLUMNS). */
export function invoiceCsvHeadings(locale: Locale = DEFAULT_LOCALE): string[] {
  const intl = intlFor(locale);
  return COLUMN_ORDER.map((k) => say(intl, headings[k]));
}

/** The English headings. */
export const INVOICE_EXPORT_COLUMNS: readonly string[] = invoiceCsvHeadings(DEFAULT_LOCALE);

export type ExportRow = InvoiceRow & { tenant_name: string; ban_account_number: string | null; ban_name: string | null };

/** An ISO instant or day as the day ("2026-11-26"), empty when there is none. */
const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : null);

/** Cents as the decimal amount a spreadsheet reads as a number: 1235 → "12.35". */
export function amount(cents: number): string {
  const neg = cents < 0;
  const a = Math.abs(Math.trunc(cents));
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Write with back-pressure: wait for 'drain' when the stream's buffer is full. */
export async function put(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function writeCsv(rows: AsyncIterable<ExportRow>, out: Writable, locale: Locale = DEFAULT_LOCALE): Promise<void> {
  const intl = intlFor(locale);
  await put(out, invoiceCsvHeadings(locale).map(csvCell).join(',') + '\r\n');
  let buf = '';
  let n = 0;
  for await (const i of rows) {
    const status = say(intl, statement.status, { status: i.status });
    buf += [i.tenant_name, i.number, i.ban_account_number, i.ban_name, i.period, day(i.issued_at), day(i.due_at), status, i.currency, amount(i.subtotal_cents), amount(i.tax_cents), amount(i.total_cents), amount(i.balance_cents), day(i.paid_at)].map(csvCell).join(',') + '\r\n';
    if (++n % 200 === 0) {
      await put(out, buf);
      buf = '';
    }
  }
  if (buf) await put(out, buf);
  out.end();
  await once(out, 'finish');
}
