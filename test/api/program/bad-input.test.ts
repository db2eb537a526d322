/** Bad input to the program routes: each class answers problem+json with a stable code, never a 500, and writes nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createCode, programWorld, type ProgramWorld } from './program-world.ts';

let t: TestApp;
let w: ProgramWorld;
let draftId: string;
beforeAll(async () => {
  t = await startTestApp({ clock: new ManualClock('2026-01-15T10:00:00Z') });
  w = await programWorld(t);
  const d = await w.operator.post(`/api/v1/program/partners/${w.p.id}/agreements`, { title: 'v1', terms_markdown: 'T', commission: { percent_bps: 1000, months: 12, payout_threshold_minor: 0, currency: 'EUR' }, effective_date: '2026-01-01' });
  draftId = d.body.id;
}, 60_000);
afterAll(() => t.close());

const agreement = (commission: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ title: 'T', terms_markdown: 'T', commission: { months: 12, payout_threshold_minor: 0, currency: 'EUR', ...commission }, effective_date: '2026-01-01', ...extra });

describe('bad input → problem+json', () => {
  it.each([
    ['a float percentage', agreement({ percent_bps: 10.5 }), 400, 'validation_failed'],
    ['a negative bounty', agreement({ bounty_minor: -1 }), 400, 'validation_failed'],
    ['neither commission nor bounty', agreement({}), 400, 'agreement_terms_invalid'],
    ['a lowercase currency', agreement({ percent_bps: 100, currency: 'eur' }), 400, 'validation_failed'],
    ['an impossible date', agreement({ percent_bps: 100 }, { effective_date: '2026-13-40' }), 400, 'validation_failed'],
    ['an unknown field', agreement({ percent_bps: 100 }, { approved: true }), 400, 'validation_failed'],
    ['a float amount of money', agreement({ percent_bps: 100, payout_threshold_minor: 0.5 }), 400, 'validation_failed'],
  ])('drafting with %s', async (_what, body, status, code) => {
    const before = (await w.operator.get(`/api/v1/program/partners/${w.p.id}/agreements`)).body.items.length;
    const r = await w.operator.post<Problem>(`/api/v1/program/partners/${w.p.id}/agreements`, body);
    expect([r.status, r.body.code]).toEqual([status, code]);
    expect(String(r.headers['content-type'])).toMatch(/application\/problem\+json/);
    expect((await w.operator.get(`/api/v1/program/partners/${w.p.id}/agreements`)).body.items.length).toBe(before);
  });

  it('signing without accepting, with an empty name, or twice', async () => {
    const sign = (body: unknown) => w.owner.post<Problem>(`/api/v1/partners/${w.p.id}/program/agreements/${draftId}/sign`, body);
    const no = await sign({ full_name: 'Olivia Owner', accept: false });
    expect([no.status, no.body.code, no.body.errors?.[0].pointer]).toEqual([400, 'agreement_acceptance_required', '/body/accept']);
    expect((await sign({ full_name: '   ', accept: true })).body.code).toBe('validation_failed');
    expect((await sign({ accept: true })).body.code).toBe('validation_failed');
    expect((await sign({ full_name: 'Olivia Owner', accept: true })).status).toBe(200);
    const twice = await sign({ full_name: 'Olivia Owner', accept: true });
    expect([twice.status, twice.body.code]).toEqual([409, 'agreement_not_signable']);
    const ghost = await w.owner.post<Problem>(`/api/v1/partners/${w.p.id}/program/agreements/agr_01jd9x0a8q4m7w2k3v5b6c8d9e/sign`, { full_name: 'Olivia Owner', accept: true });
    expect([ghost.status, ghost.body.code]).toEqual([404, 'agreement_not_found']);
  });

  it('approving what is not signed, or twice', async () => {
    const d = await w.operator.post(`/api/v1/program/partners/${w.p.id}/agreements`, agreement({ percent_bps: 100 }));
    const r = await w.operator.post<Problem>(`/api/v1/program/agreements/${d.body.id}/approve`);
    expect([r.status, r.body.code]).toEqual([409, 'agreement_not_approvable']);
    expect((await w.operator.post(`/api/v1/program/agreements/${draftId}/approve`)).status).toBe(200);
    expect((await w.operator.post<Problem>(`/api/v1/program/agreements/${draftId}/approve`)).body.code).toBe('agreement_not_approvable');
  });

  it('codes, periods, ids and payouts', async () => {
    const code = await createCode(w.owner, w.p.id);
    const cases: [Promise<{ status: number; body: Problem }>, number, string][] = [
      [w.owner.post(`/api/v1/partners/${w.p.id}/program/codes`, { label: '' }), 400, 'validation_failed'],
      [w.owner.post(`/api/v1/partners/${w.p.id}/program/codes`, { code: 'MINE-0001' }), 400, 'validation_failed'],
      [w.owner.patch(`/api/v1/partners/${w.p.id}/program/codes/${code}`, {}), 400, 'validation_failed'],
      [w.owner.patch(`/api/v1/partners/${w.p.id}/program/codes/${code}`, { active: 'no' }), 400, 'validation_failed'],
      [w.owner.patch(`/api/v1/partners/${w.p.id}/program/codes/NOPE-0000`, { active: false }), 404, 'referral_code_not_found'],
      [w.owner.patch(`/api/v1/partners/${w.p.id}/program/codes/${encodeURIComponent('A B')}`, { active: false }), 400, 'invalid_id'],
      [w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?period=2026-1`), 400, 'validation_failed'],
      [w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?state=lost`), 400, 'validation_failed'],
      [w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals/not-an-id`), 400, 'invalid_id'],
      [w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals?limit=0`), 400, 'validation_failed'],
      [w.operator.post('/api/v1/program/earnings/compute', { period: '2026-00' }), 400, 'validation_failed'],
      [w.operator.post('/api/v1/program/earnings/approve', { earning_ids: [] }), 400, 'validation_failed'],
      [w.operator.post('/api/v1/program/earnings/approve', { earning_ids: ['ern_01jd9x0a8q4m7w2k3v5b6c8d9e'] }), 409, 'earnings_not_approvable'],
      [w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: 'R', paid_date: '2026-02-01', earning_ids: ['ern_01jd9x0a8q4m7w2k3v5b6c8d9e'] }), 409, 'payout_lines_invalid'],
      [w.operator.post('/api/v1/program/payouts', { partner_id: 'ptr_01jd9x0a8q4m7w2k3v5b6c8d9e', reference: 'R', paid_date: '2026-02-01' }), 404, 'partner_not_found'],
      [w.operator.post('/api/v1/program/payouts', { partner_id: w.p.id, reference: '', paid_date: '2026-02-01' }), 400, 'validation_failed'],
      [t.client().post('/api/v1/signup', { organization_name: 'X', admin_name: 'Y', email: 'not-an-email', password: 'a long enough passphrase 42' }), 400, 'validation_failed'],
      [t.client().post('/api/v1/signup', { organization_name: 'X', admin_name: 'Y', email: 'short@example.test', password: 'short' }), 400, 'password_too_weak'],
      [t.client().get('/api/v1/signup/referral/NOPE-0000'), 404, 'referral_code_not_found'],
    ];
    for (const [i, [p, status, want]] of cases.entries()) {
      const r = await p;
      expect([r.status, r.body.code], `case ${i}`).toEqual([status, want]);
    }
  });

  it('an email that already has an account cannot sign up again (answered as a new one: it is not told apart)', async () => {
    const r = await t.client().post('/api/v1/signup', { organization_name: 'Dup', admin_name: 'D', email: w.p.owner.email, password: 'a long enough passphrase 42' });
    expect(r.status).toBe(201);
    expect(await t.services.db.kysely.selectFrom('tenants').select('id').where('name', '=', 'Dup').execute()).toEqual([]);
  });
});
