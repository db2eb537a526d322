/**
 * The batches a data source may send per minute are the operator's setting (SYNC_BATCHES_PER_MINUTE):
 * beyond it the source is answered 429 with Retry-After, and another source keeps its own allowance.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';

let t: TestApp;
let operator: Client;
beforeAll(async () => {
  t = await startTestApp({ config: { SYNC_BATCHES_PER_MINUTE: '3' } });
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

async function source(): Promise<string> {
  const r = await operator.post('/api/v1/data-sources', { name: unique('Limited'), kinds: ['tickets'], scope: { all: true } });
  expect(r.status).toBe(201);
  return r.body.token;
}

const push = async (token: string) => {
  const r = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify({ kind: 'ticket', external_id: 'gone', version: 1, deleted: true })}\n` });
  return { status: r.statusCode, retryAfter: Number(r.headers['retry-after'] ?? 0), code: r.statusCode === 200 ? null : (r.json() as { code: string }).code };
};

it('answers 429 after the configured number of batches in a minute, per source', async () => {
  const [a, b] = [await source(), await source()];
  for (let i = 0; i < 3; i++) expect((await push(a)).status).toBe(200);
  const fourth = await push(a);
  expect(fourth).toMatchObject({ status: 429, code: 'rate_limited' });
  expect(fourth.retryAfter).toBeGreaterThan(0);
  expect((await push(b)).status).toBe(200);
});
