/** The demo world's program: Tailspin's codes, three referred customers, earnings in every state, an agreement to sign. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { Client } from '../../helpers/http.ts';
import { seedDemo } from '../../../src/demo/demo.seed.ts';
import type { DemoProgram } from '../../../src/modules/program/program.demo.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('seed demo: program', () => {
  it('has Tailspin’s program in every state, and a second run prints the same', async () => {
    const world = await seedDemo(t.services);
    const program = world.program as DemoProgram;
    expect(program.partner.name).toBe('Tailspin Referrals');
    expect(program.codes.map((c) => [c.code, c.active, c.created_by])).toEqual([
      ['TAILSPIN-7KQ2', true, 'owner'],
      ['TAILSPIN-W3BN', true, 'staff'],
      ['TAILSPIN-X9PD', false, 'owner'],
    ]);
    expect(program.referred_tenants.map((r) => r.slug)).toEqual(['harbor-bakery', 'northgate-dental', 'pinecrest-logistics']);
    expect(program.agreements.current?.version).toBe(1);
    expect(program.agreements.to_sign?.version).toBe(2);
    for (const state of ['pending_minor', 'approved_minor', 'paid_minor', 'reversed_minor'] as const) expect(program.earnings[state], state).toBeGreaterThan(0);
    // lines in every state, and Harbor Bakery's invoice refunded after the payout as a clawback waiting to be netted
    for (const state of ['pending', 'approved', 'paid', 'reversed'] as const) expect(program.lines[state], state).toBeGreaterThan(0);
    expect(program.lines.clawbacks).toEqual([{ customer: 'Harbor Bakery', invoice_number: expect.stringMatching(/^TS-HAR-\d{4}-\d{2}$/), amount_minor: expect.any(Number), state: 'pending' }]);
    expect(program.lines.clawbacks[0].amount_minor).toBeLessThan(0);
    expect(program.earnings.clawback_minor).toBe(program.lines.clawbacks[0].amount_minor);
    expect(program.payouts).toHaveLength(1);
    expect(program.payouts[0].amount_minor).toBe(program.earnings.paid_minor);

    const again = await seedDemo(t.services);
    expect(again.program).toEqual(program);

    // Opal sees it in the API as the portal will; Simon (staff) sees his own code's customer only
    const tailspin = world.partners.find((p) => p.slug === 'tailspin-referrals')!;
    const opal = await new Client(t.app).login(tailspin.owner.email, tailspin.owner.password);
    const sum = await opal.get(`/api/v1/partners/${tailspin.id}/program/summary`);
    expect(sum.body).toMatchObject({ sign_ups: 3, agreement_to_sign: { version: 2 }, current_agreement: { version: 1 } });
    expect(sum.body.by_month.length).toBeGreaterThanOrEqual(6);
    const simon = await new Client(t.app).login(tailspin.staff.email, tailspin.staff.password);
    const refs = await simon.get(`/api/v1/partners/${tailspin.id}/program/referrals`);
    expect(refs.body.items.map((r: { slug: string }) => r.slug)).toEqual(['northgate-dental']);
    // the resource data step left these customers' invoices alone
    const harbor = program.referred_tenants.find((r) => r.slug === 'harbor-bakery')!;
    const inv = await t.services.db.kysely.selectFrom('invoices').select(['currency']).where('tenant_id', '=', harbor.id).execute();
    expect(inv.length).toBe(7);
    expect(new Set(inv.map((i) => i.currency))).toEqual(new Set(['EUR']));
  });
});
