/**
 * A file of existing partners (CSV or NDJSON): checked whole before anything is written — a row is
 * "ready" only when making it would succeed — then applied row by row, each all or nothing, with a
 * report per row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { planBody } from '../plans/helpers.ts';

let t: TestApp;
let operator: Client;
let existing: TestPartner;
let planName: string;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  existing = await t.world.partner({ capabilities: ['managed_services'] });
  planName = unique('Office Fibre');
  expect((await operator.post('/api/v1/plans', planBody({ name: planName }))).status).toBe(201);
});
afterAll(() => t.close());

type Report = { rows: number; ready: number; invalid: number; created: number; results: { row: number; slug: string | null; status: string; partner_id: string | null; errors: { field: string | null; reason: string }[] }[] };

async function countPartners(): Promise<number> {
  return (await t.services.db.kysely.selectFrom('partners').select('id').execute()).length;
}

describe('importing a file of partners', () => {
  it('checks every row as it would be made, writes nothing, then makes the ready rows and reports each', async () => {
    const a = unique('alpha');
    const b = unique('bravo');
    const c = unique('charlie');
    const csv = [
      'Partner name,Slug,Contact,Website,Kinds,Owner,Template,Plans',
      `Alpha ${a},${a},${a}@example.test,https://alpha.example,managed services; wholesale,${a}-owner@example.test,${existing.slug},${planName}`,
      // the slug is taken by a partner that exists: found at the check, not after Apply
      `Taken ${b},${existing.slug},${b}@example.test,,delegated,${b}-owner@example.test,,`,
      // a bad address and an unknown capability
      `Broken ${c},${c},not-an-address,,teleportation,${c}-owner@example.test,,`,
      // an unknown plan: only the creation's last step refuses it
      `Unplanned ${c},${c}-2,${c}@example.test,,referral,${c}-2-owner@example.test,,No Such Plan`,
      // the same owner twice in one file
      `Again ${a},${a}-again,${a}@example.test,,referral,${a}-owner@example.test,,`,
    ].join('\n');
    const before = await countPartners();
    const preview = await operator.post<Report>('/api/v1/partner-imports/preview', { format: 'csv', content: csv });
    expect(preview.status).toBe(200);
    expect(preview.body.results[0].errors).toEqual([]);
    expect(preview.body).toMatchObject({ rows: 5, ready: 1, invalid: 4, created: 0 });
    const byRow = new Map(preview.body.results.map((r) => [r.row, r]));
    expect(byRow.get(2)).toMatchObject({ status: 'ready', slug: a, errors: [] });
    expect(byRow.get(3)?.errors).toEqual([{ field: 'slug', reason: 'Another partner already uses this slug.' }]);
    expect(byRow.get(4)?.errors[0]).toMatchObject({ field: 'contact_email', reason: 'This is not an e-mail address.' });
    expect(byRow.get(5)?.errors).toEqual([{ field: 'plans', reason: 'The plan catalog has no plan “No Such Plan”.' }]);
    expect(byRow.get(6)?.errors[0]).toMatchObject({ field: 'owner_email', reason: expect.stringContaining('Row 2 of this file') });
    expect(await countPartners()).toBe(before);

    const refused = await operator.post<Problem>('/api/v1/partner-imports', { format: 'csv', content: csv, confirm: false });
    expect([refused.status, refused.body.code]).toEqual([400, 'partner_import_not_confirmed']);

    const applied = await operator.post<Report>('/api/v1/partner-imports', { format: 'csv', content: csv, confirm: true });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ rows: 5, created: 1, invalid: 4 });
    const made = applied.body.results.find((r) => r.status === 'created')!;
    expect(await countPartners()).toBe(before + 1);
    const partner = await operator.get<'/api/v1/partners/{partner_id}'>(`/api/v1/partners/${a}`);
    expect(partner.body).toMatchObject({ id: made.partner_id, status: 'active', capabilities: ['managed_services', 'wholesale'], website: 'https://alpha.example' });
    const ev = await operator.get<'/api/v1/audit-events'>(`/api/v1/audit-events?partner_id=${made.partner_id}&action=partner.created`);
    expect(ev.body.data[0].details).toMatchObject({ by: 'operator', via: 'import' });

    // the same file again: the made row is now refused for its taken slug, and nothing else changes
    const again = await operator.post<Report>('/api/v1/partner-imports', { format: 'csv', content: csv, confirm: true });
    expect(again.body).toMatchObject({ created: 0, invalid: 5 });
    expect(await countPartners()).toBe(before + 1);
  });

  it('takes NDJSON, one request body per line, with the same checks', async () => {
    const d = unique('delta');
    const lines = [
      JSON.stringify({ name: `Delta ${d}`, slug: d, contact_email: `${d}@example.test`, capabilities: ['delegated'], owner: { email: `${d}-owner@example.test` }, plans: [{ plan: planName }] }),
      '',
      '{ not json',
      JSON.stringify({ name: `Echo ${d}`, contact_email: `${d}@example.test`, capabilities: [], owner: { email: `${d}-echo@example.test` } }),
      JSON.stringify({ name: `Foxtrot ${d}`, slug: `${d}-f`, contact_email: `${d}@example.test`, capabilities: ['referral'], owner: { email: `${d}-f@example.test` }, configuration_template: d }),
    ].join('\n');
    const preview = await operator.post<Report>('/api/v1/partner-imports/preview', { format: 'ndjson', content: lines });
    expect(preview.body.results.map((r) => [r.row, r.status])).toEqual([
      [1, 'ready'],
      [3, 'invalid'],
      [4, 'invalid'],
      [5, 'invalid'],
    ]);
    expect(preview.body.results[1].errors[0].reason).toBe('This line is not a JSON object.');
    expect(preview.body.results[2].errors[0]).toEqual({ field: 'capabilities', reason: 'Name at least one thing the partner may do.' });
    expect(preview.body.results[3].errors[0]).toMatchObject({ field: 'configuration_template', reason: expect.stringContaining('row 1 of this same file') });
    const applied = await operator.post<Report>('/api/v1/partner-imports', { format: 'ndjson', content: lines, confirm: true });
    expect(applied.body).toMatchObject({ created: 1, invalid: 3 });
    const plans = await operator.get<'/api/v1/partners/{partner_id}/plans'>(`/api/v1/partners/${d}/plans`);
    expect(plans.body.data).toHaveLength(1);
  });

  it('a row that fails at apply leaves nothing of itself, and the others still go in', async () => {
    const e = unique('echo');
    const csv = ['name,slug,contact_email,capabilities,owner_email', `Echo ${e},${e},${e}@example.test,delegated,${e}-owner@example.test`, `Echo two ${e},${e}-2,${e}@example.test,delegated,${e}-2-owner@example.test`].join('\n');
    expect((await operator.post<Report>('/api/v1/partner-imports/preview', { format: 'csv', content: csv })).body.ready).toBe(2);
    // between the check and the apply, someone takes the second row's slug
    expect((await operator.post('/api/v1/partners', { name: 'Squatter', slug: `${e}-2`, contact_email: `${e}@example.test`, capabilities: ['referral'], owner: { email: `${e}-squat@example.test` } })).status).toBe(201);
    const applied = await operator.post<Report>('/api/v1/partner-imports', { format: 'csv', content: csv, confirm: true });
    expect(applied.body.results.map((r) => r.status)).toEqual(['created', 'invalid']);
    expect(await t.services.db.kysely.selectFrom('invitations').select('id').where('email', '=', `${e}-2-owner@example.test`).execute()).toEqual([]);
  });

  it('refuses a file it cannot read, and anyone but the operator', async () => {
    const noColumns = await operator.post<Problem>('/api/v1/partner-imports/preview', { format: 'csv', content: 'company,phone\nAcme,123' });
    expect([noColumns.status, noColumns.body.code]).toEqual([400, 'partner_import_invalid']);
    expect(noColumns.body.detail).toContain('contact_email');
    const empty = await operator.post<Problem>('/api/v1/partner-imports/preview', { format: 'ndjson', content: '\n\n' });
    expect([empty.status, empty.body.code]).toEqual([400, 'partner_import_invalid']);
    const owner = await existing.owner.login();
    const r = await owner.post<Problem>('/api/v1/partner-imports/preview', { format: 'csv', content: 'name\nx' });
    expect(r.status).toBe(403);
    const template = await operator.get<string>('/api/v1/partner-imports/template');
    expect(template.status).toBe(200);
    expect(String(template.body).split('\n')[0]).toBe('name,slug,contact_email,website,description,capabilities,owner_email,configuration_template,plans');
  });
});
