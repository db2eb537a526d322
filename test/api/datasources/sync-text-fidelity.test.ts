/**
 * What a source sends is what is stored, character for character: a batch's records are written in
 * bulk (on PostgreSQL as one JSON document per table), so quotes, backslashes, braces and commas, the
 * word NULL, empty text, line breaks and characters outside ASCII must come back unchanged — on every
 * database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import { syncSource } from './sync-source.ts';

let t: TestApp;
let A: TestTenant;
let push: Awaited<ReturnType<typeof syncSource>>['push'];

beforeAll(async () => {
  t = await startTestApp();
  A = await t.world.tenant({ bans: 1 });
  ({ push } = await syncSource(t, 'Help desk', ['tickets']));
});
afterAll(() => t.close());

const TEXTS = ['He said "no", then left', 'C:\\path\\to\\file \\" end', '{a,b},{"c"}', 'NULL', 'null', '', 'line one\nline two\ttabbed', 'Zürich – 東京 – 🚀', ' leading and trailing ', '\\'];

describe('text sent by a source', () => {
  it('is stored exactly as sent, in a batch of many lines', async () => {
    const prefix = unique('T');
    const lines = TEXTS.map((text, i) => ({
      kind: 'ticket',
      external_id: `${prefix}-${i}`,
      version: 1,
      data: { ban: A.bans[0].account_number, subject: `${prefix} ${i}`, description: text, category: 'other', priority: 'low', status: 'open', opened_at: '2026-10-01T00:00:00Z' },
    }));
    expect((await push(lines)).applied).toBe(TEXTS.length);
    const rows = await t.services.db.kysely.selectFrom('support_tickets').select(['subject', 'description']).where('tenant_id', '=', A.id).where('subject', 'like', `${prefix} %`).execute();
    const bySubject = new Map(rows.map((x) => [x.subject, x.description]));
    expect(TEXTS.map((_, i) => bySubject.get(`${prefix} ${i}`))).toEqual(TEXTS);
  });
});
