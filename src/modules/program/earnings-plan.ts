/**
 * What the earnings computation writes for one referred tenant, as a pure function of what is
 * (the tenant's paid invoices, its existing lines, the agreement terms by month): no I/O, no clock.
 * program.service.ts reads a page of tenants, asks this for the changes and writes them.
 *
 * The model:
 *  - commission: one line per (tenant, month of payment) carrying percent_bps of the SUM of that
 *    month's eligible paid invoices, rounded once on the sum (half up, integer minor units). While
 *    the line is pending or approved it follows the invoices (recomputed; reversed when nothing is
 *    left). Once paid it is frozen: an invoice refunded (no longer paid) later gets a clawback line,
 *    and an invoice paid later in that month a new line (`tenant:month:n`).
 *  - clawback: negative, pending, naming the refunded invoice and the paid line it takes back
 *    from: all of an invoice no longer paid, or the part of one refunded or credited in part (its
 *    base shrinks with what is left of its total, earnings-math.ts creditedBaseMinor). Its amount telescopes — the commission on the paid line's remaining base minus the
 *    commission on it before — so a paid line and its clawbacks always sum to the commission on
 *    what is still paid, to the cent. A clawback not yet paid whose invoice is paid again is reversed.
 *  - bounty: once per qualified sign-up, on the tenant's first eligible paid invoice. A paid bounty
 *    stands while the tenant has any eligible paid invoice; when none is left, it is clawed back.
 */
import { commissionMinor } from './earnings-math.ts';

export type LineKind = 'commission' | 'bounty' | 'clawback';
export type LineState = 'pending' | 'approved' | 'paid' | 'reversed';

/** A paid invoice of the tenant (any currency); `month` is its month of payment. */
export interface PlanInvoice {
  id: string;
  number: string;
  month: string;
  paid_at: string | null;
  base: number;
  currency: string;
}

export interface PlanLineInvoice {
  invoice_id: string;
  invoice_number: string;
  paid_at: string | null;
  base_minor: number;
}

export interface PlanLine {
  id: string;
  kind: LineKind;
  period: string;
  source_key: string;
  state: LineState;
  agreement_id: string;
  base_minor: number;
  amount_minor: number;
  currency: string;
  clawback_of: string | null;
  refund_invoice_id: string | null;
  invoices: PlanLineInvoice[];
}

/** The terms of the agreement in force for a month that this tenant's invoices of that month may earn under. */
export interface PlanTerms {
  agreement_id: string;
  percent_bps: number | null;
  bounty_minor: number | null;
  currency: string;
}

export interface PlanInput {
  tenantId: string;
  /** the months whose commission lines this run owns ('all': every month) */
  months: ReadonlySet<string> | 'all';
  /** the tenant's paid invoices paid in those months (all of them for 'all') */
  invoices: PlanInvoice[];
  /** the tenant's lines of those months, its bounty lines, and the clawbacks of any of them */
  lines: PlanLine[];
  /** the agreement (if any) whose terms apply to the tenant's invoices paid in `month` */
  terms: (month: string) => PlanTerms | null;
  /** the commission rate of an agreement (a paid line's, for its clawbacks) */
  rateOf: (agreementId: string) => number | null;
  /** every paid invoice of the tenant, when its bounty is to be evaluated on this run; null: leave the bounty alone */
  bountyInvoices: PlanInvoice[] | null;
}

export interface NewLine {
  kind: LineKind;
  period: string;
  source_key: string;
  agreement_id: string;
  base_minor: number;
  amount_minor: number;
  currency: string;
  clawback_of: string | null;
  refund_invoice_id: string | null;
  refund_invoice_number: string | null;
  invoices: PlanLineInvoice[];
}

export interface LineUpdate {
  id: string;
  period: string;
  agreement_id: string;
  base_minor: number;
  amount_minor: number;
  invoices: PlanLineInvoice[];
}

export interface Plan {
  insert: NewLine[];
  update: LineUpdate[];
  /** ids of open (pending/approved) lines to reverse */
  reverse: string[];
}

const OPEN: ReadonlySet<LineState> = new Set(['pending', 'approved']);
const live = (l: PlanLine) => l.state !== 'reversed';
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** the order payments came in: month, time of payment, then invoice number */
const firstPaid = (a: PlanInvoice, b: PlanInvoice) => cmp(a.month, b.month) || cmp(a.paid_at ?? '', b.paid_at ?? '') || cmp(a.number, b.number) || cmp(a.id, b.id);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const toLineInvoice = (i: PlanInvoice): PlanLineInvoice => ({ invoice_id: i.id, invoice_number: i.number, paid_at: i.paid_at, base_minor: i.base });
const sameInvoices = (a: PlanLineInvoice[], b: PlanLineInvoice[]) =>
  a.length === b.length &&
  a.every((x, i) => x.invoice_id === b[i].invoice_id && x.base_minor === b[i].base_minor && x.invoice_number === b[i].invoice_number && x.paid_at === b[i].paid_at);

export function planTenant(input: PlanInput): Plan {
  const s = planningState(input);
  planCommissions(input, s);
  if (input.bountyInvoices) planBounty(input, input.bountyInvoices, s);
  return s.plan;
}

type PlanningState = ReturnType<typeof planningState>;

/** The plan being built, the lines already reversed by it, and the clawbacks of each paid line. */
function planningState(input: PlanInput) {
  const plan: Plan = { insert: [], update: [], reverse: [] };
  const paidIds = new Set(input.invoices.map((i) => i.id));
  for (const i of input.bountyInvoices ?? []) paidIds.add(i.id);
  const clawbacksOf = new Map<string, PlanLine[]>();
  for (const l of input.lines) if (l.kind === 'clawback' && l.clawback_of) clawbacksOf.set(l.clawback_of, [...(clawbacksOf.get(l.clawback_of) ?? []), l]);
  const reversedNow = new Set<string>();
  const isLive = (l: PlanLine) => live(l) && !reversedNow.has(l.id);
  const inScope = (m: string) => input.months === 'all' || input.months.has(m);

  /** each paid invoice's base now (after what was refunded or credited of it) */
  const baseNow = new Map<string, number>();
  for (const i of [...input.invoices, ...(input.bountyInvoices ?? [])]) baseNow.set(i.id, i.base);
  const sum = (ls: readonly PlanLine[]) => ls.reduce((n, c) => n + c.base_minor, 0);

  /**
   * Clawbacks for what a paid line's invoices lost since: all of an invoice no longer paid, the part
   * refunded or credited of one still paid. Open clawbacks that take back more than was lost (an
   * invoice paid again, a refund undone) are reversed. Returns the invoices the line still covers.
   */
  const settlePaidLine = (paid: PlanLine, amountOf: (remaining: number, taken: number) => number): Set<string> => {
    const claws = clawbacksOf.get(paid.id) ?? [];
    const invoices = [...paid.invoices].sort((a, b) => (a.invoice_id < b.invoice_id ? -1 : 1));
    const mine = (inv: PlanLineInvoice) => claws.filter((c) => isLive(c) && c.refund_invoice_id === inv.invoice_id);
    // what the line should still cover of each invoice: what is left of it now, never more than a paid clawback left
    const target = (inv: PlanLineInvoice) => Math.max(0, Math.min(baseNow.get(inv.invoice_id) ?? 0, inv.base_minor + sum(mine(inv).filter((c) => !OPEN.has(c.state)))));
    for (const inv of invoices) {
      const open = mine(inv).filter((c) => OPEN.has(c.state));
      if (open.length && inv.base_minor + sum(mine(inv)) < target(inv)) {
        for (const c of open) {
          plan.reverse.push(c.id);
          reversedNow.add(c.id);
        }
      }
    }
    let remaining = paid.base_minor + sum(claws.filter(isLive));
    const covered = new Set<string>();
    for (const inv of invoices) {
      const left = target(inv);
      const taken = inv.base_minor + sum(mine(inv)) - left;
      if (taken > 0) {
        const n = claws.filter((c) => c.refund_invoice_id === inv.invoice_id).length;
        plan.insert.push({
          kind: 'clawback',
          period: paid.period,
          source_key: `${paid.id}:${inv.invoice_id}:${n}`,
          agreement_id: paid.agreement_id,
          base_minor: -taken,
          amount_minor: amountOf(remaining, taken),
          currency: paid.currency,
          clawback_of: paid.id,
          refund_invoice_id: inv.invoice_id,
          refund_invoice_number: inv.invoice_number,
          invoices: [inv],
        });
        remaining -= taken;
      }
      if (left > 0) covered.add(inv.invoice_id);
    }
    return covered;
  };

  return { plan, paidIds, clawbacksOf, reversedNow, isLive, inScope, settlePaidLine };
}

/** Commission, month by month: one open line per month covering the eligible paid invoices not yet covered by a paid line. */
function planCommissions(input: PlanInput, { plan, inScope, settlePaidLine }: PlanningState): void {
  const months = new Set<string>();
  for (const i of input.invoices) if (inScope(i.month)) months.add(i.month);
  for (const l of input.lines) if (l.kind === 'commission' && inScope(l.period)) months.add(l.period);
  for (const month of [...months].sort()) {
    const lines = input.lines.filter((l) => l.kind === 'commission' && l.period === month);
    const covered = new Set<string>();
    for (const p of lines.filter((l) => l.state === 'paid')) {
      const rate = input.rateOf(p.agreement_id) ?? 0;
      for (const id of settlePaidLine(p, (rem, taken) => commissionMinor(rem - taken, rate) - commissionMinor(rem, rate))) covered.add(id);
    }
    const terms = input.terms(month);
    const eligible =
      terms && terms.percent_bps !== null
        ? input.invoices.filter((i) => i.month === month && i.currency === terms.currency && !covered.has(i.id)).sort(byId)
        : [];
    const open = lines.filter((l) => OPEN.has(l.state));
    // at most one open line per month; any other is a leftover to reverse
    for (const extra of open.slice(1)) plan.reverse.push(extra.id);
    const o = open[0];
    if (eligible.length === 0 || !terms || terms.percent_bps === null) {
      if (o) plan.reverse.push(o.id);
      continue;
    }
    const base = eligible.reduce((s, i) => s + i.base, 0);
    const amount = commissionMinor(base, terms.percent_bps);
    const invoices = eligible.map(toLineInvoice);
    if (o) {
      if (o.base_minor !== base || o.amount_minor !== amount || o.agreement_id !== terms.agreement_id || !sameInvoices([...o.invoices].sort((a, b) => (a.invoice_id < b.invoice_id ? -1 : 1)), invoices)) {
        plan.update.push({ id: o.id, period: month, agreement_id: terms.agreement_id, base_minor: base, amount_minor: amount, invoices });
      }
      continue;
    }
    plan.insert.push({
      kind: 'commission',
      period: month,
      source_key: `${input.tenantId}:${month}:${lines.length}`,
      agreement_id: terms.agreement_id,
      base_minor: base,
      amount_minor: amount,
      currency: terms.currency,
      clawback_of: null,
      refund_invoice_id: null,
      refund_invoice_number: null,
      invoices,
    });
  }
}

/** The bounty: once, on the first paid invoice whose month's terms have one; taken back when no eligible paid invoice is left. */
function planBounty(input: PlanInput, bountyInvoices: PlanInvoice[], s: PlanningState): void {
  const { plan, clawbacksOf, reversedNow, isLive, inScope } = s;
  const bounties = input.lines.filter((l) => l.kind === 'bounty');
  const qualifying = qualifyingBounty(input, bountyInvoices);
  const paid = bounties.filter((b) => b.state === 'paid');
  const open = bounties.filter((b) => OPEN.has(b.state));
  // a paid bounty stands while the tenant is qualified: its clawbacks not yet paid are reversed
  const standing = (b: PlanLine) => !(clawbacksOf.get(b.id) ?? []).some((c) => isLive(c) && !OPEN.has(c.state));
  if (qualifying) {
    const q = qualifying;
    let stands = false;
    for (const b of paid.filter(standing)) {
      for (const c of clawbacksOf.get(b.id) ?? []) {
        if (isLive(c) && OPEN.has(c.state)) {
          plan.reverse.push(c.id);
          reversedNow.add(c.id);
        }
      }
      stands = true;
    }
    if (stands) {
      for (const b of open) plan.reverse.push(b.id);
    } else if (open[0]) {
      const b = open[0];
      for (const extra of open.slice(1)) plan.reverse.push(extra.id);
      const invoices = [toLineInvoice(q.inv)];
      if (b.period !== q.inv.month || b.amount_minor !== q.terms.bounty_minor || b.agreement_id !== q.terms.agreement_id || !sameInvoices(b.invoices, invoices)) {
        plan.update.push({ id: b.id, period: q.inv.month, agreement_id: q.terms.agreement_id, base_minor: 0, amount_minor: q.terms.bounty_minor, invoices });
      }
    } else if (inScope(q.inv.month)) {
      plan.insert.push({
        kind: 'bounty',
        period: q.inv.month,
        source_key: `${input.tenantId}:${bounties.length}`,
        agreement_id: q.terms.agreement_id,
        base_minor: 0,
        amount_minor: q.terms.bounty_minor,
        currency: q.terms.currency,
        clawback_of: null,
        refund_invoice_id: null,
        refund_invoice_number: null,
        invoices: [toLineInvoice(q.inv)],
      });
    }
  } else {
    for (const b of open) plan.reverse.push(b.id);
    takeBackPaidBounties(s, paid);
  }
}

/** The first paid invoice (in the order payments came in) whose month's terms carry a bounty in its currency. */
function qualifyingBounty(input: PlanInput, bountyInvoices: PlanInvoice[]): { inv: PlanInvoice; terms: PlanTerms & { bounty_minor: number } } | null {
  let qualifying: { inv: PlanInvoice; terms: PlanTerms & { bounty_minor: number } } | null = null;
  for (const inv of [...bountyInvoices].sort(firstPaid)) {
    const t = input.terms(inv.month);
    if (t && t.bounty_minor !== null && t.currency === inv.currency) {
      qualifying = { inv, terms: { ...t, bounty_minor: t.bounty_minor } };
      break;
    }
  }
  return qualifying;
}

/** No eligible paid invoice is left: each paid bounty is taken back, naming the invoice it was paid on. */
function takeBackPaidBounties({ plan, clawbacksOf, isLive }: PlanningState, paid: PlanLine[]): void {
  for (const b of paid) {
    const claws = clawbacksOf.get(b.id) ?? [];
    if (claws.some(isLive)) continue;
    const inv = b.invoices[0];
    plan.insert.push({
      kind: 'clawback',
      period: b.period,
      source_key: `${b.id}:${inv?.invoice_id ?? 'bounty'}:${claws.length}`,
      agreement_id: b.agreement_id,
      base_minor: 0,
      amount_minor: -b.amount_minor,
      currency: b.currency,
      clawback_of: b.id,
      refund_invoice_id: inv?.invoice_id ?? null,
      refund_invoice_number: inv?.invoice_number ?? null,
      invoices: inv ? [inv] : [],
    });
  }
}
