/**
 * One invoice as a customer reads it: its lines, totals, tax, due date, status, billing account
 * and payment — and the same as a PDF.
 *
 * The reference store keeps an invoice's totals, not its lines; the lines are derived from what
 * the store does keep for the invoice's billing account and month: the usage records (data,
 * voice, SMS, each with its quantity and amount) and, for the rest of the subtotal, the monthly
 * services. The lines always add up to the stored subtotal; when the usage recorded exceeds it
 * (a provider's data that does not match), the invoice shows one line for the whole subtotal
 * rather than lines that would not add up.
 *
 * The PDF is written with pdfkit (already the invoice export's library, invoice-export.service.ts:
 * well kept, streams, standard fonts built in, no native code), amounts formatted with
 * Intl.NumberFormat in the invoice's currency, as the portal formats them.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { Executor } from '../../platform/db/database.ts';
import * as repo from './resources.repo.ts';
import { intlFor, say, type IntlShape, type MessageDescriptor } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, formattingLocale, type Locale } from '../../platform/i18n/locales.ts';
import { m } from './invoice-document.messages.ts';
import { billingLookups } from '../tenants/index.ts';
import { toInvoiceDto } from './resource-dtos.ts';

export interface InvoiceLine {
  /** what the line is, for a document in another language (not sent over the API) */
  key?: 'charges' | 'monthly' | 'data_gb' | 'voice_minutes' | 'sms_count';
  description: string;
  quantity: number | null;
  unit: string | null;
  amount_cents: number;
}

export interface InvoiceDetail extends ReturnType<typeof toInvoiceDto> {
  ban_account_number: string | null;
  ban_name: string | null;
  tenant_name: string;
  lines: InvoiceLine[];
  payments: { paid_at: string; amount_cents: number }[];
}

const METRICS: Record<string, [string, string]> = {
  data_gb: ['Mobile data', 'GB'],
  voice_minutes: ['Voice calls', 'minutes'],
  sms_count: ['Text messages (SMS)', 'messages'],
};

/** One invoice within the scopes with its customer's name and its account, or undefined (absent or not visible). */
export async function findInvoiceDetail(db: Executor, scopes: readonly repo.TenantScope[], id: string): Promise<InvoiceDetail | undefined> {
  const inv = await repo.findInvoice(db, scopes, id);
  if (!inv) return undefined;
  // the names beside the row, as the invoice list joins them (resource-lists.ts)
  const names = await billingLookups.findTenantAndAccountNames(db, inv.tenant_id, inv.ban_id);
  return {
    ...toInvoiceDto(inv),
    tenant_name: names?.tenant_name ?? '',
    ban_account_number: names?.ban_account_number ?? null,
    ban_name: names?.ban_name ?? null,
    lines: await invoiceLines(db, inv),
    payments: invoicePayments(inv),
  };
}

/** The invoice's lines: monthly services, then each usage metric of its account and month. */
export async function invoiceLines(db: Executor, inv: repo.InvoiceRow): Promise<InvoiceLine[]> {
  const usage = await repo.listUsage(db, [{ tenantId: inv.tenant_id, bans: [inv.ban_id] }], { ban: inv.ban_id, periodFrom: inv.period, periodTo: inv.period, limit: 100 });
  const own = usage.filter((u) => u.currency === inv.currency && u.service_id === null);
  const usageCents = own.reduce((n, u) => n + u.amount_cents, 0);
  if (own.length === 0 || usageCents > inv.subtotal_cents) return [{ key: 'charges', description: `Charges for ${inv.period}`, quantity: null, unit: null, amount_cents: inv.subtotal_cents }];
  const lines: InvoiceLine[] = [];
  if (inv.subtotal_cents - usageCents > 0) lines.push({ key: 'monthly', description: 'Monthly services', quantity: null, unit: null, amount_cents: inv.subtotal_cents - usageCents });
  for (const u of [...own].sort((a, b) => a.metric.localeCompare(b.metric))) {
    const [label, unit] = METRICS[u.metric] ?? [u.metric, null];
    lines.push({ ...(u.metric in METRICS ? { key: u.metric as InvoiceLine['key'] } : {}), description: label, quantity: u.quantity, unit, amount_cents: u.amount_cents });
  }
  return lines;
}

/** The payments the store records: a paid invoice's settlement (the store keeps one date per invoice). */
export function invoicePayments(inv: repo.InvoiceRow): { paid_at: string; amount_cents: number }[] {
  return inv.paid_at ? [{ paid_at: inv.paid_at, amount_cents: inv.total_cents - inv.balance_cents }] : [];
}

/** Money as the portal writes it (web/src/components/format.ts): Intl in the invoice's currency and the reader's language. */
export function formatMoney(cents: number, currency: string, locale: string = 'en-US'): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** The file a customer downloads: named in words, in the reader's language. */
export function invoiceFileName(number: string, locale: Locale = DEFAULT_LOCALE): string {
  return say(intlFor(locale), m.fileName, { number });
}

/** A partner's brand in an invoice's header: its name and logo, "powered by" the provider. */
export interface InvoiceBrand {
  name: string;
  /** #rrggbb (readable on white: checked when the partner saved it) */
  color: string | null;
  /** a PNG or JPEG logo (pdfkit draws those two) */
  logo: Buffer | null;
}

const LINE_WORDS = { monthly: m.monthlyServices, data_gb: m.mobileData, voice_minutes: m.voiceCalls, sms_count: m.textMessages } as const;

/**
 * The PDF's standard fonts (WinAnsi) have no narrow or thin no-break space, which French and other languages'
 * number and date formats use: drawn, they came out as "/" ("23 /245,54 $US"). The plain no-break space keeps
 * the figure whole and on one line.
 */
const drawable = (s: string) => s.replace(/[\u202f\u2009\u2007]/g, '\u00a0');

/** The words and formats of one reader's invoice. */
function invoiceWords(intl: IntlShape, locale: Locale, inv: InvoiceDetail) {
  const fl = formattingLocale(locale);
  const day = (iso: string) => drawable(intl.formatDate(iso, { dateStyle: 'medium', timeZone: 'UTC' }));
  const month = /^\d{4}-\d{2}$/.test(inv.period) ? intl.formatDate(`${inv.period}-01T00:00:00Z`, { month: 'long', year: 'numeric', timeZone: 'UTC' }) : inv.period;
  const line = (l: InvoiceLine) => (l.key === 'charges' ? say(intl, m.chargesFor, { month }) : l.key ? say(intl, LINE_WORDS[l.key]) : l.description);
  const quantity = (l: InvoiceLine) =>
    l.quantity === null ? '' : `${drawable(intl.formatNumber(l.quantity))} ${l.unit === null ? '' : say(intl, m.unit, { unit: l.unit === 'GB' ? 'gb' : l.unit, n: l.quantity })}`.trim();
  return { day, month, line, quantity, money: (c: number) => drawable(formatMoney(c, inv.currency, fl)) };
}

/** The invoice as a one-page A4 PDF in the reader's language: provider (or its partner's brand), customer, account, dates, lines, totals, payment. */
export async function invoicePdf(inv: InvoiceDetail, providerName: string, brand: InvoiceBrand | null = null, locale: Locale = DEFAULT_LOCALE): Promise<Buffer> {
  const intl = intlFor(locale);
  const t = (msg: MessageDescriptor, values?: Record<string, string | number>) => say(intl, msg, values);
  const w = invoiceWords(intl, locale, inv);
  const doc = new PDFDocument({ size: 'A4', margin: 50, lang: formattingLocale(locale), info: { Title: t(m.invoiceNumber, { number: inv.number }), Author: brand?.name ?? providerName, Producer: 'Partnergate' } });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  doc.pipe(out);
  const done = once(out, 'end');
  const left = 50;
  const width = doc.page.width - 100;

  if (brand) brandHeader(doc, brand, t(m.poweredBy, { provider: providerName }), left);
  else {
    doc.font('Helvetica-Bold').fontSize(18).text(providerName, left, 50);
    doc.font('Helvetica').fontSize(10).fillColor('#444').text(t(m.invoice), left, 74).fillColor('#000');
  }
  doc.font('Helvetica-Bold').fontSize(14).text(t(m.invoiceNumber, { number: inv.number }), left, 50, { width, align: 'right' });
  doc.font('Helvetica').fontSize(10).text(t(m.status, { status: inv.status }), left, 70, { width, align: 'right' });

  doc.moveDown(3);
  const y0 = doc.y;
  doc.font('Helvetica-Bold').fontSize(10).text(t(m.billedTo), left, y0);
  doc.font('Helvetica').text(inv.tenant_name);
  if (inv.ban_name) doc.text(inv.ban_name);
  if (inv.ban_account_number) doc.text(t(m.billingAccount, { number: inv.ban_account_number }));
  const col2 = left + width / 2;
  doc.font('Helvetica-Bold').text(t(m.dates), col2, y0);
  doc.font('Helvetica').text(t(m.billingMonth, { month: w.month }), col2).text(t(m.issued, { date: w.day(inv.issued_at) }), col2).text(t(m.due, { date: w.day(inv.due_at) }), col2);

  doc.moveDown(2);
  const cols: [string, number, 'left' | 'right'][] = [
    [t(m.description), width * 0.5, 'left'],
    [t(m.quantity), width * 0.25, 'right'],
    [t(m.amount), width * 0.25, 'right'],
  ];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    let x = left;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(10);
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: cols[i][1] - 6, align: cols[i][2], lineBreak: false });
      x += cols[i][1];
    });
    doc.y = y + 18;
  };
  row(cols.map((c) => c[0]), true);
  doc.moveTo(left, doc.y - 4).lineTo(left + width, doc.y - 4).strokeColor('#999').stroke();
  for (const l of inv.lines) row([w.line(l), w.quantity(l), w.money(l.amount_cents)]);
  doc.moveTo(left, doc.y - 4).lineTo(left + width, doc.y - 4).strokeColor('#999').stroke();
  row([t(m.subtotal), '', w.money(inv.subtotal_cents)]);
  row([t(m.tax), '', w.money(inv.tax_cents)]);
  row([t(m.total), '', w.money(inv.total_cents)], true);
  for (const p of inv.payments) row([t(m.paidOn, { date: w.day(p.paid_at) }), '', w.money(-p.amount_cents)]);
  row([t(m.balanceDue), '', w.money(inv.balance_cents)], true);

  doc.moveDown(2);
  doc.font('Helvetica').fontSize(9).fillColor('#444').text(t(m.footer, { currency: inv.currency }), left, doc.y, { width });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** The header's left side in a partner's brand: logo (when it has one pdfkit can draw), name in its colour, "Invoice · powered by <provider>". */
function brandHeader(doc: PDFKit.PDFDocument, brand: InvoiceBrand, poweredBy: string, left: number): void {
  let x = left;
  if (brand.logo) {
    try {
      doc.image(brand.logo, left, 46, { fit: [96, 32] });
      x = left + 104;
    } catch {
      x = left; // a logo pdfkit cannot read: the name alone
    }
  }
  const color = brand.color && /^#[0-9a-fA-F]{6}$/.test(brand.color) ? brand.color : '#000000';
  doc.font('Helvetica-Bold').fontSize(16).fillColor(color).text(brand.name, x, 50, { width: 250, lineBreak: false, ellipsis: true });
  doc.font('Helvetica').fontSize(9).fillColor('#444').text(poweredBy, x, 72, { lineBreak: false }).fillColor('#000');
}
