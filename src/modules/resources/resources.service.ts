/**
 * The reference resource service: a customer's orders, provisioned services, invoices, support
 * tickets, usage and SLA records, per tenant and billing account. It ships as the gateway's
 * default upstream (upstream.app.ts) and feeds the consolidated MSP views (partner.routes.ts).
 *
 * Every read takes the scopes the caller may see; every write takes the caller as the gateway
 * verified it (tenant, covered BANs, partner, acting user or app, delegation, persona, bill-to)
 * and commits with its audit event. An order records who placed it, for whom, through which
 * delegation, and which BAN is billed: the customer's own for the partner, MSP and customer
 * personas; the wholesaler's for the wholesaler persona.
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { lockRows, mutate, readAggregate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { authzErrors } from '../authz/index.ts';
import type { TenantsService, BillingAccountRow } from '../tenants/index.ts';
import { delegationViews } from '../delegations/index.ts';
import { resourceErrors as E } from './resources.errors.ts';
import * as repo from './resources.repo.ts';
import { dashboardBilling, overdueCustomers } from './dashboard-billing.repo.ts';
import { takePage, type Page } from '../../platform/http/pagination.ts';
import { listKind, type ListArgs, type ListKind, type ListPage } from './resource-lists.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import { callerScope, idempotencyScope, type ResourceCaller } from './resource-caller.ts';
import { DTO_OF, toOrderDto, toServiceDto, toInvoiceDto, toTicketDto, toUsageDto, toSlaDto, type KindDto, type KindRow, type PeopleFields, type WithActors } from './resource-dtos.ts';
import { ResourceTickets } from './resource-tickets.ts';
import { findInvoiceDetail, type InvoiceDetail } from './invoice-document.ts';
import { partnerMonthTotals, partnerTiles } from './partner-totals.repo.ts';
import { loadAffiliations, loadPeople, TENANT_READER, type Reader } from './people.ts';
import { NOT_SENT, sentColumns, type RecordWrites } from './record-writes.ts';
import { placeSentOrder, sendCancellation } from './sent-orders.ts';
import { problemDetails as PD } from './resources.problem-details.ts';

export type { TenantScope, OrderRow, ServiceRow, InvoiceRow, TicketRow, UsageRow, SlaRow } from './resources.repo.ts';
export { idempotencyScope, type ResourceCaller } from './resource-caller.ts';
export { toOrderDto, toServiceDto, toInvoiceDto, toTicketDto, toUsageDto, toSlaDto, type TicketComment, type WithActors, type PeopleFields } from './resource-dtos.ts';

/** The product catalog of the reference service: prices are the provider's, never the caller's. */
export const PRODUCTS = [
  { code: 'FIBER-1G', name: 'Dedicated Internet Access — 1 Gbps fiber', monthly_cents: 120_000, bandwidth_mbps: 1000 },
  { code: 'FIBER-10G', name: 'Dedicated Internet Access — 10 Gbps fiber', monthly_cents: 650_000, bandwidth_mbps: 10_000 },
  { code: 'SDWAN-BRANCH', name: 'SD-WAN branch edge', monthly_cents: 18_500, bandwidth_mbps: 500 },
  { code: 'SIP-TRUNK-20', name: 'SIP trunk, 20 channels', monthly_cents: 9_900, bandwidth_mbps: null },
  { code: 'MOBILE-5G-LINE', name: '5G mobile line, unlimited data', monthly_cents: 4_500, bandwidth_mbps: null },
  { code: 'STATIC-IP-29', name: 'Static IPv4 block /29', monthly_cents: 2_500, bandwidth_mbps: null },
] as const;
export type ProductCode = (typeof PRODUCTS)[number]['code'];

export interface ResourcesDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  tenants: Pick<TenantsService, 'listBillingAccounts'>;
  /** the BAN a wholesale delegation bills (the delegations module) */
  delegationBillTo: (delegationId: string) => Promise<string | null>;
  /** where order and ticket writes go (data sources' write routes); absent: here at once */
  writes?: RecordWrites;
}

export type { Page };

/** A wire page of rows read with `limit + 1`; the cursor is the last row's id. */
function paged<T extends { id: string }, D>(rows: T[], limit: number, dto: (r: T) => D): Page<D> {
  const p = takePage(rows, limit, (r) => r.id);
  return { data: p.rows.map(dto), next_cursor: p.nextCursor };
}

export class ResourcesService {
  readonly #d: ResourcesDeps;
  readonly #tickets: ResourceTickets;
  constructor(d: ResourcesDeps) {
    this.#d = d;
    this.#tickets = new ResourceTickets({ db: d.db, clock: d.clock, writes: d.writes, resolveBan: (c, ref) => this.resolveBan(c, ref), audit: (trx, ctx, c, action, ban, targetType, targetId, details) => this.#audit(trx, ctx, c, action, ban, targetType, targetId, details) });
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  #nowIso(): string {
    return this.#d.clock.now().toISOString();
  }

  /** The one scope of a caller through the gateway. */
  static scopeOf(c: Pick<ResourceCaller, 'tenantId' | 'bans'>): repo.TenantScope[] {
    return callerScope(c);
  }

  /**
   * A BAN reference (id or account number) → the tenant's account, if the caller's access
   * covers it. Another tenant's account, an unknown one and an uncovered one all answer the
   * same 403 ban_not_covered — the answer says nothing about accounts the caller cannot see.
   */
  async resolveBan(c: Pick<ResourceCaller, 'tenantId' | 'bans'>, ref: string): Promise<BillingAccountRow> {
    const accounts = await this.#d.tenants.listBillingAccounts(c.tenantId);
    const a = accounts.find((x) => x.id === ref || x.account_number === ref);
    if (!a || (c.bans !== null && !c.bans.includes(a.id))) throw authzErrors.ban_not_covered(PD.billingAccountNotCovered, { values: { ref } });
    return a;
  }

  /** The `ban` filter of a list: null when none; else the covered account id. */
  async banFilter(c: Pick<ResourceCaller, 'tenantId' | 'bans'>, ref: string | undefined | null): Promise<string | undefined> {
    if (!ref) return undefined;
    return (await this.resolveBan(c, ref)).id;
  }

  // ---- orders ---------------------------------------------------------------------------------

  async listOrders(c: ResourceCaller, f: { ban?: string; status?: string; cursor?: string; limit: number }): Promise<Page<ReturnType<typeof toOrderDto>>> {
    const ban = await this.banFilter(c, f.ban ?? c.ban);
    const now = this.#nowIso();
    return paged(await repo.listOrders(this.#d.db.kysely, ResourcesService.scopeOf(c), { ...f, ban }), f.limit, (o) => toOrderDto(o, now));
  }

  async getOrder(c: ResourceCaller, id: string) {
    const o = await repo.findOrder(this.#d.db.kysely, ResourcesService.scopeOf(c), id);
    if (!o) throw E.order_not_found();
    return toOrderDto(o, this.#nowIso());
  }

  /**
   * Place an order for the caller's tenant. The BAN ordered for is the one named in the body,
   * else the one the request or the token names, else the caller's only covered account.
   * Returns `replayed: true` when an earlier order with the same Idempotency-Key is returned.
   */
  async placeOrder(
    ctx: RequestContext,
    c: ResourceCaller,
    input: { ban_id?: string; product_code: string; quantity?: number; notes?: string },
    idempotencyKey: string | null,
  ): Promise<{ order: ReturnType<typeof toOrderDto>; replayed: boolean }> {
    const product = PRODUCTS.find((p) => p.code === input.product_code);
    if (!product) throw E.order_not_found(PD.unknownProduct); // schema validation normally stops this first
    const quantity = input.quantity ?? 1;
    const ban = await this.#orderBan(c, input.ban_id ?? c.ban ?? null);
    if (ban.status !== 'active') throw authzErrors.ban_not_covered(PD.billingAccountClosed, { values: { account_number: ban.account_number } });
    const billTo = await this.#billTo(c, ban.id);

    const scopedKey = idempotencyKey ? idempotencyScope(c, idempotencyKey) : null;
    if (scopedKey) {
      const prior = await repo.findOrderByIdempotencyKey(this.#d.db.kysely, c.tenantId, scopedKey);
      if (prior) {
        if (prior.product_code !== product.code || prior.quantity !== quantity || prior.ban_id !== ban.id) {
          throw E.idempotency_key_reused(PD.idempotencyKeyWasUsed);
        }
        return { order: toOrderDto(prior, this.#nowIso()), replayed: true };
      }
    }

    const now = this.#now();
    const nowIso = now.toISOString();
    const order: repo.OrderRow = {
      id: newId('ord', now.getTime()),
      tenant_id: c.tenantId,
      ban_id: ban.id,
      bill_to_ban_id: billTo,
      product_code: product.code,
      product_name: product.name,
      quantity,
      unit_price_cents: product.monthly_cents,
      total_cents: product.monthly_cents * quantity,
      currency: ban.currency,
      status: 'submitted',
      notes: input.notes ?? null,
      placed_by_type: c.clientId ? 'app' : c.userId ? 'user' : 'system',
      placed_by_user_id: c.userId,
      placed_by_client_id: c.clientId,
      placed_by_partner_id: c.partnerId,
      delegation_id: c.delegationId,
      persona: c.persona ?? (c.partnerId ? 'partner' : 'customer'),
      idempotency_key: scopedKey,
      request_id: ctx.requestId,
      created_at: nowIso,
      updated_at: nowIso,
      cancelled_at: null,
      ...NOT_SENT,
    };
    const details = {
      product_code: product.code,
      quantity,
      total_cents: order.total_cents,
      currency: order.currency,
      ban_id: ban.id,
      bill_to_ban_id: billTo,
      persona: order.persona,
      delegation_id: c.delegationId,
      placed_by: { type: order.placed_by_type, user_id: c.userId, client_id: c.clientId, partner_id: c.partnerId },
    };
    const target = (await this.#d.writes?.targetFor('orders')) ?? null;
    if (target !== null) {
      const audit = (trx: Tx, more: Record<string, unknown>) => this.#audit(trx, ctx, c, 'order.placed', ban.account_number, 'order', order.id, { ...details, ...more });
      const sent = await placeSentOrder({ db: this.#d.db, writes: this.#d.writes!, audit }, ctx, c, target, order, ban, now, idempotencyKey);
      return { order: toOrderDto(sent, nowIso), replayed: false };
    }
    await mutate(this.#d.db, async (trx) => {
      await repo.insertOrder(trx, order);
      await repo.insertService(trx, {
        id: newId('svc', now.getTime()),
        tenant_id: c.tenantId,
        ban_id: ban.id,
        order_id: order.id,
        product_code: product.code,
        name: product.name,
        status: 'pending',
        location: null,
        bandwidth_mbps: product.bandwidth_mbps,
        monthly_price_cents: order.total_cents,
        currency: order.currency,
        activated_at: null,
        created_at: nowIso,
        updated_at: nowIso,
      });
      await this.#audit(trx, ctx, c, 'order.placed', ban.account_number, 'order', order.id, details);
    });
    return { order: toOrderDto(order, nowIso), replayed: false };
  }

  async #orderBan(c: ResourceCaller, ref: string | null): Promise<BillingAccountRow> {
    if (ref) return this.resolveBan(c, ref);
    const accounts = (await this.#d.tenants.listBillingAccounts(c.tenantId)).filter((a) => a.status === 'active' && (c.bans === null || c.bans.includes(a.id)));
    if (accounts.length === 1) return accounts[0];
    throw E.ban_required(accounts.length === 0 ? 'Your access covers no open billing account of this tenant.' : 'Your access covers several billing accounts: name one in ban_id.', {
      fields: [{ pointer: '/body/ban_id', detail: 'is required' }],
    });
  }

  /** The wholesaler is billed on its own BAN for what it orders through a wholesale delegation; everyone else bills the customer's BAN. */
  async #billTo(c: ResourceCaller, orderBan: string): Promise<string> {
    if (c.persona !== 'wholesaler') return orderBan;
    if (c.billTo) return c.billTo;
    if (c.delegationId === null) return orderBan; // the wholesaler's own resources, on its own tenant
    const b = await this.#d.delegationBillTo(c.delegationId);
    if (!b) throw E.bill_to_missing(PD.wholesaleDelegationNamesNo);
    return b;
  }

  async cancelOrder(ctx: RequestContext, c: ResourceCaller, id: string) {
    // An order the provider's source knows is cancelled there first (when it may still be cancelled).
    const target = (await this.#d.writes?.targetFor('orders')) ?? null;
    const externalId = target ? await this.#d.writes!.externalIdOf(target, 'order', id) : null;
    if (target && externalId !== null) {
      const o = await repo.findOrder(this.#d.db.kysely, ResourcesService.scopeOf(c), id);
      if (!o) throw E.order_not_found();
      if (o.status !== 'submitted' && o.status !== 'in_progress') throw E.order_not_cancellable(PD.orderCannotCancelled, { values: { status: o.status } });
      await sendCancellation({ writes: this.#d.writes! }, ctx, c, target, id, externalId);
    }
    const sent = target && externalId !== null ? sentColumns(target, this.#now()) : {};
    return mutate(this.#d.db, async (trx) => {
      // Guarantee: the order's row lock — two cancellations (or a cancellation and a status
      // change) are decided one after the other, on the status the first committed.
      await lockRows(this.#d.db, trx, 'orders', { id });
      const o = await repo.findOrder(trx, ResourcesService.scopeOf(c), id);
      if (!o) throw E.order_not_found();
      if (o.status !== 'submitted' && o.status !== 'in_progress') throw E.order_not_cancellable(PD.orderCannotCancelled, { values: { status: o.status } });
      const now = this.#now().toISOString();
      await repo.updateOrder(trx, id, { status: 'cancelled', cancelled_at: now, updated_at: now, ...sent });
      if (target && externalId !== null) await this.#d.writes!.bind(trx, target, 'order', externalId, id, o.tenant_id);
      // the provider's source says what becomes of the services of an order sent there
      if (!('write_state' in sent)) await repo.updateServicesOfOrder(trx, id, { status: 'terminated', updated_at: now });
      await this.#audit(trx, ctx, c, 'order.cancelled', null, 'order', id, { was: o.status, ban_id: o.ban_id, ...(target && externalId !== null ? { sent_to: target.routeName } : {}) });
      return toOrderDto({ ...o, status: 'cancelled', cancelled_at: now, updated_at: now, ...sent }, now);
    });
  }

  // ---- services, invoices, usage, SLA ---------------------------------------------------------

  async listServices(c: ResourceCaller, f: { ban?: string; status?: string; cursor?: string; limit: number }) {
    const ban = await this.banFilter(c, f.ban ?? c.ban);
    return paged(await repo.listServices(this.#d.db.kysely, ResourcesService.scopeOf(c), { ...f, ban }), f.limit, toServiceDto);
  }

  async listInvoices(scopes: readonly repo.TenantScope[], f: repo.PeriodFilter) {
    return paged(await repo.listInvoices(this.#d.db.kysely, scopes, f), f.limit, toInvoiceDto);
  }

  async getInvoice(c: ResourceCaller, id: string) {
    const i = await repo.findInvoice(this.#d.db.kysely, ResourcesService.scopeOf(c), id);
    if (!i) throw E.invoice_not_found();
    return toInvoiceDto(i);
  }

  /** One invoice within the scopes with its lines, account and payments (invoice-document.ts). */
  async invoiceDetail(scopes: readonly repo.TenantScope[], id: string): Promise<InvoiceDetail> {
    const i = await findInvoiceDetail(this.#d.db.kysely, scopes, id);
    if (!i) throw E.invoice_not_found();
    return i;
  }

  async listUsage(scopes: readonly repo.TenantScope[], f: repo.PeriodFilter) {
    return paged(await repo.listUsage(this.#d.db.kysely, scopes, f), f.limit, toUsageDto);
  }

  async listSla(scopes: readonly repo.TenantScope[], f: repo.PeriodFilter) {
    return paged(await repo.listSla(this.#d.db.kysely, scopes, f), f.limit, toSlaDto);
  }

  // The aggregates below read every row of every tenant in scope (invoices: the totals kept per month and over every month): readAggregate plans them by the covering indexes and keys.

  billingTotals(scopes: readonly repo.TenantScope[], f: repo.BillingFilter) {
    return readAggregate(this.#d.db, (ex) => repo.billingTotals(ex, scopes, f));
  }

  /** One page of billingTotals (in its order: tenant, currency); the walk stops at the page's end. */
  billingTotalsPage(scopes: readonly repo.TenantScope[], f: repo.BillingFilter, page: { limit: number; offset: number }) {
    return readAggregate(this.#d.db, (ex) => repo.billingTotals(ex, scopes, f, page));
  }

  /** billingTotals summed per currency, with how many of its rows each currency has. */
  currencyTotals(scopes: readonly repo.TenantScope[], f: repo.BillingFilter) {
    return readAggregate(this.#d.db, (ex) => repo.currencyTotals(ex, scopes, f));
  }

  /** Outstanding and overdue per tenant and currency, from the open and overdue invoices only. */
  receivables(scopes: readonly repo.TenantScope[]) {
    return repo.receivables(this.#d.db.kysely, scopes);
  }

  usageTotals(scopes: readonly repo.TenantScope[], f: repo.UsageFilter) {
    return readAggregate(this.#d.db, (ex) => repo.usageTotals(ex, scopes, f));
  }

  /** One page of usageTotals and the count over every page, as two concurrent queries. */
  async usageTotalsPage(scopes: readonly repo.TenantScope[], f: repo.UsageFilter, page: { limit: number; offset: number }) {
    const [data, total] = await Promise.all([repo.usageTotals(this.#d.db.kysely, scopes, f, page), readAggregate(this.#d.db, (ex) => repo.usageTotalsCount(ex, scopes, f))]);
    return { data, total };
  }

  /** The MSP dashboard's billing tiles and the customers with something overdue (dashboard-billing.repo.ts). */
  dashboardBilling(scopes: readonly repo.TenantScope[]) {
    return readAggregate(this.#d.db, (ex) => dashboardBilling(ex, scopes));
  }

  slaTotals(scopes: readonly repo.TenantScope[], f: { periodFrom?: string; periodTo?: string }) {
    return readAggregate(this.#d.db, (ex) => repo.slaTotals(ex, scopes, f));
  }

  /** One page of slaTotals (tenant order) and the count over every page, as two concurrent queries. */
  async slaTotalsPage(scopes: readonly repo.TenantScope[], f: { periodFrom?: string; periodTo?: string }, page: { limit: number; offset: number }) {
    const [data, total] = await Promise.all([readAggregate(this.#d.db, (ex) => repo.slaTotals(ex, scopes, f, page)), readAggregate(this.#d.db, (ex) => repo.slaTotalsCount(ex, scopes, f))]);
    return { data, total };
  }

  billingByMonth(scopes: readonly repo.TenantScope[], f: { periodFrom?: string; periodTo?: string }) {
    return readAggregate(this.#d.db, (ex) => repo.billingByMonth(ex, scopes, f));
  }

  /** A partner's month totals over `tenantIds` — the customers its links show it whole, each decided readable by the caller (partner-totals.repo.ts); null when they could not be used (then billingByMonth). */
  partnerMonthTotals(partnerId: string, tenantIds: readonly string[], f: { periodFrom?: string; periodTo?: string }) {
    return partnerMonthTotals(this.#d.db, partnerId, tenantIds, f, this.#d.clock.now().toISOString());
  }

  /** The partner's billing tiles over `tenantIds` (as partnerMonthTotals), and the customers with something overdue (dashboardBilling's `overdue`). */
  partnerTiles(partnerId: string, tenantIds: readonly string[]) {
    return partnerTiles(this.#d.db, partnerId, tenantIds, this.#d.clock.now().toISOString());
  }
  overdueCustomers(scopes: readonly repo.TenantScope[]) {
    return readAggregate(this.#d.db, (ex) => overdueCustomers(ex, scopes));
  }

  openTicketCounts(scopes: readonly repo.TenantScope[]) {
    return repo.openTicketCounts(this.#d.db.kysely, scopes);
  }

  /** A tenant's own summary; each part only when the member's role shows it (null otherwise). */
  async tenantSummary(tenantId: string, show: { orders: boolean; tickets: boolean; billing: boolean; sla: boolean }) {
    const db = this.#d.db.kysely;
    const scope = [{ tenantId, bans: null }];
    const [orders, tickets, totals, sla, partners] = await Promise.all([
      show.orders ? repo.openOrderCount(db, tenantId) : null,
      show.tickets ? repo.openTicketCounts(db, scope) : null,
      show.billing ? repo.billingTotals(db, scope, {}) : null,
      show.sla ? repo.slaTotals(db, scope, {}) : null,
      delegationViews.tenantPartners(db, tenantId),
    ]);
    const s = sla?.[0];
    return {
      open_orders: orders,
      open_tickets: tickets === null ? null : (tickets[0]?.open ?? 0),
      receivables: totals === null ? null : totals.map((t) => ({ currency: t.currency, outstanding_cents: t.outstanding_cents, overdue_cents: t.overdue_cents })),
      sla_compliance_pct: s === undefined ? (sla === null ? null : 100) : s.records === 0 ? 100 : Math.round(((s.records - s.breached) / s.records) * 10_000) / 100,
      partners: partners.map((p) => ({ partner_id: p.partner_id, partner_name: p.partner_name, role: p.role, status: p.status, ends_at: p.ends_at })),
    };
  }

  // ---- lists with the common features --------------------------------------------------------

  /**
   * One page of a kind over the scopes, with its total, `q`, `sort` and ranges
   * (resource-lists.ts); each row as its DTO with the tenant's name, and for orders and tickets
   * who placed or opened it, named. `reader`: who reads it (see withPeople), the tenant's own
   * view unless a partner's is named.
   */
  async list<K extends ListKind>(kind: K, scopes: readonly repo.TenantScope[], a: ListArgs, reader: Reader = TENANT_READER): Promise<ListPage<KindDto[K] & { tenant_name: string }>> {
    const db = this.#d.db.kysely;
    const page = await listKind<KindRow[K]>(db, kind, scopes, a);
    const dto = DTO_OF[kind] as (r: KindRow[K], now: string) => KindDto[K];
    const now = this.#nowIso();
    let data = page.data.map((r) => ({ ...dto(r, now), tenant_name: r.tenant_name }));
    if (kind === 'tickets' || kind === 'orders') data = (await this.withPeople(data as never[], reader)) as typeof data;
    return { ...page, data };
  }

  /**
   * Orders and tickets with their people named: placed_by_person / opened_by_person,
   * assignee_person, comment authors. An assignee is named only to a reader on their side of the
   * ticket (a member of its tenant to everyone reading it; a partner's member to that partner and
   * to the tenant it acts on); any other id (old data, from before assignees were checked) reads
   * as no person. Team labels ('noc-tier1') never name anyone. A partner reads who opened a
   * ticket and who commented on it by the same rule: its own people and the tenant's are named,
   * anyone else's — another partner's acting on the same customer, the operator — is there with
   * neither name, e-mail, id nor organization (nor that partner's link in delegation_id).
   */
  async withPeople<T extends WithActors & { delegation_id?: string | null }>(rows: T[], reader: Reader): Promise<(T & PeopleFields)[]> {
    const users: (string | null)[] = [];
    const partners: (string | null)[] = [];
    for (const r of rows) {
      const a = r.placed_by ?? r.opened_by;
      users.push(a?.user_id ?? null, r.assignee ?? null);
      partners.push(a?.partner_id ?? null);
      for (const c of r.comments ?? []) {
        users.push(c.by);
        partners.push(c.by_partner_id ?? null);
      }
    }
    const people = await loadPeople(this.#d.db.kysely, users, partners);
    const tickets = rows.filter((r) => r.opened_by && r.tenant_id && (r.assignee || reader.partnerId !== null));
    const named = tickets.flatMap((r) => [r.assignee ?? null, ...(reader.partnerId !== null ? [r.opened_by?.user_id ?? null, ...(r.comments ?? []).map((c) => c.by)] : [])]);
    const sides = await asSystem(() => loadAffiliations(this.#d.db.kysely, named, tickets.map((r) => r.tenant_id!)));
    // a partner reading a ticket: is this actor on its side (its own partner, the tenant's people)?
    const ours = (tenantId: string, userId: string | null, partnerId: string | null) => (partnerId ? partnerId === reader.partnerId : userId === null || sides.named(userId, tenantId, reader));
    return rows.map((r) => {
      const a = r.placed_by ?? r.opened_by;
      const who = a ? (people.person(a.user_id, a.partner_id) ?? (a.partner_id ? { user_id: a.user_id ?? '', name: '', email: '', partner_id: a.partner_id, partner_name: people.partnerName(a.partner_id) } : null)) : null;
      const out: T & PeopleFields = { ...r };
      if (r.placed_by) out.placed_by_person = who;
      if (r.opened_by) {
        out.opened_by_person = who;
        out.assignee_person = r.tenant_id && sides.named(r.assignee, r.tenant_id, reader) ? people.person(r.assignee ?? null) : null;
        out.comments = (r.comments ?? []).map((c) => ({ ...c, by_name: people.person(c.by)?.name ?? c.by, by_partner_name: people.partnerName(c.by_partner_id ?? null) }));
        if (reader.partnerId !== null && r.tenant_id) {
          const tenantId = r.tenant_id;
          if (!ours(tenantId, r.opened_by.user_id, r.opened_by.partner_id)) {
            out.opened_by = { ...r.opened_by, user_id: null, partner_id: null, ...('client_id' in r.opened_by ? { client_id: null } : {}) };
            out.opened_by_person = null;
            if (r.opened_by.partner_id) out.delegation_id = null;
          }
          out.comments = out.comments.map((c) => (ours(tenantId, c.by, c.by_partner_id ?? null) ? c : { at: c.at, by: '', by_partner_id: null, text: c.text }));
        }
      }
      return out;
    });
  }

  /** One ticket within the scopes, its people named to `reader` (see withPeople). */
  async getTicket(scopes: readonly repo.TenantScope[], id: string, reader: Reader) {
    const t = await repo.findTicket(this.#d.db.kysely, scopes, id);
    if (!t) throw E.ticket_not_found();
    return (await this.withPeople([toTicketDto(t, this.#nowIso())], reader))[0];
  }

  // ---- tickets --------------------------------------------------------------------------------

  async listTickets(scopes: readonly repo.TenantScope[], f: repo.ListFilter & { priority?: string; tenantId?: string }) {
    const now = this.#nowIso();
    return paged(await repo.listTickets(this.#d.db.kysely, scopes, f), f.limit, (t) => toTicketDto(t, now));
  }

  /** The tenant of a ticket within the scopes, or null (absent, or not visible to the caller). */
  async ticketTenant(scopes: readonly repo.TenantScope[], id: string): Promise<string | null> {
    return (await repo.findTicket(this.#d.db.kysely, scopes, id))?.tenant_id ?? null;
  }

  openTicket(
    ctx: RequestContext,
    c: ResourceCaller,
    input: { subject: string; description: string; category?: repo.TicketRow['category']; priority?: repo.TicketRow['priority']; ban_id?: string },
    idempotencyKey: string | null = null,
  ) {
    return this.#tickets.open(ctx, c, input, idempotencyKey);
  }

  updateTicket(
    ctx: RequestContext,
    c: ResourceCaller,
    id: string,
    patch: { status?: repo.TicketRow['status']; priority?: repo.TicketRow['priority']; assignee?: string | null; comment?: string; customerReply?: boolean },
    by: string,
    byPartnerId: string | null = null,
  ) {
    return this.#tickets.update(ctx, c, id, patch, by, byPartnerId);
  }

  async #audit(trx: Tx, ctx: RequestContext, c: ResourceCaller, action: string, ban: string | null, targetType: string, targetId: string, details: Record<string, unknown>): Promise<void> {
    await this.#d.audit.record(trx, ctx, { action, tenantId: c.tenantId, partnerId: c.partnerId, ban, targetType, targetId, details });
  }
}
