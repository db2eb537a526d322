/**
 * The earnings computation: lines from referred tenants' paid invoices under the agreement in
 * force, page by page over a partner's referred tenants, each page one audited transaction.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { serviceWrites } from '../../platform/db/database.ts';
import { partnerQueries } from '../partners/index.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import * as repo from './program.repo.ts';
import { monthsBetween } from './earnings-math.ts';
import { planTenant, type LineUpdate as PlanUpdate, type PlanTerms } from './earnings-plan.ts';

/** A page of the earnings computation: referred tenants read (and their lines written, in one transaction) at a time. */
const TENANT_PAGE = 200;

export interface ComputeResult {
  periods: string[] | 'all';
  created: number;
  /** open lines recomputed (their invoices changed) */
  updated: number;
  reversed: number;
  unchanged: number;
}

type LineUpdate = PlanUpdate & { tenant_id: string };

export interface EarningsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
}

export class EarningsComputation {
  readonly #d: EarningsDeps;
  constructor(d: EarningsDeps) {
    this.#d = d;
  }

  /** the time now, and a write that nudges the change feed */
  readonly #w = serviceWrites(() => this.#d);

  get #k() { return this.#d.db.kysely; }

  /**
   * Earnings from the referred tenants' paid invoices, under the agreement in force for each month
   * of payment (the latest approved version effective by then; none → nothing accrues), for
   * invoices within `months` months of the sign-up and in the agreement's currency:
   *  - commission: one line per (tenant, month of payment), percent_bps of the sum of that month's
   *    paid subtotals (before tax), rounded once on the sum, half up, to the minor unit;
   *  - bounty: bounty_minor once per qualified sign-up (the first eligible paid invoice);
   *  - clawback: a refund of an invoice whose line was already paid (earnings-plan.ts has the rules).
   * Streamed page by page over the partner's referred tenants (bounded memory). Each page is one
   * transaction that first locks the partner's row (PostgreSQL), then reads the lines and invoices
   * and writes the difference with compare-and-set updates and insert-or-nothing on the lines'
   * unique key — so a re-run changes nothing and two instances computing at once write one set.
   * A one-month run also sweeps refunds and re-payments of lines of other months.
   */
  async compute(ctx: RequestContext, f: { period?: string; partnerId?: string } = {}): Promise<ComputeResult> {
    return asSystem(async () => {
      const agreements = await repo.listInForceAgreements(this.#k, f.partnerId);
      const byPartner = new Map<string, repo.AgreementRow[]>();
      for (const a of agreements) byPartner.set(a.partner_id, [...(byPartner.get(a.partner_id) ?? []), a]);
      const total = { created: 0, updated: 0, reversed: 0, unchanged: 0 };
      for (const [partnerId, list] of byPartner) {
        const r = await this.#partner(ctx, partnerId, list, f.period);
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
      }
      return { periods: f.period ? [f.period] : 'all', ...total };
    });
  }

  async #partner(ctx: RequestContext, partnerId: string, agreements: repo.AgreementRow[], period?: string) {
    const stats = { created: 0, updated: 0, reversed: 0, unchanged: 0 };
    for (let after = ''; ; ) {
      const tenants = await repo.pageReferredTenants(this.#k, { partnerId, after, limit: TENANT_PAGE });
      if (tenants.length === 0) break;
      after = tenants[tenants.length - 1].tenant_id;
      const r = await this.#page(ctx, partnerId, agreements, tenants, period ? { month: period } : 'all');
      for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += r[k];
    }
    if (period) {
      // refunds (and re-payments) of invoices of other months, found from the invoices not paid
      const months = new Map<string, Set<string>>();
      for (const c of await repo.refundCandidates(this.#k, partnerId)) {
        if (c.period === period) continue;
        months.set(c.tenant_id, (months.get(c.tenant_id) ?? new Set()).add(c.period));
      }
      const ids = [...months.keys()].sort();
      for (let i = 0; i < ids.length; i += TENANT_PAGE) {
        const tenants = await repo.attributionsAmong(this.#k, partnerId, ids.slice(i, i + TENANT_PAGE));
        const r = await this.#page(ctx, partnerId, agreements, tenants, { sweep: months });
        for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += r[k];
      }
    }
    return stats;
  }

  /**
   * One page of referred tenants, in one transaction: `all` months, one `month` (and the bounties
   * of the tenants that have none yet), or the refund sweep's months per tenant (and their bounties).
   */
  async #page(ctx: RequestContext, partnerId: string, agreements: repo.AgreementRow[], tenants: repo.ReferredTenant[], scope: 'all' | { month: string } | { sweep: Map<string, Set<string>> }) {
    return this.#w.write(async (trx) => {
      // one writer per partner at a time: the lines read below are the ones the writes compare against
      await partnerQueries.lockPartner(this.#d.db, trx, partnerId);
      const now = this.#w.now();
      const month = scope !== 'all' && 'month' in scope ? scope.month : undefined;
      const sweep = scope !== 'all' && 'sweep' in scope ? scope.sweep : undefined;
      const page = await readPage(trx, tenants.map((t) => t.tenant_id), month, sweep);
      const plan = planPage(partnerId, agreements, tenants, page, { month, sweep, now });
      return this.#applyPage(trx, ctx, partnerId, plan, now);
    });
  }

  /** Writes a page's plan (new, recalculated and reversed lines), each kind of change audited once. */
  async #applyPage(trx: Tx, ctx: RequestContext, partnerId: string, plan: PagePlan, now: string) {
    const { inserts, updates, reverses, considered } = plan;
    const got = await repo.insertLines(trx, inserts);
    const created = inserts.filter((r) => got.has(r.id));
    let updated = 0;
    for (const u of updates) {
      if (await repo.updateOpenLine(trx, { ...u, now, invoices: u.invoices.map((i) => ({ ...i, partner_id: partnerId, tenant_id: u.tenant_id })) })) updated++;
    }
    const reversed = await repo.reverseOpenLines(trx, [...new Set(reverses)], now);
    if (created.length > 0) {
      const claws = created.filter((l) => l.kind === 'clawback');
      await this.#d.audit.record(trx, ctx, {
        action: 'partner.earning_created',
        partnerId,
        targetType: 'partner',
        targetId: partnerId,
        details: {
          lines: created.length,
          clawbacks: claws.length,
          refunded_invoices: claws.map((c) => c.refund_invoice_number),
          amount_minor: created.reduce((s, l) => s + l.amount_minor, 0),
          currency: created[0].currency,
          periods: [...new Set(created.map((l) => l.period))].sort(),
        },
      });
    }
    if (updated > 0) {
      await this.#d.audit.record(trx, ctx, { action: 'partner.earning_recalculated', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: updated, periods: [...new Set(updates.map((u) => u.period))].sort() } });
    }
    if (reversed.length > 0) {
      await this.#d.audit.record(trx, ctx, { action: 'partner.earning_reversed', partnerId, targetType: 'partner', targetId: partnerId, details: { lines: reversed.length, amount_minor: reversed.reduce((s, l) => s + l.amount_minor, 0) } });
    }
    return { created: created.length, updated, reversed: reversed.length, unchanged: Math.max(0, considered - updated - reversed.length) };
  }
}

type LineRows = Awaited<ReturnType<typeof repo.linesOf>>;
type InvoiceRows = Awaited<ReturnType<typeof repo.paidInvoicesOf>>;

/** What a page's plan compares against: its tenants' lines and paid invoices, by tenant. */
interface PageRows {
  linesBy: Map<string, LineRows>;
  invoicesBy: Map<string, InvoiceRows>;
  /** the paid invoices whose bounty is evaluated, of `bountyTenants` */
  bountyBy: Map<string, InvoiceRows>;
  bountyTenants: Set<string>;
}

/** A page's changes: lines to insert (with their invoices), open lines to update, lines to reverse. */
interface PagePlan {
  inserts: (repo.EarningRow & { invoices: Omit<repo.LineInvoiceRow, 'earning_id'>[] })[];
  updates: LineUpdate[];
  reverses: string[];
  /** the live lines of the months in scope (the ones left unchanged are counted from it) */
  considered: number;
}

function groupByTenant<T extends { tenant_id: string }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const l = m.get(r.tenant_id);
    if (l) l.push(r);
    else m.set(r.tenant_id, [r]);
  }
  return m;
}

async function readPage(trx: Tx, ids: string[], month: string | undefined, sweep: Map<string, Set<string>> | undefined): Promise<PageRows> {
  const lines = await repo.linesOf(trx, ids, month ? [month] : sweep ? [...new Set([...sweep.values()].flatMap((s) => [...s]))] : undefined);
  const invoices = await repo.paidInvoicesOf(trx, ids, month);
  const linesBy = groupByTenant(lines);
  const invoicesBy = groupByTenant(invoices);
  // a one-month run evaluates the bounty of tenants with none yet; the others' refunds come through the sweep
  const bountyTenants = month ? ids.filter((id) => !(linesBy.get(id) ?? []).some((l) => l.kind === 'bounty' && l.state !== 'reversed')) : ids;
  const bountyBy = month ? groupByTenant(await repo.paidInvoicesOf(trx, bountyTenants)) : invoicesBy;
  return { linesBy, invoicesBy, bountyBy, bountyTenants: new Set(bountyTenants) };
}

/** The agreement in force in a month: the latest effective by then (the higher version on the same day). */
function agreementInForce(agreements: repo.AgreementRow[], month: string): repo.AgreementRow | null {
  let best: repo.AgreementRow | null = null;
  for (const a of agreements) if (a.effective_date.slice(0, 7) <= month && (!best || a.effective_date > best.effective_date || (a.effective_date === best.effective_date && a.version > best.version))) best = a;
  return best;
}

/** Plans each tenant of the page against its agreements (earnings-plan.ts decides; this gathers). */
function planPage(partnerId: string, agreements: repo.AgreementRow[], tenants: repo.ReferredTenant[], page: PageRows, o: { month?: string; sweep?: Map<string, Set<string>>; now: string }): PagePlan {
  const rate = new Map(agreements.map((a) => [a.id, a.percent_bps]));
  const wantBounty = agreements.some((a) => a.bounty_minor !== null);
  const out: PagePlan = { inserts: [], updates: [], reverses: [], considered: 0 };
  for (const t of tenants) {
    const own = page.linesBy.get(t.tenant_id) ?? [];
    const signedUp = t.attributed_at.slice(0, 7);
    const terms = (m: string): PlanTerms | null => {
      const a = agreementInForce(agreements, m);
      const age = monthsBetween(signedUp, m);
      return a && age >= 0 && age < a.months ? { agreement_id: a.id, percent_bps: a.percent_bps, bounty_minor: a.bounty_minor, currency: a.currency } : null;
    };
    const months: ReadonlySet<string> | 'all' = o.month ? new Set([o.month]) : o.sweep ? (o.sweep.get(t.tenant_id) ?? new Set()) : 'all';
    const plan = planTenant({
      tenantId: t.tenant_id,
      months,
      invoices: page.invoicesBy.get(t.tenant_id) ?? [],
      lines: own.map((l) => ({ ...l, invoices: l.invoices })),
      terms,
      rateOf: (id) => rate.get(id) ?? null,
      bountyInvoices: wantBounty && page.bountyTenants.has(t.tenant_id) ? (page.bountyBy.get(t.tenant_id) ?? []) : null,
    });
    out.considered += own.filter((l) => l.state !== 'reversed' && (months === 'all' || months.has(l.period))).length;
    for (const n of plan.insert) {
      const { invoices: inv, ...rest } = n;
      out.inserts.push({
        ...rest,
        id: newId('ern'),
        partner_id: partnerId,
        tenant_id: t.tenant_id,
        invoice_count: inv.length,
        state: 'pending',
        payout_id: null,
        created_at: o.now,
        updated_at: o.now,
        approved_at: null,
        approved_by: null,
        reversed_at: null,
        invoices: inv.map((i) => ({ ...i, partner_id: partnerId, tenant_id: t.tenant_id })),
      });
    }
    out.updates.push(...plan.update.map((u) => ({ ...u, tenant_id: t.tenant_id })));
    out.reverses.push(...plan.reverse);
  }
  return out;
}

/**
 * Totals by state and by month from grouped sums. Clawbacks not paid yet (refunds after an earlier
 * payout, to be taken back from the next one) are their own figure, not a negative pending amount;
 * once netted in a payout they count in paid.
 */
export function byMonth(totals: { period: string; state: repo.EarningState; kind?: string; minor: number }[]) {
  const zero = () => ({ pending_minor: 0, approved_minor: 0, paid_minor: 0, reversed_minor: 0, clawback_minor: 0 });
  const sum = zero();
  const months = new Map<string, typeof sum>();
  for (const t of totals) {
    const key = (t.kind === 'clawback' && (t.state === 'pending' || t.state === 'approved') ? 'clawback_minor' : `${t.state}_minor`) as keyof typeof sum;
    sum[key] += t.minor;
    const m = months.get(t.period) ?? zero();
    m[key] += t.minor;
    months.set(t.period, m);
  }
  return { totals: sum, by_month: [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, m]) => ({ month, ...m })) };
}

/**
 * What the next payout pays: the approved earnings net of the refunds taken back after earlier
 * payouts (clawbacks not yet paid; zero or less: nothing is paid yet). The one computation the program pages, the partner's home and
 * the operator's overview show.
 */
export function nextPayoutMinor(t: { approved_minor: number; clawback_minor: number }): number {
  return t.approved_minor + t.clawback_minor;
}
