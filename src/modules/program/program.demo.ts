/**
 * Demo world: Tailspin Referrals' program. Three codes (the owner's, the staff member's, one
 * turned off), three customers who signed up through them months ago with monthly invoices (one
 * refunded), the current agreement (signed and approved) and a new version waiting for Opal's
 * signature, and earnings in every state: paid (with a payout), approved, pending, reversed, and
 * a clawback (Harbor Bakery's invoice refunded after its line was paid, netted in the next payout).
 * Idempotent: a second run finds the program and only reports it. Runs before the resource data
 * step, which then leaves these tenants' invoices alone.
 */
import { mutate } from '../../platform/db/database.ts';
import type { DemoStep, DemoUserLookup } from '../../platform/demo-step.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { newId } from '../../platform/ids.ts';
import type { TenantsService } from '../tenants/index.ts';
import { invoiceQueries } from '../resources/index.ts';
import { periodOf } from './earnings-math.ts';
import type { ProgramService } from './program.service.ts';
import * as repo from './program.repo.ts';

export type ProgramDemoDeps = { program: ProgramService; tenants: TenantsService; identity: DemoUserLookup; db: import('../../platform/db/database.ts').Db; clock: import('../../platform/clock.ts').Clock };

const CODES = [
  { code: 'TAILSPIN-7KQ2', by: 'owner', label: 'Newsletter', note: 'Tailspin readers get their first month of support free.' },
  { code: 'TAILSPIN-W3BN', by: 'staff', label: 'Spring webinar', note: 'Thanks for joining our webinar!' },
  { code: 'TAILSPIN-X9PD', by: 'owner', label: 'Trade fair 2025 (ended)', note: null },
] as const;

const CUSTOMERS = [
  { slug: 'harbor-bakery', name: 'Harbor Bakery', code: 'TAILSPIN-7KQ2', monthsAgo: 7, tier: 'business', monthly: 42_000 },
  { slug: 'northgate-dental', name: 'Northgate Dental', code: 'TAILSPIN-W3BN', monthsAgo: 6, tier: 'standard', monthly: 18_900 },
  { slug: 'pinecrest-logistics', name: 'Pinecrest Logistics', code: 'TAILSPIN-7KQ2', monthsAgo: 4, tier: 'enterprise', monthly: 129_000 },
] as const;

const monthStart = (now: Date, back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));

export interface DemoProgram {
  partner: { id: string; name: string };
  codes: { code: string; label: string; active: boolean; created_by: 'owner' | 'staff'; signup_url: string }[];
  referred_tenants: { id: string; slug: string; name: string; code: string }[];
  agreements: { current: { id: string; version: number } | null; to_sign: { id: string; version: number } | null };
  earnings: { currency: string; pending_minor: number; approved_minor: number; paid_minor: number; reversed_minor: number; clawback_minor: number };
  /** lines by state, and the clawbacks (a refund after the payout) one by one */
  lines: { pending: number; approved: number; paid: number; reversed: number; clawbacks: { customer: string; invoice_number: string; amount_minor: number; state: string }[] };
  payouts: { id: string; amount_minor: number; reference: string }[];
}

export const seedDemoProgram: DemoStep<ProgramDemoDeps> = async (s, world, opCtx) => {
  const p = world.partners.find((x) => x.slug === 'tailspin-referrals');
  if (!p) return;
  const owner = await s.identity.findUserByEmail(p.owner.email);
  const staff = await s.identity.findUserByEmail(p.staff.email);
  if (!owner || !staff) return;
  const as = (userId: string): RequestContext => ({ ...opCtx, actor: { ...opCtx.actor, type: 'user', userId, partnerId: p.id } });
  if ((await s.program.listAgreements(p.id)).length === 0) {
    const seed: ProgramSeed = { s, opCtx, as, partnerId: p.id, ownerId: owner.id, staffId: staff.id, now: s.clock.now() };
    await seedCodesAndCustomers(seed);
    await seedAgreements(seed);
    await seedEarnings(seed);
  }
  world.program = await describeDemoProgram(s, { id: p.id, name: p.name }, staff.id, world.portal_url);
};

/** What the seeding steps work with: the services, the operator's context, the partner's owner and staff, now. */
interface ProgramSeed {
  s: ProgramDemoDeps;
  opCtx: RequestContext;
  as: (userId: string) => RequestContext;
  partnerId: string;
  ownerId: string;
  staffId: string;
  now: Date;
}

/** The partner's referral codes, and the customers each signed up months ago with its code, billed monthly since (EUR). */
async function seedCodesAndCustomers({ s, opCtx, as, partnerId, ownerId, staffId, now }: ProgramSeed): Promise<void> {
  for (const c of CODES) {
    if (!(await repo.findCode(s.db.kysely, c.code))) {
      await s.program.createCode(as(c.by === 'owner' ? ownerId : staffId), partnerId, { label: c.label, ...(c.note ? { landing_note: c.note } : {}) }, c.code);
    }
  }
  for (const c of CUSTOMERS) {
    if (await s.tenants.findBySlug(c.slug)) continue;
    const signedUp = new Date(monthStart(now, c.monthsAgo).getTime() + 9 * 86_400_000 + 10 * 3_600_000);
    await mutate(s.db, async (trx) => {
      const { tenant } = await s.tenants.createTenant(opCtx, { name: c.name, slug: c.slug, tier: c.tier, referral_code: c.code, referral_source: 'signup', referral_at: signedUp.toISOString() }, trx);
      const ban = await s.tenants.createBillingAccount(opCtx, tenant.id, { name: `${c.name} — Main`, currency: 'EUR' }, trx);
      const rows = [];
      for (let back = c.monthsAgo; back >= 1; back--) {
        const issued = new Date(monthStart(now, back - 1).getTime() - 86_400_000); // the month's last day
        const sub = c.monthly + (c.monthsAgo - back) * 1_250; // growing a little every month
        const tax = Math.round((sub * 21) / 100);
        const paid = back > 1 || c.slug !== 'pinecrest-logistics'; // Pinecrest's latest invoice is still open
        rows.push({
          id: newId('inv', issued.getTime()),
          tenant_id: tenant.id,
          ban_id: ban.id,
          number: `TS-${c.slug.slice(0, 3).toUpperCase()}-${periodOf(monthStart(now, back))}`,
          period: periodOf(monthStart(now, back)),
          issued_at: issued.toISOString(),
          due_at: new Date(issued.getTime() + 14 * 86_400_000).toISOString(),
          currency: 'EUR',
          subtotal_cents: sub,
          tax_cents: tax,
          total_cents: sub + tax,
          balance_cents: paid ? 0 : sub + tax,
          status: paid ? ('paid' as const) : ('open' as const),
          paid_at: paid ? new Date(issued.getTime() + 5 * 86_400_000).toISOString() : null,
          created_at: issued.toISOString(),
        });
      }
      await invoiceQueries.insertDemoInvoices(trx, rows);
    });
  }
  await s.program.setCodeActive(as(ownerId), partnerId, 'TAILSPIN-X9PD', false);
}

/** Agreement v1, drafted by the operator, signed by Opal and approved (current since eight months ago); v2 waits for Opal's signature. */
async function seedAgreements({ s, opCtx, as, partnerId, ownerId, now }: ProgramSeed): Promise<void> {
  const v1 = await s.program.draftAgreement(opCtx, partnerId, {
    title: 'Tailspin referral agreement 2025',
    terms_markdown:
      '# Referral agreement\n\nTailspin Referrals introduces new customers to Partnergate.\n\n' +
      '- **Commission:** 10 % of each referred customer’s paid monthly revenue (before tax), for 12 months after sign-up.\n' +
      '- **Bounty:** €50 for every referred customer who pays a first invoice.\n' +
      '- **Payout:** monthly by bank transfer once approved earnings reach €100.\n',
    commission: { percent_bps: 1_000, bounty_minor: 5_000, months: 12, payout_threshold_minor: 10_000, currency: 'EUR' },
    effective_date: monthStart(now, 8).toISOString().slice(0, 10),
  });
  await s.program.signAgreement({ ...as(ownerId), ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (demo)' }, partnerId, v1.id, { full_name: 'Opal Tailspin', accept: true });
  await s.program.approveAgreement(opCtx, v1.id);
  // v2 waits for Opal's signature
  await s.program.draftAgreement(opCtx, partnerId, {
    title: 'Tailspin referral agreement 2026',
    terms_markdown:
      '# Referral agreement — 2026\n\nEverything in the 2025 agreement, with a higher commission.\n\n' +
      '- **Commission:** 12 % of paid monthly revenue (before tax), for 18 months after sign-up.\n' +
      '- **Bounty:** €50 per referred customer who pays a first invoice.\n' +
      '- **Payout:** monthly once approved earnings reach €100.\n',
    commission: { percent_bps: 1_200, bounty_minor: 5_000, months: 18, payout_threshold_minor: 10_000, currency: 'EUR' },
    effective_date: monthStart(now, -1).toISOString().slice(0, 10),
  });
}

/**
 * Earnings: paid up to four months ago (one payout), approved up to two months ago, pending since;
 * Northgate's invoice of two months ago refunded before its line was paid (the line is reversed),
 * Harbor Bakery's latest paid month refunded after the payout (a clawback, pending).
 */
async function seedEarnings({ s, opCtx, partnerId, now }: ProgramSeed): Promise<void> {
  await s.program.computeEarnings(opCtx, { partnerId: partnerId });
  const ids = async (state: 'pending' | 'approved', maxBack: number) => (await repo.listPartnerEarningIds(s.db.kysely, partnerId, { state, maxPeriod: periodOf(monthStart(now, maxBack)) })).map((r) => r.id);
  await s.program.approveEarnings(opCtx, await ids('pending', 4));
  await s.program.recordPayout(opCtx, { partner_id: partnerId, reference: `SEPA-TS-${periodOf(monthStart(now, 3))}`, paid_date: monthStart(now, 3).toISOString().slice(0, 10) });
  await s.program.approveEarnings(opCtx, await ids('pending', 2));
  const refund = async (slug: string, f: { state: 'paid' } | { period: string }) => {
    const t = await s.tenants.findBySlug(slug);
    const inv = t ? await repo.demoLineInvoice(s.db.kysely, t.id, f) : undefined;
    if (inv) await invoiceQueries.setInvoiceStatus(s.db.kysely, inv, 'void');
  };
  await refund('northgate-dental', { period: periodOf(monthStart(now, 2)) });
  await refund('harbor-bakery', { state: 'paid' });
  await s.program.computeEarnings(opCtx, { partnerId: partnerId });
}

/** What there is, on every run: the program as the demo's description shows it. */
async function describeDemoProgram(s: ProgramDemoDeps, p: { id: string; name: string }, staffId: string, portalUrl: string): Promise<DemoProgram> {
  // what there is, on every run
  const codes = await s.program.listCodes({ partnerId: p.id, limit: 50, offset: 0 });
  const referred = await s.program.listReferrals({ partnerId: p.id, limit: 50, offset: 0 });
  const agreements = await s.program.listAgreements(p.id);
  const current = agreements.find((a) => a.status === 'approved');
  const toSign = agreements.find((a) => a.status === 'draft');
  const totals = await s.program.earningTotals(p.id);
  const sum = (state: string) => totals.filter((x) => x.state === state && !(x.kind === 'clawback' && state !== 'paid')).reduce((a, x) => a + x.minor, 0);
  const payouts = await s.program.listPayouts(p.id);
  const all = (await s.program.listEarnings({ partnerId: p.id, limit: 1_000, offset: 0 })).items;
  const clawbacks = all.filter((l) => l.kind === 'clawback');
  const counts = { pending: 0, approved: 0, paid: 0, reversed: 0 };
  for (const l of all) counts[l.state]++;
  const out: DemoProgram = {
    partner: { id: p.id, name: p.name },
    codes: codes.items
      .map((c) => ({ code: c.code, label: c.label ?? '', active: c.status === 'active', created_by: (c.created_by === staffId ? 'staff' : 'owner') as 'owner' | 'staff', signup_url: `${portalUrl}/signup?ref=${c.code}` }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    referred_tenants: referred.items.map((r) => ({ id: r.id, slug: r.slug, name: r.name, code: r.code })).sort((a, b) => a.slug.localeCompare(b.slug)),
    agreements: { current: current ? { id: current.id, version: current.version } : null, to_sign: toSign ? { id: toSign.id, version: toSign.version } : null },
    earnings: { currency: 'EUR', pending_minor: sum('pending'), approved_minor: sum('approved'), paid_minor: sum('paid'), reversed_minor: sum('reversed'), clawback_minor: clawbacks.reduce((a, c) => a + c.amount_minor, 0) },
    lines: { ...counts, clawbacks: clawbacks.map((c) => ({ customer: c.tenant_name, invoice_number: c.refund_invoice_number ?? '', amount_minor: c.amount_minor, state: c.state })) },
    payouts: payouts.map((x) => ({ id: x.id, amount_minor: x.amount_minor, reference: x.reference })),
  };
  return out;
}
