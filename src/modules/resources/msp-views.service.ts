/**
 * The consolidated MSP views, for one partner across the tenants it manages: billing summary, invoices (and their
 * export rows), the ticket feed, usage and SLA reports, SLA and billing alerts. The HTTP edge (partner.routes.ts)
 * checks the caller and the rate limit and writes the answer; everything between is here.
 *
 * Every answer is restricted to the tenants the partner holds an effective delegation for, to the billing accounts
 * each delegation covers, and — per view — to the tenants whose delegation grants that view's permission (an
 * MSP_SUPPORT link shows tickets, not invoices). The decisions come from the live snapshot; every tenant an answer
 * drew on gets an access event in its own audit log. "Now" (the default alert window, the export's date): the clock's.
 */
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { memberSight, withoutFigures, type AlertsService, type LinkCondition } from '../alerts/index.ts';
import type { AuditEntry } from '../audit/index.ts';
import { alertWords, figuresHidden } from '../notifications/index.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';
import type { Allowed, AuthzService } from '../authz/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import { resourceErrors as E } from './resources.errors.ts';
import type { BillingTotals, CurrencyTotals, SlaTotal, TicketRow } from './resources.repo.ts';
import type { ResourcesService, TenantScope } from './resources.service.ts';
import { pageRows, parseSort, rowPageWindow, type CommonListQuery } from './resource-lists.ts';
import { DEFAULT_RECEIVABLES_THRESHOLD_CENTS, defaultAlertFrom, type Alert } from './msp-alerts.ts';
import { ATTENTION_CUSTOMERS, FIGURE_PERMISSION, FIGURE_SORTS, SLA_CHART_CUSTOMERS, attentionOrder, billingTotalsByCurrency, compliancePct, figuresOf, needsAttention, orderByFigure, orderByName, FigureOrders, type FigureSort, type FigureSources } from './msp-figures.ts';
import { linkMatches, nameMatches, needleOf, type FiguresFilter, type LinkFacts } from './customer-figures-filter.ts';
import { caller, mergedDecisions, monthsBack, watchedLinks, type MspCaller } from './msp-views-parts.ts';
import { ROLLUP_PERMISSION, resellerBillingRollup, type ResellerOfDistributor, type RollupQuery } from './reseller-billing.ts';

export interface MspViewsDeps {
  resources: ResourcesService;
  authz: Pick<AuthzService, 'snapshot' | 'partnerAccess' | 'memberAccess' | 'refusalError' | 'throughReseller' | 'resellerReach'>;
  tenants: Pick<TenantsService, 'tenantNames'>;
  /** the alerts module's one computation of a link's alerts (the inbox's too) */
  alerts: Pick<AlertsService, 'currentAlerts'>;
  clock: Clock;
  /** queue one access event (batched, off the response path) */
  recordAccess: (ctx: RequestContext, entry: AuditEntry) => void;
  /** The same for one read across many tenants: an event per tenant, in its own log (same action and target). */
  recordAccesses: (ctx: RequestContext, entries: AuditEntry[]) => void;
  /** what the figures rows show of these delegations of the partner (the delegations module reads them) */
  links: (partnerId: string, delegationIds: readonly string[]) => Promise<Map<string, LinkFacts>>;
}

export type { MspCaller };

export interface PeriodQuery {
  tenant_id?: string;
  period_from?: string;
  period_to?: string;
}

export type InvoiceStatus = 'open' | 'paid' | 'overdue' | 'void';
export { billingTotalsByCurrency, compliancePct, monthsBack };
export { type Alert, DEFAULT_RECEIVABLES_THRESHOLD_CENTS, defaultAlertFrom, overdueInvoiceAlert, receivablesAlert, slaAlert } from './msp-alerts.ts';

export class MspViewsService {
  readonly #d: MspViewsDeps;
  /** the customers' figures in one figure's order, kept a short while per person and sort (paging reads the figure once) */
  readonly #orders = new FigureOrders();
  constructor(d: MspViewsDeps) {
    this.#d = d;
  }

  async billingSummary(ctx: RequestContext, who: MspCaller, q: PeriodQuery & CommonListQuery) {
    const { scopes, decisions } = this.#scopesFor(who, 'billing.summary.read', q.tenant_id);
    const f = { periodFrom: q.period_from, periodTo: q.period_to };
    const head = { period_from: q.period_from ?? null, period_to: q.period_to ?? null };
    const tenantRow = (n: Map<string, string>) => (r: BillingTotals) => ({
      tenant_id: r.tenant_id,
      tenant_name: n.get(r.tenant_id) ?? '',
      currency: r.currency,
      invoiced_cents: r.invoiced_cents,
      outstanding_cents: r.outstanding_cents,
      overdue_cents: r.overdue_cents,
      paid_cents: r.paid_cents,
      open_invoices: r.open_count,
      overdue_invoices: r.overdue_count,
    });
    if (q.sort) {
      // a chosen order: every row, sorted here
      const rows = await this.#d.resources.billingTotals(scopes, f);
      const n = await this.#names(rows.map((r) => r.tenant_id));
      this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/billing/summary');
      const page = pageRows(rows.map(tenantRow(n)), q, ['tenant_name', 'invoiced_cents', 'outstanding_cents', 'overdue_cents', 'paid_cents', 'open_invoices', 'overdue_invoices']);
      return { ...head, totals: billingTotalsByCurrency(rows), tenants: page.data, total: page.total, limit: page.limit, offset: page.offset };
    }
    // The default order (tenant, currency) is the invoice totals' key order: the database sums one page of
    // tenants, and — concurrently — the per-currency totals over every tenant in scope, whose row
    // counts add up to the number of rows over every page. `q` narrows the tenants by name (as
    // pageRows would); the totals stay those of every tenant in scope, as they always were.
    const { limit, offset } = rowPageWindow(q);
    const needle = q.q?.toLowerCase();
    let totals: CurrencyTotals[];
    let rows: BillingTotals[];
    let total: number;
    let n: Map<string, string>;
    if (needle) {
      n = await this.#names(scopes.map((s) => s.tenantId));
      const matching = scopes.filter((s) => (n.get(s.tenantId) ?? '').toLowerCase().includes(needle));
      let all: BillingTotals[];
      [totals, all] = await Promise.all([this.#d.resources.currencyTotals(scopes, f), matching.length === 0 ? [] : this.#d.resources.billingTotals(matching, f)]);
      total = all.length;
      rows = all.slice(offset, offset + limit);
    } else {
      [totals, rows] = await Promise.all([this.#d.resources.currencyTotals(scopes, f), this.#d.resources.billingTotalsPage(scopes, f, { limit, offset })]);
      total = totals.reduce((a, c) => a + c.tenants, 0);
      n = await this.#names(rows.map((r) => r.tenant_id));
    }
    this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/billing/summary');
    return { ...head, totals, tenants: rows.map(tenantRow(n)), total, limit, offset };
  }

  async invoices(ctx: RequestContext, who: MspCaller, q: PeriodQuery & CommonListQuery & { status?: InvoiceStatus; ban_id?: string }) {
    const { scopes, decisions } = this.#scopesFor(who, 'billing.invoices.read', q.tenant_id);
    const page = await this.#d.resources.list('invoices', scopes, { ...q, eq: { status: q.status, ban_id: q.ban_id } });
    this.#audit(ctx, who.partnerId, page.data.map((i) => i.tenant_id), decisions, 'GET /api/v1/partner/billing/invoices');
    return page;
  }

  /** The scopes and access decisions of an export (billing.invoices.export through link ∩ member role). */
  exportScopes(who: MspCaller, tenantId?: string) {
    return this.#scopesFor(who, 'billing.invoices.export', tenantId);
  }

  /**
   * Before a finished export is handed over: the person may still export each customer it drew
   * on, now — else the refusal a new export would get (a revoked link, a narrowed role, an MFA
   * policy since).
   */
  checkExportStillAllowed(who: MspCaller, tenantIds: readonly string[]): void {
    for (const t of tenantIds) {
      const d = this.#d.authz.memberAccess(who.userId, who.partnerId, t, 'billing.invoices.export', undefined, who.mfa === true);
      if (!d.allow) throw this.#d.authz.refusalError(d);
    }
  }

  /** Record an export in the log of each tenant it drew on. */
  recordExport(ctx: RequestContext, who: MspCaller, decisions: Map<string, Allowed>, details: Record<string, unknown>): void {
    this.#record(
      ctx,
      [...decisions.keys()].map((t) => ({
        action: 'billing.invoices_exported',
        tenantId: t,
        partnerId: who.partnerId,
        targetType: 'endpoint',
        targetId: 'POST /api/v1/partner/billing/invoices/export',
        details: { ...this.#accessDetails(who.partnerId, decisions.get(t)?.delegationId ?? null), ...details },
      })),
    );
  }

  /** One tenant's event as any access event; many as one read across them (recordAccesses). */
  #record(ctx: RequestContext, entries: AuditEntry[]): void {
    if (entries.length === 1) this.#d.recordAccess(ctx, entries[0]);
    else if (entries.length > 1) this.#d.recordAccesses(ctx, entries);
  }

  async tickets(ctx: RequestContext, who: MspCaller, q: CommonListQuery & { tenant_id?: string; status?: TicketRow['status']; priority?: TicketRow['priority']; category?: string }) {
    const { scopes, decisions } = this.#scopesFor(who, 'support.tickets.read', q.tenant_id);
    // people are named to this partner as its reader: its own and the customer's, no one else's
    const page = await this.#d.resources.list('tickets', scopes, { ...q, eq: { status: q.status, priority: q.priority, category: q.category } }, { partnerId: who.partnerId });
    this.#audit(ctx, who.partnerId, page.data.map((t) => t.tenant_id), decisions, 'GET /api/v1/partner/support/tickets');
    return page;
  }

  async ticket(ctx: RequestContext, who: MspCaller, ticketId: string) {
    const { scopes, decisions } = this.#scopesFor(who, 'support.tickets.read');
    const t = await this.#d.resources.getTicket(scopes, ticketId, { partnerId: who.partnerId });
    this.#audit(ctx, who.partnerId, [t.tenant_id], decisions, 'GET /api/v1/partner/support/tickets/:ticket_id');
    return { ...t, tenant_name: (await this.#names([t.tenant_id])).get(t.tenant_id) ?? '' };
  }

  async openTicket(ctx: RequestContext, who: MspCaller, tenantId: string, input: Parameters<ResourcesService['openTicket']>[2]) {
    const a = this.#d.authz.memberAccess(who.userId, who.partnerId, tenantId, 'support.tickets.create', undefined, who.mfa === true);
    if (!a.allow) throw this.#d.authz.refusalError(a);
    const t = await this.#d.resources.openTicket(ctx, caller(who, tenantId, a), input);
    return this.ticket(ctx, who, t.id);
  }

  async updateTicket(ctx: RequestContext, who: MspCaller, ticketId: string, patch: Parameters<ResourcesService['updateTicket']>[3]) {
    const { scopes, decisions } = this.#scopesFor(who, 'support.tickets.update');
    // A ticket of a tenant without that permission answers like a missing one.
    const tenantId = await this.#d.resources.ticketTenant(scopes, ticketId);
    if (!tenantId) {
      // visible but not changeable (a read-only member role): say so rather than "not found"
      const readable = await this.#d.resources.ticketTenant(this.#scopesFor(who, 'support.tickets.read').scopes, ticketId);
      if (readable) {
        const d = this.#d.authz.memberAccess(who.userId, who.partnerId, readable, 'support.tickets.update', undefined, who.mfa === true);
        if (!d.allow) throw this.#d.authz.refusalError(d);
      }
      throw E.ticket_not_found();
    }
    await this.#d.resources.updateTicket(ctx, caller(who, tenantId, decisions.get(tenantId)!), ticketId, patch, who.userId, who.partnerId);
    return this.ticket(ctx, who, ticketId);
  }

  async usage(ctx: RequestContext, who: MspCaller, q: PeriodQuery & CommonListQuery & { metric?: string }) {
    const { scopes, decisions } = this.#scopesFor(who, 'reports.usage.read', q.tenant_id);
    const f = { periodFrom: q.period_from, periodTo: q.period_to, metric: q.metric };
    const fields = ['tenant_name', 'period', 'metric', 'quantity', 'amount_cents'] as const;
    if (q.sort) {
      // a chosen order: every row, sorted here (the names sort as the other reports' do)
      const rows = await this.#d.resources.usageTotals(scopes, f);
      const n = await this.#names(rows.map((r) => r.tenant_id));
      this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/usage');
      return pageRows(rows.map((r) => ({ ...r, tenant_name: n.get(r.tenant_id) ?? '' })), q, [...fields]);
    }
    // The default order (tenant, month, metric) is the covering index's: the database reads one
    // page and counts the groups, instead of summing all of them (24,000 at 1,000 tenants) for us
    // to page here. `q` matches tenant names exactly as pageRows would, by narrowing the tenants.
    const { page, n, limit, offset } = await this.#pageInSql(scopes, q, (ss, w) => this.#d.resources.usageTotalsPage(ss, f, w));
    this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/usage');
    return { data: page.data.map((r) => ({ ...r, tenant_name: n.get(r.tenant_id) ?? '' })), total: page.total, limit, offset, next_cursor: null };
  }

  async sla(ctx: RequestContext, who: MspCaller, q: PeriodQuery & CommonListQuery) {
    const { scopes, decisions } = this.#scopesFor(who, 'reports.sla.read', q.tenant_id);
    const f = { periodFrom: q.period_from, periodTo: q.period_to };
    const toRow = (n: Map<string, string>) => (r: SlaTotal) => ({ ...r, tenant_name: n.get(r.tenant_id) ?? '', compliance_pct: compliancePct(r.records, r.breached) });
    if (q.sort) {
      // a chosen order: every row, sorted here
      const rows = await this.#d.resources.slaTotals(scopes, f);
      const n = await this.#names(rows.map((r) => r.tenant_id));
      this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/sla');
      return pageRows(rows.map(toRow(n)), q, ['tenant_name', 'compliance_pct', 'breached', 'records', 'avg_achieved_pct', 'min_achieved_pct', 'downtime_minutes']);
    }
    // The default order (tenant) is the covering index's: the database sums one page of tenants and
    // counts the tenants with records, concurrently.
    const { page, n, limit, offset } = await this.#pageInSql(scopes, q, (ss, w) => this.#d.resources.slaTotalsPage(ss, f, w));
    this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/reports/sla');
    return { data: page.data.map(toRow(n)), total: page.total, limit, offset, next_cursor: null };
  }

  /**
   * SLA breaches, newest first; by default from the first day of the month three months back. A
   * breach is a month below the availability the link commits to, where the link's alert settings
   * turn SLA alerts on — computed by the alerts module, as the inbox's alerts are.
   */
  async slaAlerts(ctx: RequestContext, who: MspCaller, q: PeriodQuery & CommonListQuery, locale: Locale = DEFAULT_LOCALE) {
    const { decisions } = this.#scopesFor(who, 'alerts.sla.read', q.tenant_id);
    const found = await this.#d.alerts.currentAlerts(watchedLinks(decisions), { kinds: ['sla_breach'], slaFrom: q.period_from ?? defaultAlertFrom(this.#d.clock.now()), slaTo: q.period_to });
    const n = await this.#names(found.map((r) => r.tenant_id));
    this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/alerts/sla');
    const data = found.map((a) => this.#shown(who, toViewAlert(a, n, locale), locale)).sort((x, y) => (y.period ?? '').localeCompare(x.period ?? ''));
    return pageRows(data, q, ['tenant_name', 'severity', 'period'], (a) => `${a.tenant_name} ${a.message}`);
  }

  /**
   * Receivables above each link's threshold, then overdue invoices, where each link's alert
   * settings turn them on — computed by the alerts module, as the inbox's alerts are.
   * `threshold_cents`, when asked, replaces every link's threshold amount (in the link's currency).
   */
  async billingAlerts(ctx: RequestContext, who: MspCaller, q: CommonListQuery & { tenant_id?: string; threshold_cents?: number }, locale: Locale = DEFAULT_LOCALE) {
    const { decisions } = this.#scopesFor(who, 'alerts.billing.read', q.tenant_id);
    const found = await this.#d.alerts.currentAlerts(watchedLinks(decisions), { kinds: ['receivables_threshold', 'invoice_overdue'], thresholdCents: q.threshold_cents });
    const n = await this.#names(found.map((r) => r.tenant_id));
    this.#audit(ctx, who.partnerId, decisions.keys(), decisions, 'GET /api/v1/partner/alerts/billing');
    const data = [...found.filter((a) => a.kind === 'receivables_threshold'), ...found.filter((a) => a.kind === 'invoice_overdue')].map((a) => this.#shown(who, toViewAlert(a, n, locale), locale));
    // the threshold asked for, else the default a link starts with (each link's own is in its alert's message)
    return { threshold_cents: q.threshold_cents ?? DEFAULT_RECEIVABLES_THRESHOLD_CENTS, ...pageRows(data, q, ['tenant_name', 'severity', 'period'], (a) => `${a.tenant_name} ${a.message}`) };
  }

  /** An alert as this member may read it: without its figures unless they may read those (as the notices decide it), said in their language. */
  #shown(who: MspCaller, a: Alert, locale: Locale): Alert {
    return memberSight(this.#d.authz, a.kind, who.userId, who.partnerId, a.tenant_id, who.mfa === true) === 'full' ? a : { ...withoutFigures(a), message: figuresHidden(locale) };
  }

  /**
   * The dashboard across every managed customer: tiles, revenue and receivables by month, the
   * customers lowest in SLA compliance and those that need attention — each part only over the
   * tenants where the member may see it (link ∩ member role); a part seen nowhere is empty. Every
   * customer's own figures are a list of their own (customerFigures), a page at a time.
   */
  async dashboard(ctx: RequestContext, who: MspCaller, q: { period_from?: string; period_to?: string }) {
    const { resources } = this.#d;
    const tenantIds = [...this.#reach(who).keys()];
    const bill = this.#scopesAmong(who, 'billing.summary.read', tenantIds);
    const tick = this.#scopesAmong(who, 'support.tickets.read', tenantIds);
    const sla = this.#scopesAmong(who, 'reports.sla.read', tenantIds);
    const periodFrom = q.period_from ?? monthsBack(this.#d.clock.now(), 11);
    const whole = this.#partnerWhole(who, bill.scopes);
    const [billing, open, slaRows, months] = await Promise.all([
      this.#billing(who, bill.scopes, whole),
      resources.openTicketCounts(tick.scopes),
      resources.slaTotals(sla.scopes, { periodFrom, periodTo: q.period_to }),
      this.#months(bill.scopes, who.partnerId, whole, { periodFrom, periodTo: q.period_to }),
    ]);
    this.#audit(ctx, who.partnerId, tenantIds, mergedDecisions([bill, tick, sla]), 'GET /api/v1/partner/dashboard');
    // who needs attention, from the customers with something overdue, open tickets or SLA under the line
    const figures = figuresOf({ billing: { visible: bill.decisions, rows: billing.overdue }, tickets: { visible: tick.decisions, rows: open }, sla: { visible: sla.decisions, rows: slaRows } });
    const candidates = new Set([...billing.overdue.map((r) => r.tenant_id), ...open.filter((o) => o.open > 0).map((o) => o.tenant_id), ...slaRows.map((r) => r.tenant_id)]);
    const attention = [...candidates].map(figures).filter(needsAttention).sort(attentionOrder);
    const shown = attention.slice(0, ATTENTION_CUSTOMERS);
    const lowest = slaRows.map((r) => ({ tenant_id: r.tenant_id, tenant_name: '', compliance_pct: compliancePct(r.records, r.breached) })).sort((a, b) => a.compliance_pct - b.compliance_pct || (a.tenant_id < b.tenant_id ? -1 : 1)).slice(0, SLA_CHART_CUSTOMERS);
    // what the ones shown without anything overdue owe (the rows above are only the overdue ones)
    const owing = new Set(shown.filter((f) => f.currency === null && bill.decisions.has(f.tenant_id)).map((f) => f.tenant_id));
    const [owed, names] = await Promise.all([owing.size === 0 ? [] : resources.billingTotals(bill.scopes.filter((s) => owing.has(s.tenantId)), {}), this.#names([...shown, ...lowest].map((r) => r.tenant_id))]);
    const last = new Map(owed.map((r) => [r.tenant_id, r]));
    for (const f of shown) {
      const r = last.get(f.tenant_id);
      if (r) Object.assign(f, { currency: r.currency, outstanding_cents: r.outstanding_cents, overdue_cents: r.overdue_cents });
    }
    for (const r of [...shown, ...lowest]) r.tenant_name = names.get(r.tenant_id) ?? '';
    return {
      tiles: {
        customers: tenantIds.length,
        receivables: billing.currencies.map((t) => ({ currency: t.currency, amount_cents: t.outstanding_cents })),
        overdue: billing.currencies.map((t) => ({ currency: t.currency, amount_cents: t.overdue_cents })),
        open_tickets: open.reduce((a, o) => a + o.open, 0),
        sla_compliance_pct: sla.decisions.size === 0 ? null : compliancePct(slaRows.reduce((a, r) => a + r.records, 0), slaRows.reduce((a, r) => a + r.breached, 0)),
      },
      revenue_by_month: months,
      sla_by_customer: lowest,
      attention: shown,
      attention_total: attention.length,
    };
  }

  /**
   * Every managed customer's figures (what it owes, is overdue, its open tickets, SLA compliance over
   * 12 months) and the link each row shows, a page at a time by id or one figure (`sort`; a figure not
   * shown is null, and last), narrowed by name, role and reseller first (customer-figures-filter.ts).
   */
  async customerFigures(ctx: RequestContext, who: MspCaller, q: { limit?: number; offset?: number; sort?: string } & FiguresFilter) {
    const { limit, offset } = rowPageWindow(q);
    const [key] = parseSort(q.sort, Object.keys(FIGURE_SORTS));
    const reach = this.#reach(who);
    const reachable = [...reach.keys()].sort();
    const ordered = key ? await this.#orders.order(`${who.partnerId} ${who.userId} ${q.sort}`, this.#d.clock.now().getTime(), reachable, () => this.#figureOrder(who, reachable, key.field as FigureSort, key.desc)) : reachable;
    const all = await this.#narrowed(who.partnerId, ordered, reach, q);
    const page = all.slice(offset, offset + limit);
    const bill = this.#scopesAmong(who, 'billing.summary.read', page);
    const tick = this.#scopesAmong(who, 'support.tickets.read', page);
    const sla = this.#scopesAmong(who, 'reports.sla.read', page);
    const [totals, open, slaRows, names, links] = await Promise.all([
      this.#d.resources.billingTotals(bill.scopes, {}),
      this.#d.resources.openTicketCounts(tick.scopes),
      this.#d.resources.slaTotals(sla.scopes, { periodFrom: monthsBack(this.#d.clock.now(), 11) }),
      this.#names(page),
      this.#d.links(who.partnerId, page.flatMap((t) => reach.get(t)?.delegationId ?? [])),
    ]);
    const figures = this.#figuresRead(ctx, who, page, { bill, tick, sla }, { totals, open, slaRows }, 'GET /api/v1/partner/customers/figures');
    const linkOf = (t: string) => links.get(reach.get(t)?.delegationId ?? '') ?? null;
    return { data: page.map((t) => ({ ...figures(t), tenant_name: names.get(t) ?? '', link: linkOf(t) })), total: all.length, limit, offset };
  }

  /** The ordered customers the filters leave: the link's role and owner from the decision, the name from the tenants. */
  async #narrowed(partnerId: string, ordered: string[], reach: Map<string, Allowed>, f: FiguresFilter): Promise<string[]> {
    const linked = f.role || f.reseller_id ? ordered.filter((t) => linkMatches(f, reach.get(t)!, this.#d.authz.throughReseller(partnerId, reach.get(t)!.delegationId))) : ordered;
    const needle = needleOf(f.q);
    if (needle === null || linked.length === 0) return linked;
    const names = await this.#names(linked);
    return linked.filter((t) => nameMatches(names.get(t) ?? '', needle));
  }

  /** The customers in one figure's order (or the name's): that figure's rows alone are read for all. */
  async #figureOrder(who: MspCaller, ids: string[], sort: FigureSort, desc: boolean): Promise<string[]> {
    const { resources, clock } = this.#d;
    const part = FIGURE_SORTS[sort];
    if (part === null) return orderByName(ids, await this.#names(ids), desc);
    const s = this.#scopesAmong(who, FIGURE_PERMISSION[part], ids);
    const rows = await (part === 'billing' ? resources.billingTotals(s.scopes, {}) : part === 'tickets' ? resources.openTicketCounts(s.scopes) : resources.slaTotals(s.scopes, { periodFrom: monthsBack(clock.now(), 11) }));
    return orderByFigure(ids, sort, { [part]: { visible: s.decisions, rows } }, desc);
  }

  /**
   * The customers' figures from a read of their billing, ticket and SLA rows, the read recorded in
   * each customer's log (through the decision of the last view that covers it).
   */
  #figuresRead(ctx: RequestContext, who: MspCaller, tenantIds: readonly string[], s: Record<'bill' | 'tick' | 'sla', { decisions: Map<string, Allowed> }>, rows: { totals: FigureSources['billing']['rows']; open: FigureSources['tickets']['rows']; slaRows: FigureSources['sla']['rows'] }, what: string) {
    this.#audit(ctx, who.partnerId, tenantIds, mergedDecisions([s.bill, s.tick, s.sla]), what);
    return figuresOf({ billing: { visible: s.bill.decisions, rows: rows.totals }, tickets: { visible: s.tick.decisions, rows: rows.open }, sla: { visible: s.sla.decisions, rows: rows.slaRows } });
  }

  /** The customers this member may act on now (the partner's links ∩ the member role), each with the decision. */
  #reach(who: MspCaller): Map<string, Allowed> {
    const decide = (t: string) => this.#d.authz.memberAccess(who.userId, who.partnerId, t, null, undefined, who.mfa === true);
    return new Map([...this.#d.authz.snapshot.partnerTenantIds(who.partnerId)].flatMap((t) => [[t, decide(t)] as const]).filter((e): e is readonly [string, Allowed] => e[1].allow));
  }

  /**
   * The customers the partner's own totals are kept over (partner-totals.repo.ts) when this person's
   * billing scopes are exactly those — every customer the partner's links show whole, each whole —
   * else null (the person sees less, or the partner sees some only in part).
   */
  #partnerWhole(who: MspCaller, scopes: TenantScope[]): string[] | null {
    const { authz } = this.#d;
    const all = [...authz.snapshot.partnerTenantIds(who.partnerId)];
    const seen = new Set(scopes.filter((s) => s.bans === null).map((s) => s.tenantId));
    // the person sees every customer whole (then so does the partner); else the partner's own whole ones, decided here
    const whole = seen.size === all.length ? all : all.filter((t) => {
      const d = authz.partnerAccess(who.partnerId, t, 'billing.summary.read');
      return d.allow && d.bans === null;
    });
    return seen.size === scopes.length && seen.size === whole.length && whole.every((t) => seen.has(t)) ? whole : null;
  }

  /** Revenue and receivables by month: the partner's own totals over `whole`, else summed over the scopes. */
  async #months(scopes: TenantScope[], partnerId: string, whole: string[] | null, f: { periodFrom?: string; periodTo?: string }) {
    const { resources } = this.#d;
    return (whole ? await resources.partnerMonthTotals(partnerId, whole, f) : null) ?? resources.billingByMonth(scopes, f);
  }

  /**
   * The billing tiles and the customers with something overdue. The tiles come from the partner's own
   * totals over `whole` when its customers are invoiced in one currency; in more, the tiles' order is
   * that of the first customer (by id) invoiced in each, which only the customers' own rows tell, so
   * they are added up from those, as when the person sees less than the partner's whole customers.
   */
  async #billing(who: MspCaller, scopes: TenantScope[], whole: string[] | null) {
    const { resources } = this.#d;
    const tiles = whole ? await resources.partnerTiles(who.partnerId, whole) : null;
    if (tiles && tiles.length <= 1) return { currencies: tiles, overdue: await resources.overdueCustomers(scopes) };
    return resources.dashboardBilling(scopes);
  }

  /** A distributor's billing roll-up per reseller (reseller-billing.ts): decided per customer for this member. */
  resellerBilling(ctx: RequestContext, who: MspCaller, resellers: readonly ResellerOfDistributor[], q: RollupQuery) {
    const { authz, resources } = this.#d;
    const reach = (w: MspCaller) => authz.resellerReach(w.partnerId, { userId: w.userId, mfa: w.mfa === true, action: ROLLUP_PERMISSION });
    const audit = (ids: Iterable<string>, decisions: Map<string, Allowed>) => this.#audit(ctx, who.partnerId, ids, decisions, 'GET /api/v1/partner/resellers/billing');
    return resellerBillingRollup({ reach, billingTotals: (s, f) => resources.billingTotals(s, f), audit }, { ...who, mfa: who.mfa === true }, resellers, q);
  }

  /** Tenants (and covered BANs) where this member may do `permission`: the partner's delegations ∩ the member role. */
  #scopesFor(who: MspCaller, permission: string, only?: string): { scopes: TenantScope[]; decisions: Map<string, Allowed> } {
    // a distributor's too: its resellers' customers that let it act through their link (decided per tenant below)
    return this.#scopesAmong(who, permission, only ? [only] : [...this.#d.authz.snapshot.partnerTenantIds(who.partnerId)], only !== undefined);
  }

  /** The same among `tenantIds`; `explain`: a refused one throws why (asked for one tenant). */
  #scopesAmong(who: MspCaller, permission: string, tenantIds: readonly string[], explain = false): { scopes: TenantScope[]; decisions: Map<string, Allowed> } {
    const { authz } = this.#d;
    const decisions = new Map<string, Allowed>();
    for (const t of tenantIds) {
      const dec = authz.memberAccess(who.userId, who.partnerId, t, permission, undefined, who.mfa === true);
      if (dec.allow) decisions.set(t, dec);
      else if (explain) throw authz.refusalError(dec);
    }
    return { scopes: [...decisions].map(([tenantId, a]) => ({ tenantId, bans: a.bans })), decisions };
  }

  /**
   * One page of a per-tenant report that the database pages in its own order (`read`: the page's
   * rows and the count over every page). `q` narrows the tenants by name first, matching exactly
   * what pageRows would; the names returned cover the page's tenants.
   */
  async #pageInSql<R extends { tenant_id: string }>(scopes: TenantScope[], q: CommonListQuery, read: (ss: TenantScope[], w: { limit: number; offset: number }) => Promise<{ data: R[]; total: number }>) {
    const { limit, offset } = rowPageWindow(q);
    const needle = q.q?.toLowerCase();
    let n: Map<string, string> | null = null;
    let ss = scopes;
    if (needle) {
      n = await this.#names(scopes.map((s) => s.tenantId));
      const names = n;
      ss = scopes.filter((s) => (names.get(s.tenantId) ?? '').toLowerCase().includes(needle));
    }
    const page = ss.length === 0 ? { data: [] as R[], total: 0 } : await read(ss, { limit, offset });
    return { page, n: n ?? (await this.#names(page.data.map((r) => r.tenant_id))), limit, offset };
  }

  async #names(ids: Iterable<string>): Promise<Map<string, string>> {
    return this.#d.tenants.tenantNames([...new Set(ids)]);
  }

  /** One access event per tenant the answer drew on: each tenant sees it in its own log. */
  #audit(ctx: RequestContext, partnerId: string, tenantIds: Iterable<string>, decisions: Map<string, Allowed>, what: string): void {
    this.#record(
      ctx,
      [...new Set(tenantIds)].map((t) => ({
        action: 'partner.consolidated_read',
        tenantId: t,
        partnerId,
        targetType: 'endpoint',
        targetId: what,
        details: this.#accessDetails(partnerId, decisions.get(t)?.delegationId ?? null),
      })),
    );
  }

  /** The delegation an access went through and, through a reseller's link (two-tier partners), the reseller. */
  #accessDetails(partnerId: string, delegationId: string | null): Record<string, unknown> {
    const reseller = this.#d.authz.throughReseller(partnerId, delegationId);
    return reseller === null ? { delegation_id: delegationId } : { delegation_id: delegationId, through_reseller: reseller };
  }
}

/** An alert computed on the fly, its sentence said in the reader's language from its figures (the figures themselves stay data). */
function toViewAlert(a: LinkCondition, names: Map<string, string>, locale: Locale): Alert {
  const tenantName = names.get(a.tenant_id) ?? '';
  return { kind: a.kind, severity: a.severity, tenant_id: a.tenant_id, tenant_name: tenantName, ban_id: a.ban_id, subject_id: a.subject_id, period: a.period, message: alertWords(locale, a, tenantName).detail, amount_cents: a.amount_cents, currency: a.currency };
}
