/**
 * Each sync line is checked on its own, before anything is written, the same on every database: a
 * date that does not exist (2026-02-30, 2026-04-31T25:00Z), a NUL character anywhere in a line, and
 * a negative invoice amount are refused with the line's number and the JSON pointer of what is
 * wrong — and the batch's other lines are applied as if the bad ones were not there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';

let t: TestApp;
let A: TestTenant;
let token: string;

type Result = { line: number; external_id: string | null; status: string; problem?: { code: string; line: number; errors?: { pointer: string; detail: string }[] } };

async function send(lines: unknown[]) {
  const res = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: lines.map((l) => JSON.stringify(l)).join('\n') });
  return { status: res.statusCode, body: res.json() as { applied: number; rejected: number; results: Result[]; code?: string } };
}

beforeAll(async () => {
  t = await startTestApp();
  A = await t.world.tenant({ bans: 1 });
  const operator = await (await t.world.operator()).login();
  const r = await operator.post('/api/v1/data-sources', { name: unique('Billing'), kinds: ['invoices', 'tickets', 'orders'], scope: { all: true } });
  expect(r.status).toBe(201);
  token = r.body.token;
});
afterAll(() => t.close());

const invoice = (id: string, over: Record<string, unknown> = {}) => ({
  kind: 'invoice',
  external_id: id,
  version: 1,
  data: { ban: A.bans[0].account_number, number: id, period: '2026-02', issued_at: '2026-02-01T00:00:00Z', due_at: '2026-02-15T00:00:00Z', currency: 'EUR', subtotal_cents: 10_000, tax_cents: 2_000, total_cents: 12_000, balance_cents: 12_000, status: 'open', ...over },
});
const ticket = (id: string, over: Record<string, unknown> = {}) => ({
  kind: 'ticket',
  external_id: id,
  version: 1,
  data: { ban: A.bans[0].account_number, subject: `Ticket ${id}`, description: 'Line down', category: 'technical', priority: 'normal', status: 'open', opened_at: '2026-02-10T08:00:00Z', ...over },
});

describe('a batch with bad lines among good ones', () => {
  it('refuses each bad line with its number and pointer, and applies every other line', async () => {
    const p = unique('V');
    const lines = [
      invoice(`${p}-good-1`),
      invoice(`${p}-feb30`, { due_at: '2026-02-30T00:00:00Z' }),
      ticket(`${p}-hour25`, { opened_at: '2026-04-31T25:00:00Z' }),
      invoice(`${p}-good-2`, { issued_at: '2028-02-29T12:00:00+01:00' }),
      ticket(`${p}-nul`, { description: 'before\u0000after' }),
      { ...ticket(`${p}-nulkey`), data: { ...ticket('x').data, 'sub\u0000ject': 'x' } },
      invoice(`${p}-negative`, { total_cents: -12_000, balance_cents: -12_000 }),
      invoice(`${p}-negative-tax`, { tax_cents: -1 }),
      { kind: 'ticket', external_id: `${p}-when`, updated_at: '2026-13-01T00:00:00Z', data: ticket('y').data },
      ticket(`${p}-good-3`),
      { kind: 'order', external_id: `${p}-leap`, version: 1, data: { ban: A.bans[0].account_number, product_code: 'FIBER', product_name: 'Fiber', quantity: 1, unit_price_cents: 100, total_cents: 100, currency: 'EUR', status: 'submitted', placed_at: '2027-02-29T00:00:00Z' } },
    ];
    const r = await send(lines);
    expect(r.status).toBe(200);
    const byId = new Map(r.body.results.map((x) => [x.external_id, x]));
    expect(r.body.results.map((x) => x.status)).toEqual(['applied', 'rejected', 'rejected', 'applied', 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'applied', 'rejected']);
    expect(r.body).toMatchObject({ applied: 3, rejected: 8 });
    const refusal = (id: string) => {
      const x = byId.get(`${p}-${id}`)!;
      expect(x.problem?.code, id).toBe('line_malformed');
      expect(x.problem?.line, id).toBe(x.line);
      return x.problem!.errors!.map((e) => e.pointer);
    };
    expect(refusal('feb30')).toEqual(['/data/due_at']);
    expect(refusal('hour25')).toEqual(['/data/opened_at']);
    expect(refusal('nul')).toEqual(['/data/description']);
    expect(refusal('nulkey')).toEqual(['/data/sub\u0000ject']);
    expect(refusal('negative')).toEqual(expect.arrayContaining(['/data/total_cents', '/data/balance_cents']));
    expect(refusal('negative-tax')).toEqual(['/data/tax_cents']);
    expect(refusal('when')).toEqual(['/updated_at']);
    expect(refusal('leap')).toEqual(['/data/placed_at']);

    // the good lines are there, as sent; nothing of the bad ones is
    const db = t.services.db.kysely;
    const invoices = await db.selectFrom('invoices').select(['number', 'issued_at', 'due_at']).where('tenant_id', '=', A.id).where('number', 'like', `${p}-%`).orderBy('number').execute();
    expect(invoices.map((i) => i.number)).toEqual([`${p}-good-1`, `${p}-good-2`]);
    expect(invoices[1].issued_at).toBe('2028-02-29T11:00:00.000Z');
    const tickets = await db.selectFrom('support_tickets').select('subject').where('tenant_id', '=', A.id).where('subject', 'like', `Ticket ${p}-%`).execute();
    expect(tickets.map((x) => x.subject)).toEqual([`Ticket ${p}-good-3`]);
    // and /state counts only what was applied
    const state = await t.app.inject({ method: 'GET', url: '/sync/v1/state', headers: { authorization: `Bearer ${token}` } });
    expect(state.json().kinds.find((k: { kind: string }) => k.kind === 'invoice').records).toBe(2);
  });

  it('a batch of only a NUL line is answered line by line, never refused whole', async () => {
    const r = await send([ticket(unique('only'), { subject: 'a\u0000b' })]);
    expect(r.status).toBe(200);
    expect(r.body.results[0]).toMatchObject({ status: 'rejected', problem: { code: 'line_malformed', errors: [{ pointer: '/data/subject' }] } });
  });
});
