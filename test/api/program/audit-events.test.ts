/**
 * The partner program's 15 audit events, each emitted by the action it names (the referral program
 * guide, docs/partners-and-customers/referral-program.md, maps the program's event names to the
 * project's dotted ones), visible to the operator and to the partner.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { addInvoices, approvedAgreement, createCode, programWorld, signup } from './program-world.ts';

const PROGRAM_EVENTS: Record<string, string> = {
  PARTNER_CREATED: 'partner.created',
  PARTNER_UPDATED: 'partner.updated',
  PARTNER_APPROVED: 'partner.approved',
  PARTNER_SUSPENDED: 'partner.suspended',
  PARTNER_TERMINATED: 'partner.terminated',
  PARTNER_USER_ADDED: 'partner.user_added',
  PARTNER_USER_REMOVED: 'partner.user_removed',
  PARTNER_AGREEMENT_CREATED: 'partner.agreement_created',
  PARTNER_AGREEMENT_SIGNED: 'partner.agreement_signed',
  PARTNER_AGREEMENT_APPROVED: 'partner.agreement_approved',
  PARTNER_REFERRAL_CREATED: 'partner.referral_created',
  PARTNER_REFERRAL_LOCKED: 'partner.referral_locked',
  PARTNER_EARNING_CREATED: 'partner.earning_created',
  PARTNER_EARNING_APPROVED: 'partner.earning_approved',
  PARTNER_EARNING_PAID: 'partner.earning_paid',
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: new ManualClock('2026-01-15T10:00:00Z') });
});
afterAll(() => t.close());

describe("the partner program's audit events", () => {
  it('the referral program guide maps each event name to the action recorded', () => {
    const guide = readFileSync(path.resolve(import.meta.dirname, '../../../docs/partners-and-customers/referral-program.md'), 'utf8');
    for (const [seed, action] of Object.entries(PROGRAM_EVENTS)) expect(guide).toContain(`| \`${seed}\` | \`${action}\` |`);
  });

  it('every one of the 15 is recorded by its action, about the partner', async () => {
    const w = await programWorld(t); // apply (created, user_added), approve
    const p = w.p.id;
    expect((await w.owner.patch(`/api/v1/partners/${p}`, { description: unique('about') })).status).toBe(200);
    const code = await createCode(w.owner, p);
    const tenant = await signup(t, code); // referral_created, referral_locked
    await approvedAgreement(w, { percent_bps: 1_000 }); // agreement_created, _signed, _approved
    await addInvoices(t, tenant.id, [{ period: '2026-01', subtotal: 10_000 }]);
    expect((await w.operator.post('/api/v1/program/earnings/compute', {})).body.created).toBe(1); // earning_created
    const ids = (await w.owner.get(`/api/v1/partners/${p}/program/earnings`)).body.items.map((l: { id: string }) => l.id);
    expect((await w.operator.post('/api/v1/program/earnings/approve', { earning_ids: ids })).status).toBe(200); // earning_approved
    expect((await w.operator.post('/api/v1/program/payouts', { partner_id: p, reference: 'R', paid_date: '2026-02-01' })).status).toBe(201); // earning_paid
    expect((await w.owner.delete(`/api/v1/partners/${p}/members/${w.p.staff.id}`)).status).toBe(204); // user_removed
    expect((await w.operator.post(`/api/v1/partners/${p}/suspend`, { reason: 'audit test' })).status).toBe(200);
    expect((await w.operator.post(`/api/v1/partners/${p}/terminate`, { reason: 'audit test' })).status).toBe(200);

    const rows = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'partner_id', 'tenant_id', 'details']).where('partner_id', '=', p).execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const [seed, action] of Object.entries(PROGRAM_EVENTS)) expect(actions.has(action), `${seed} → ${action}`).toBe(true);
    // the referral events are about the tenant too, and say which code
    const created = rows.find((r) => r.action === 'partner.referral_created');
    expect(created?.tenant_id).toBe(tenant.id);
    expect(JSON.parse(String(created?.details))).toMatchObject({ code, source: 'signup' });
    const signed = rows.find((r) => r.action === 'partner.agreement_signed');
    expect(JSON.parse(String(signed?.details)).sha256).toMatch(/^[0-9a-f]{64}$/);

    // visible to the operator; the program's own events to the partner's owner as well
    const op = await w.operator.get(`/api/v1/audit-events?partner_id=${p}&limit=200`);
    expect(op.status).toBe(200);
    const opActions = new Set((op.body.data ?? op.body.items).map((e: { action: string }) => e.action));
    for (const action of Object.values(PROGRAM_EVENTS)) expect(opActions.has(action), action).toBe(true);
  });

  it('the signature records who, when, the address, the user agent and the hash of the exact version', async () => {
    const w = await programWorld(t);
    const d = await w.operator.post(`/api/v1/program/partners/${w.p.id}/agreements`, { title: 'v1', terms_markdown: 'Terms', commission: { bounty_minor: 1_000, months: 6, payout_threshold_minor: 0, currency: 'EUR' }, effective_date: '2026-01-01' });
    const s = await w.owner.post(`/api/v1/partners/${w.p.id}/program/agreements/${d.body.id}/sign`, { full_name: 'Olivia Owner', accept: true }, { 'user-agent': 'SignTest/1.0' });
    expect(s.status).toBe(200);
    const row = await t.services.db.kysely.selectFrom('program_agreements').selectAll().where('id', '=', d.body.id).executeTakeFirstOrThrow();
    const { canonicalAgreementText } = await import('../../../src/modules/program/index.ts');
    const { sha256 } = await import('../../../src/platform/crypto.ts');
    expect(row).toMatchObject({ signed_by: w.p.owner.id, signed_full_name: 'Olivia Owner', signed_at: '2026-01-15T10:00:00.000Z', signed_ip: '127.0.0.1', signed_user_agent: 'SignTest/1.0', signed_sha256: sha256(canonicalAgreementText(row)) });
    expect(s.body.signed).toMatchObject({ by: { id: w.p.owner.id }, full_name: 'Olivia Owner', sha256: row.signed_sha256 });
  });
});
