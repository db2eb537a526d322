/**
 * The partner program's permission matrix over HTTP, every cell: each of the 12 permissions (and the role
 * tables' Manage Codes) × the operator (SUPER_ADMIN), the partner's owner and staff, another
 * partner's owner, a tenant admin and an anonymous caller → the exact answer and code. Removing
 * any check in the routes turns a cell red.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { addInvoices, approvedAgreement, createCode, programWorld, signup, type ProgramWorld } from './program-world.ts';

type Caller = 'SUPER_ADMIN' | 'OWNER' | 'STAFF' | 'OTHER_OWNER' | 'TENANT_ADMIN' | 'ANONYMOUS';
const CALLERS: Caller[] = ['SUPER_ADMIN', 'OWNER', 'STAFF', 'OTHER_OWNER', 'TENANT_ADMIN', 'ANONYMOUS'];

let t: TestApp;
let w: ProgramWorld;
let clients: Record<Caller, Client>;
let ownerCode: string;
let ownerReferral: string;
let lineId: string;

/** 'ok': answered, and the row's `sees` holds; 'hidden': answered, and `sees` does not hold; else "status code". */
type Expect = 'ok' | 'hidden' | `${number} ${string}`;

interface Row {
  seed: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: () => Promise<string> | string;
  body?: () => unknown;
  /** what an allowed caller gets to see in the answer */
  sees?: (body: any) => boolean;
  expect: [Expect, Expect, Expect];
}

const OUTSIDERS: Record<'OTHER_OWNER' | 'TENANT_ADMIN' | 'ANONYMOUS', Expect> = {
  OTHER_OWNER: '404 partner_not_found', // rule 3: another partner's data looks absent
  TENANT_ADMIN: '403 not_partner_member', // rule 2
  ANONYMOUS: '401 authentication_required', // rule 1
};

const base = () => `/api/v1/partners/${w.p.id}`;

/** A fresh draft for each signature attempt (a signed version cannot be signed again). */
async function freshDraft(): Promise<string> {
  const r = await clients.SUPER_ADMIN.post(`/api/v1/program/partners/${w.p.id}/agreements`, {
    title: 'Next version',
    terms_markdown: 'New terms',
    commission: { percent_bps: 1200, months: 12, payout_threshold_minor: 0, currency: 'EUR' },
    effective_date: '2026-06-01',
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

//                                                                                 SUPER_ADMIN OWNER  STAFF
const ROWS: Row[] = [
  { seed: 'canViewPartner', method: 'GET', url: () => base(), sees: (b) => b.id === w.p.id, expect: ['ok', 'ok', 'ok'] },
  { seed: 'canEditPartner', method: 'PATCH', url: () => base(), body: () => ({ description: unique('d') }), expect: ['ok', 'ok', '403 permission_denied'] },
  { seed: 'canManagePartnerUsers', method: 'POST', url: () => `${base()}/members`, body: () => ({ email: `${unique('m')}@example.test`, role: 'PARTNER_STAFF' }), expect: ['ok', 'ok', '403 permission_denied'] },
  {
    seed: 'canSignAgreement',
    method: 'POST',
    url: async () => `${base()}/program/agreements/${await freshDraft()}/sign`,
    body: () => ({ full_name: 'Olivia Owner', accept: true }),
    sees: (b) => b.status === 'signed' && /^[0-9a-f]{64}$/.test(b.signed.sha256),
    expect: ['403 operator_cannot_sign', 'ok', '403 permission_denied'],
  },
  { seed: 'canViewReferrals', method: 'GET', url: () => `${base()}/program/referrals`, sees: (b) => Array.isArray(b.items), expect: ['ok', 'ok', 'ok'] },
  { seed: 'canCreateReferralCodes', method: 'POST', url: () => `${base()}/program/codes`, body: () => ({ label: 'Matrix' }), sees: (b) => /^[A-Z0-9]+-[A-Z0-9]{4,6}$/.test(b.code), expect: ['ok', 'ok', 'ok'] },
  // the owner's code brought this tenant: staff see only their own codes' referrals
  { seed: 'canViewAllReferrals', method: 'GET', url: () => `${base()}/program/referrals/${ownerReferral}`, sees: (b) => b.id === ownerReferral, expect: ['ok', 'ok', '404 referral_not_found'] },
  { seed: 'canViewEarnings', method: 'GET', url: () => `${base()}/program/summary`, sees: (b) => b.totals.pending_minor > 0, expect: ['ok', 'ok', 'ok'] },
  { seed: 'canViewAllEarnings', method: 'GET', url: () => `${base()}/program/earnings`, sees: (b) => b.items.length > 0, expect: ['ok', 'ok', '403 line_items_forbidden'] },
  // the drill-down from a customer's month to its invoices is line-by-line earnings too
  { seed: 'canViewAllEarnings (invoices of a line)', method: 'GET', url: () => `${base()}/program/earnings/${lineId}`, sees: (b) => b.line.id === lineId && b.invoices.length === 1, expect: ['ok', 'ok', '403 line_items_forbidden'] },
  { seed: 'canExportEarnings', method: 'GET', url: () => `${base()}/program/earnings/export`, sees: (b) => typeof b === 'string' && b.startsWith('Month,'), expect: ['ok', 'ok', '403 export_forbidden'] },
  { seed: 'canViewAgreement', method: 'GET', url: () => `${base()}/program/agreements`, sees: (b) => b.current?.status === 'approved', expect: ['ok', 'ok', 'ok'] },
  { seed: 'canViewAgreementHistory', method: 'GET', url: () => `${base()}/program/agreements`, sees: (b) => b.history.length > 0, expect: ['ok', 'ok', 'hidden'] },
  { seed: 'Manage Codes (role tables)', method: 'PATCH', url: () => `${base()}/program/codes/${ownerCode}`, body: () => ({ active: true }), sees: (b) => b.active === true, expect: ['ok', 'ok', '403 permission_denied'] },
];

beforeAll(async () => {
  t = await startTestApp({ clock: new ManualClock('2026-01-15T10:00:00Z') });
  w = await programWorld(t);
  const other = await t.world.partner({ capabilities: ['referral'] });
  const tenant = await t.world.tenant();
  clients = {
    SUPER_ADMIN: w.operator,
    OWNER: w.owner,
    STAFF: w.staff,
    OTHER_OWNER: await other.owner.login(),
    TENANT_ADMIN: await tenant.admin.login(),
    ANONYMOUS: t.client(),
  };
  ownerCode = await createCode(w.owner, w.p.id);
  ownerReferral = (await signup(t, ownerCode)).id;
  await approvedAgreement(w, { percent_bps: 1000 });
  await addInvoices(t, ownerReferral, [{ period: '2026-01', subtotal: 50_000 }]);
  expect((await w.operator.post('/api/v1/program/earnings/compute', {})).body.created).toBe(1);
  lineId = (await w.owner.get(`${base()}/program/earnings`)).body.items[0].id;
}, 120_000);
afterAll(() => t.close());

const CELLS = ROWS.flatMap((row) => CALLERS.map((caller) => [row.seed, caller, row] as const));

describe('partner permission matrix over HTTP', () => {
  it.each(CELLS)('%s × %s', async (_seed, caller, row) => {
    const i = CALLERS.indexOf(caller);
    const want: Expect = i < 3 ? row.expect[i] : OUTSIDERS[caller as keyof typeof OUTSIDERS];
    const url = await row.url();
    const c = clients[caller];
    const r = row.method === 'GET' ? await c.get(url) : row.method === 'POST' ? await c.post(url, row.body?.()) : await c.patch(url, row.body?.());
    if (want === 'ok' || want === 'hidden') {
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(200);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
      if (row.sees) expect(row.sees(r.body)).toBe(want === 'ok');
      return;
    }
    const [status, code] = want.split(' ');
    expect([r.status, r.body?.code]).toEqual([Number(status), code]);
  });
});
