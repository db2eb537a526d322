/**
 * The MSP's PDF statement, read back from the file's text (pdftotext, poppler-utils) page by page:
 * every figure is written whole — an invoice of $1,234,567.89 and grand totals above a million
 * are never cut to "$1,23…" — and each page carries its own number at its foot, 1 to N in order, with
 * no page that holds nothing but a number.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let staff: Client;
let big: TestTenant;
let many: TestTenant;
const ROWS = 150;

const usd = (cents: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

beforeAll(async () => {
  t = await startTestApp();
  const p = await t.world.partner({ capabilities: ['managed_services'] });
  [big, many] = await Promise.all([t.world.tenant({ bans: 1 }), t.world.tenant({ bans: 1 })]);
  const rows = [];
  const inv = (x: TestTenant, i: number, total: number, status: 'open' | 'paid') => ({
    id: newId('ivc'),
    tenant_id: x.id,
    ban_id: x.bans[0].id,
    number: `ST-${x.id.slice(-4)}-${String(i).padStart(4, '0')}`,
    period: '2026-01',
    issued_at: '2026-01-05T00:00:00.000Z',
    due_at: '2026-02-04T00:00:00.000Z',
    currency: 'USD',
    subtotal_cents: total,
    tax_cents: 0,
    total_cents: total,
    balance_cents: status === 'paid' ? 0 : total,
    status,
    paid_at: status === 'paid' ? '2026-01-20T00:00:00.000Z' : null,
    created_at: '2026-01-05T00:00:00.000Z',
  });
  // one invoice above a million on its own
  rows.push(inv(big, 0, 123_456_789, 'open'));
  // and enough smaller ones to fill several pages: 150 × USD 98,765.43
  for (let i = 0; i < ROWS; i++) rows.push(inv(many, i, 9_876_543, i % 3 === 0 ? 'open' : 'paid'));
  await t.services.db.kysely.insertInto('invoices').values(rows).execute();
  for (const x of [big, many]) await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.partners.updateConfigSection(t.world.ctx, p.id, 'features', { 'exports.pdf': true });
  await t.services.feed.drain();
  staff = await loginAs(t, p.staff);
});
afterAll(() => t.close());

describe('the PDF statement, read back', () => {
  it('writes every amount whole and numbers each page of content once, at its foot', async () => {
    const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'pdf' });
    expect(r.status).toBe(200);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pg-statement-')), 'statement.pdf');
    writeFileSync(file, r.raw.rawPayload);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString('utf8'))?.[1]);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
    // pdftotext ends each page with a form feed
    const byPage = text.split('\f').slice(0, pages);
    expect(byPage).toHaveLength(pages);
    expect(pages).toBeGreaterThanOrEqual(3);

    // no figure is cut short
    expect(text).not.toContain('…');
    expect(text).toContain(usd(123_456_789));
    const manyTotal = ROWS * 9_876_543;
    const manyBalance = Math.ceil(ROWS / 3) * 9_876_543;
    expect(text).toContain(usd(manyTotal));
    expect(text).toContain(usd(manyBalance));
    const grand = /Grand total\s+USD\s+(\$[\d,.]+)\s+(\$[\d,.]+)/.exec(text.replace(/\s+/g, ' '));
    expect(grand?.slice(1)).toEqual([usd(manyTotal + 123_456_789), usd(manyBalance + 123_456_789)]);

    // page i ends with "Page i", and holds more than its number
    byPage.forEach((page, i) => {
      const lines = page.split('\n').map((l) => l.trim()).filter(Boolean);
      expect(lines.at(-1), `page ${i + 1}`).toBe(`Page ${i + 1}`);
      expect(lines.length, `page ${i + 1} holds only its number`).toBeGreaterThan(1);
      expect(lines.filter((l) => /^Page \d+$/.test(l)), `page ${i + 1}`).toEqual([`Page ${i + 1}`]);
    });
  });
});
