/**
 * A registered data source for sync tests: the operator registers it (every customer in scope) and
 * gets its token; `push` sends lines as one NDJSON batch through the sync API and expects a 200.
 */
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';
import { unique } from '../../helpers/world.ts';

export interface BatchAnswer {
  applied: number;
  unchanged: number;
  held: number;
  rejected: number;
  results: { line: number; external_id: string | null; status: string }[];
}

export async function syncSource(t: TestApp, name: string, kinds: string[]): Promise<{ token: string; push(lines: readonly unknown[]): Promise<BatchAnswer> }> {
  const operator = await (await t.world.operator()).login();
  const r = await operator.post('/api/v1/data-sources', { name: unique(name), kinds, scope: { all: true } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const token = r.body.token as string;
  return {
    token,
    async push(lines) {
      const res = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, payload: lines.map((l) => JSON.stringify(l)).join('\n') });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as BatchAnswer;
    },
  };
}
