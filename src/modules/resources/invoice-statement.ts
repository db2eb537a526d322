/**
 * The MSP's / partner's PDF invoice statement (invoice-export.service.ts asks for it): a title, per
 * customer a table of its invoices and its totals per currency, the grand totals last, page numbers in
 * the footer — in the requesting person's language: words from the catalog (invoice-statement.messages.ts),
 * money with Intl in each invoice's currency, dates and months as the reader's language writes them.
 * pdfkit streams each page as it is finished.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import { intlFor, say, type IntlShape, type MessageDescriptor } from '../../platform/i18n/intl.ts';
import { DEFAULT_LOCALE, formattingLocale, type Locale } from '../../platform/i18n/locales.ts';
import { formatMoney } from './invoice-document.ts';
import { m } from './invoice-statement.messages.ts';

/** One invoice of the statement, with its customer's name and its billing account's number. */
export interface StatementRow {
  tenant_id: string;
  tenant_name: string;
  number: string;
  ban_account_number: string | null;
  period: string;
  issued_at: string;
  due_at: string;
  status: string;
  currency: string;
  total_cents: number;
  balance_cents: number;
}

/** What the statement covers: one customer or all, and the months or days asked for. */
export interface StatementScope {
  customer: string | null;
  customers: number;
  from?: string;
  to?: string;
}

/**
 * The PDF's standard fonts (WinAnsi) have no narrow or thin no-break space, which French and German
 * number and date formats use; the plain no-break space keeps the figure whole (as invoice-document.ts).
 */
const drawable = (s: string) => s.replace(/[\u202f\u2009\u2007]/g, '\u00a0');

/** The words and formats of one reader's statement. */
export function statementWords(locale: Locale = DEFAULT_LOCALE) {
  const intl: IntlShape = intlFor(locale);
  const t = (msg: MessageDescriptor, values?: Record<string, string | number>) => drawable(say(intl, msg, values));
  const day = (iso: string) => drawable(intl.formatDate(iso, { dateStyle: 'short', timeZone: 'UTC' }));
  const month = (period: string) => (/^\d{4}-\d{2}$/.test(period) ? drawable(intl.formatDate(`${period}-01T00:00:00Z`, { month: '2-digit', year: 'numeric', timeZone: 'UTC' })) : period);
  /** a bound of the range asked for: a month ("2026-11") in words, or a day */
  const bound = (v: string) => (/^\d{4}-\d{2}$/.test(v) ? drawable(intl.formatDate(`${v}-01T00:00:00Z`, { month: 'long', year: 'numeric', timeZone: 'UTC' })) : day(v));
  const fl = formattingLocale(locale);
  return {
    t,
    day,
    month,
    money: (cents: number, currency: string) => drawable(formatMoney(cents, currency, fl)),
    title(s: StatementScope): string {
      const title = s.customer !== null ? t(m.titleCustomer, { customer: s.customer || t(m.unnamedCustomer) }) : t(m.titleCustomers, { count: s.customers });
      const range = s.from && s.to ? t(m.rangeBoth, { from: bound(s.from), to: bound(s.to) }) : s.from ? t(m.rangeFrom, { from: bound(s.from) }) : s.to ? t(m.rangeTo, { to: bound(s.to) }) : null;
      return range ? t(m.titleRange, { title, range }) : title;
    },
    generated: (now: Date) => t(m.generated, { when: drawable(intl.formatDate(now, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })) }),
  };
}

type Words = ReturnType<typeof statementWords>;

/** The file's name as a person files it, in their language: the partner's name, what it holds and the day ("fabrikam-msp-invoices-2026-11-26.csv"). */
export function exportFileName(partnerName: string | null, day: string, format: string, locale: Locale = DEFAULT_LOCALE): string {
  const slug = (partnerName ?? '')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return say(intlFor(locale), m.fileName, { partner: slug || 'none', day, format });
}

/** The statement's table: rows that never cut a value, pages that each end with their own number. */
function statementTable(doc: PDFKit.PDFDocument, left: number, w: Words) {
  const cols: [string, number, 'left' | 'right'][] = [
    [w.t(m.colInvoice), 112, 'left'],
    [w.t(m.colAccount), 69, 'left'],
    [w.t(m.colPeriod), 34, 'left'],
    [w.t(m.colIssued), 46, 'left'],
    [w.t(m.colDue), 46, 'left'],
    [w.t(m.colStatus), 36, 'left'],
    [w.t(m.colTotal), 86, 'right'],
    [w.t(m.colBalance), 86, 'right'],
  ];
  let page = 1;
  // the number sits in the bottom margin: pdfkit would start a page of its own for text written there,
  // so the margin is lifted while the number is written
  const footer = () => {
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#666').text(w.t(m.page, { page }), left, doc.page.height - 30, { width: doc.page.width - 80, align: 'right', lineBreak: false }).fillColor('#000');
    doc.page.margins.bottom = bottom;
  };
  const ensure = (h: number) => {
    if (doc.y + h <= doc.page.height - 50) return;
    footer();
    doc.addPage();
    page++;
    doc.y = 40;
  };
  const row = (cells: string[], bold = false) => {
    ensure(14);
    const y = doc.y;
    let x = left;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((c, i) => {
      const [, width, align] = cols[i];
      // nothing is cut: a value wider than its column is set smaller until it fits (a grand total in
      // the billions still reads whole); only a name past half size may end in an ellipsis
      let size = 8;
      doc.fontSize(size);
      while (size > (align === 'right' ? 3 : 4) && doc.widthOfString(c) > width - 4) doc.fontSize((size -= 0.5));
      doc.text(c, x, y + (8 - size) / 2, { width: width - 4, height: 10, align, lineBreak: false, ellipsis: align !== 'right' });
      x += width;
    });
    doc.y = y + 13;
  };
  return { row, ensure, footer, header: () => row(cols.map((c) => c[0]), true) };
}

type Sums = Map<string, { total: number; balance: number; n: number }>;

/** Adds an invoice to a customer's (or the grand) totals per currency; a void invoice counts but adds nothing. */
function addTo(sums: Sums, i: StatementRow): void {
  const s = sums.get(i.currency) ?? { total: 0, balance: 0, n: 0 };
  s.total += i.status === 'void' ? 0 : i.total_cents;
  s.balance += i.status === 'void' ? 0 : i.balance_cents;
  s.n++;
  sums.set(i.currency, s);
}

/** The statement as a PDF in the reader's language, written to `out` as it is read. */
export async function writeStatementPdf(rows: AsyncIterable<StatementRow>, out: Writable, scope: StatementScope, now: Date, locale: Locale = DEFAULT_LOCALE): Promise<void> {
  const w = statementWords(locale);
  const title = w.title(scope);
  const doc = new PDFDocument({ size: 'A4', margin: 40, bufferPages: false, lang: formattingLocale(locale), info: { Title: title, Producer: 'Partnergate' } });
  doc.pipe(out);
  const finished = once(out, 'finish');
  const left = 40;
  const { row, ensure, footer, header } = statementTable(doc, left, w);
  doc.font('Helvetica-Bold').fontSize(14).text(title, left, 40);
  doc.font('Helvetica').fontSize(9).fillColor('#444').text(w.generated(now)).fillColor('#000');
  doc.moveDown(1);

  const grand: Sums = new Map();
  let current: string | null = null;
  let sums: Sums = new Map();
  const closeCustomer = () => {
    if (current === null) return;
    for (const [cur, s] of sums) row([w.t(m.customerTotal, { count: s.n }), '', '', '', '', cur, w.money(s.total, cur), w.money(s.balance, cur)], true);
    doc.y += 8;
  };
  let n = 0;
  for await (const i of rows) {
    if (i.tenant_id !== current) {
      closeCustomer();
      current = i.tenant_id;
      sums = new Map();
      ensure(44);
      doc.font('Helvetica-Bold').fontSize(11).text(i.tenant_name || w.t(m.unnamedCustomer), left, doc.y);
      doc.y += 4;
      header();
    }
    row([i.number, i.ban_account_number ?? '', w.month(i.period), w.day(i.issued_at), w.day(i.due_at), w.t(m.status, { status: i.status }), w.money(i.total_cents, i.currency), w.money(i.balance_cents, i.currency)]);
    addTo(sums, i);
    addTo(grand, i);
    // let pdfkit hand finished pages to the stream now and then
    if (++n % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  closeCustomer();
  ensure(30);
  doc.font('Helvetica-Bold').fontSize(11).text(w.t(n === 0 ? m.none : m.allCustomers), left, doc.y);
  doc.y += 4;
  for (const [cur, g] of grand) row([w.t(m.grandTotal), '', '', '', '', cur, w.money(g.total, cur), w.money(g.balance, cur)], true);
  footer();
  doc.end();
  await finished;
}
