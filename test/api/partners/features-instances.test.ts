/**
 * Partner features across two real server processes on one PostgreSQL and one Redis: the operator switches
 * the beta feature `exports.pdf` (PDF invoice export) on for one partner — and leaves it off for
 * another — through instance 1; instance 2 serves the first partner's PDF and refuses the other's
 * within 1 s, and refuses the first again within 1 s after the operator switches it off. The
 * processes re-read the outbox only every 30 s, so within 1 s only the change feed's Redis fan-out
 * can deliver it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair, until } from '../../helpers/instance-pair.ts';
import { HttpClient } from '../../helpers/server-process.ts';
import type { TestPartner, TestUser } from '../../helpers/world.ts';

let pair: InstancePair;
let inBeta: TestPartner;
let outside: TestPartner;
let operator: TestUser;

beforeAll(async () => {
  pair = await startInstancePair({
    name: 'features',
    env: { CHANGE_FEED_POLL_MS: '30000' },
    before: async (world) => {
      operator = await world.operator();
      inBeta = await world.partner({ capabilities: ['managed_services'] });
      outside = await world.partner({ capabilities: ['managed_services'] });
    },
  });
}, 120_000);

afterAll(() => pair?.close());

/** the PDF export's status and refusal code (the file itself is not JSON) */
async function pdfExport(c: HttpClient): Promise<{ status: number; code: string | null }> {
  const r = await fetch(c.base + '/api/v1/partner/billing/invoices/export', {
    method: 'POST',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ format: 'pdf' }),
  });
  const type = r.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    await r.arrayBuffer();
    return { status: r.status, code: null };
  }
  const body = (await r.json()) as { code?: string };
  return { status: r.status, code: body.code ?? null };
}

describe('a beta feature on two instances', () => {
  it('switched on for one partner (off for another) on instance 1 is enforced on instance 2 within 1 s, and off again within 1 s', async () => {
    const op = await new HttpClient(pair.one.base).login(operator.email, operator.password);
    const yes = await new HttpClient(pair.two.base).login(inBeta.staff.email, inBeta.staff.password);
    const no = await new HttpClient(pair.two.base).login(outside.staff.email, outside.staff.password);
    expect(await pdfExport(yes)).toEqual({ status: 403, code: 'feature_not_enabled' });

    const on = await op.req('PUT', `/api/v1/partners/${inBeta.id}/configuration/features`, { value: { 'exports.pdf': true } });
    expect(on.status).toBe(200);
    const served = await until(() => pdfExport(yes), (r) => r.status === 200, 1000);
    console.log(`exports.pdf on at instance 1, served at instance 2 after ${served.elapsed.toFixed(1)} ms`);
    expect(served.value.status).toBe(200);
    expect(served.elapsed).toBeLessThan(1000);
    expect(await pdfExport(no)).toEqual({ status: 403, code: 'feature_not_enabled' });

    const off = await op.req('PUT', `/api/v1/partners/${inBeta.id}/configuration/features`, { value: { 'exports.pdf': false } });
    expect(off.status).toBe(200);
    const refused = await until(() => pdfExport(yes), (r) => r.status === 403, 1000);
    console.log(`exports.pdf off at instance 1, refused at instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toEqual({ status: 403, code: 'feature_not_enabled' });
    expect(refused.elapsed).toBeLessThan(1000);
  });
});
