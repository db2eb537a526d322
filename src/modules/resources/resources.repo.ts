/**
 * Queries of the reference resource tables. Every read is scoped: a list of (tenant, covered
 * BANs) pairs the caller may see — one for a request through the gateway, many for the
 * consolidated MSP views — so no query can return another tenant's rows.
 */
import { PostgresAdapter, sql, type Insertable, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { InvoicesTable, OrdersTable, ProvisionedServicesTable, SlaRecordsTable, SubscribersTable, SupportTicketsTable, UsageRecordsTable } from '../../platform/db/schema.ts';

export type OrderRow = Selectable<OrdersTable>;
export type ServiceRow = Selectable<ProvisionedServicesTable>;
export type SubscriberRow = Selectable<SubscribersTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type TicketRow = Selectable<SupportTicketsTable>;
export type UsageRow = Selectable<UsageRecordsTable>;
export type SlaRow = Selectable<SlaRecordsTable>;

/** From this many tenants on, a page in key order is read by walking the key (scopeFilter viaOrder). */
const WIDE_SCOPE = 50;

/** What one caller may see of one tenant: every account (bans null) or the listed account ids. */
export interface TenantScope {
  tenantId: string;
  bans: readonly string[] | null;
}

/**
 * `(tenant_id = A) or (tenant_id = B and ban_id in (…))`; false when nothing is visible. Rows
 * without a BAN (tenant-level tickets) are visible only to callers who see every account.
 */
export function scopeFilter(scopes: readonly TenantScope[], alias = '', opts: { viaOrder?: boolean; db?: Executor } = {}): RawBuilder<SqlBool> {
  // viaOrder: the caller reads in the primary key's order and stops at a page; across many tenants
  // that walk meets matching rows at once, while an index on tenant_id (which a planner without
  // statistics prefers) would fetch every row of every tenant and sort them. `tenant_id || ''`
  // keeps the test and leaves the index aside.
  const col = sql.ref(alias ? `${alias}.tenant_id` : 'tenant_id');
  const t = opts.viaOrder && scopes.length > WIDE_SCOPE ? sql`(${col} || '')` : col;
  const b = sql.ref(alias ? `${alias}.ban_id` : 'ban_id');
  const parts: RawBuilder<unknown>[] = [];
  // Tenants seen whole go into one IN list: an OR per tenant would pass SQLite's expression-depth
  // limit (1,000) for an MSP with a thousand customers.
  const whole = scopes.filter((s) => s.bans === null).map((s) => s.tenantId);
  if (whole.length === 1) parts.push(sql`${t} = ${whole[0]}`);
  // PostgreSQL (`db` given): a wide list as one array parameter. As an `in` list of 10,000 values
  // each is a parameter to bind and a constant the planner estimates one by one, and each count of
  // them is another statement text to prepare; one array is one parameter and one prepared text.
  // As `= any(array)` the planner still estimated each element (10–60 ms of planning per statement
  // at 10,000 customers); as a set it estimates the set's size once and hashes it.
  else if (whole.length > WIDE_SCOPE && opts.db && isPostgres(opts.db)) parts.push(sql`${t} in (select unnest(${textArray(whole)}::text[]))`);
  else if (whole.length > 1) parts.push(sql`${t} in (${sql.join(whole)})`);
  for (const s of scopes) {
    if (s.bans !== null && s.bans.length > 0) parts.push(sql`(${t} = ${s.tenantId} and ${b} in (${sql.join(s.bans)}))`);
  }
  if (parts.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Ids made only of these need no quoting inside a PostgreSQL array literal (NULL, unquoted, would be a null). */
const PLAIN_ID = /^(?!null$)[A-Za-z0-9_.:-]+$/i;

/**
 * A list of ids as PostgreSQL's array literal (`{a,b,c}`), sent as one text parameter: the driver
 * quotes and escapes each element of a JS array with two regular expressions (at 10,000 customers,
 * 4 % of a dashboard's CPU, once per statement). Ids that would need quoting go as the array.
 */
function textArray(ids: readonly string[]): string | readonly string[] {
  for (const id of ids) if (!PLAIN_ID.test(id)) return ids;
  return `{${ids.join(',')}}`;
}

const isPostgres = (db: Executor) => db.getExecutor().adapter instanceof PostgresAdapter;

export interface ListFilter {
  ban?: string;
  status?: string;
  /** ids are time-sortable: newest first, continue before the cursor id */
  cursor?: string;
  limit: number;
}

export interface PeriodFilter extends ListFilter {
  periodFrom?: string;
  periodTo?: string;
  metric?: string;
}

// ---- orders ----------------------------------------------------------------------------------

export function listOrders(db: Executor, scopes: readonly TenantScope[], f: ListFilter): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll().where(scopeFilter(scopes));
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.status) q = q.where('status', '=', f.status as OrderRow['status']);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export function findOrder(db: Executor, scopes: readonly TenantScope[], id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).where(scopeFilter(scopes)).executeTakeFirst();
}

/** `key` is the caller-scoped key (resources.service idempotencyScope), never the raw header. */
export function findOrderByIdempotencyKey(db: Executor, tenantId: string, key: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('idempotency_key', '=', key).executeTakeFirst();
}

export async function insertOrder(db: Executor, row: Insertable<OrdersTable>): Promise<void> {
  await db.insertInto('orders').values(row).execute();
}

export async function updateOrder(db: Executor, id: string, patch: Partial<Insertable<OrdersTable>>): Promise<void> {
  await db.updateTable('orders').set(patch).where('id', '=', id).execute();
}

// ---- services --------------------------------------------------------------------------------

export function listServices(db: Executor, scopes: readonly TenantScope[], f: ListFilter): Promise<ServiceRow[]> {
  let q = db.selectFrom('provisioned_services').selectAll().where(scopeFilter(scopes));
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.status) q = q.where('status', '=', f.status as ServiceRow['status']);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export async function insertSubscribers(db: Executor, rows: readonly SubscriberRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('subscribers').values([...rows]).execute();
}

export async function insertService(db: Executor, row: Insertable<ProvisionedServicesTable>): Promise<void> {
  await db.insertInto('provisioned_services').values(row).execute();
}

export async function updateServicesOfOrder(db: Executor, orderId: string, patch: Partial<Insertable<ProvisionedServicesTable>>): Promise<void> {
  await db.updateTable('provisioned_services').set(patch).where('order_id', '=', orderId).execute();
}

// ---- invoices --------------------------------------------------------------------------------

export function listInvoices(db: Executor, scopes: readonly TenantScope[], f: PeriodFilter): Promise<InvoiceRow[]> {
  let q = db.selectFrom('invoices').selectAll().where(scopeFilter(scopes));
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.status) q = q.where('status', '=', f.status as InvoiceRow['status']);
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export function findInvoice(db: Executor, scopes: readonly TenantScope[], id: string): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('id', '=', id).where(scopeFilter(scopes)).executeTakeFirst();
}

export async function insertInvoices(db: Executor, rows: Insertable<InvoicesTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('invoices').values(rows.slice(i, i + 100)).execute();
}

export interface BillingTotals {
  tenant_id: string;
  currency: string;
  invoiced_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  open_count: number;
  overdue_count: number;
  paid_cents: number;
}

/** The amounts billingTotals and currencyTotals sum per tenant and currency, from the kept totals. */
function moneySums() {
  return [
    sql<number>`sum(invoiced_cents)`.as('invoiced_cents'),
    sql<number>`sum(outstanding_cents)`.as('outstanding_cents'),
    sql<number>`sum(overdue_cents)`.as('overdue_cents'),
    sql<number>`sum(paid_cents)`.as('paid_cents'),
  ] as const;
}

/** The period of the invoice totals' rows over every month (migration 0045). */
export const ALL_PERIODS = '*';

/**
 * The invoice totals (per month, tenant, currency and billing account, kept as invoices are
 * written: migration 0045) in scope and period — what every sum over invoices reads. Without a
 * period range, the rows over every month (one per tenant, currency and account); with one, the
 * months' rows. `byMonth`: the months' rows always.
 */
export function invoiceTotalsIn(db: Executor, scopes: readonly TenantScope[], f: BillingFilter, byMonth = false) {
  let q = db.selectFrom('invoice_totals').where(scopeFilter(scopes, '', { db })).where('invoices', '>', 0);
  if (!f.periodFrom && !f.periodTo && !byMonth) return q.where('period', '=', ALL_PERIODS);
  q = q.where('period', '<>', ALL_PERIODS);
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  return q;
}

export interface BillingFilter {
  periodFrom?: string;
  periodTo?: string;
}

/**
 * Receivables per tenant and currency over a period range, in (tenant, currency) order — the
 * invoice totals' key (period, tenant, currency, account) within the rows over every month, so
 * without a period range `page` reads only one page of tenants: the sums are made as the key is
 * walked and the walk stops at the page's end.
 */
export async function billingTotals(db: Executor, scopes: readonly TenantScope[], f: BillingFilter, page?: { limit: number; offset: number }): Promise<BillingTotals[]> {
  let q = invoiceTotalsIn(db, scopes, f)
    .select((eb) => ['tenant_id', 'currency', ...moneySums(), eb.fn.sum<number>('open_count').as('open_count'), eb.fn.sum<number>('overdue_count').as('overdue_count')])
    .groupBy(['tenant_id', 'currency'])
    .orderBy('tenant_id')
    .orderBy('currency');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  return rows.map((r) => ({
    tenant_id: r.tenant_id,
    currency: r.currency,
    invoiced_cents: Number(r.invoiced_cents ?? 0),
    outstanding_cents: Number(r.outstanding_cents ?? 0),
    overdue_cents: Number(r.overdue_cents ?? 0),
    open_count: Number(r.open_count ?? 0),
    overdue_count: Number(r.overdue_count ?? 0),
    paid_cents: Number(r.paid_cents ?? 0),
  }));
}

export interface CurrencyTotals {
  currency: string;
  invoiced_cents: number;
  outstanding_cents: number;
  overdue_cents: number;
  paid_cents: number;
  /** billingTotals' rows in this currency (one per tenant invoiced in it) */
  tenants: number;
}

/**
 * billingTotals summed per currency, in the order the currencies first appear in billingTotals'
 * rows (by the first tenant invoiced in each). The per-tenant sums are made in the totals' key
 * order, as billingTotals makes them, and only those few rows are grouped again here.
 */
export async function currencyTotals(db: Executor, scopes: readonly TenantScope[], f: BillingFilter): Promise<CurrencyTotals[]> {
  const perTenant = invoiceTotalsIn(db, scopes, f)
    .select(['tenant_id', 'currency', ...moneySums()])
    .groupBy(['tenant_id', 'currency']);
  const rows = await db
    .selectFrom(perTenant.as('g'))
    .select((eb) => [
      'g.currency',
      eb.fn.sum<number>('g.invoiced_cents').as('invoiced_cents'),
      eb.fn.sum<number>('g.outstanding_cents').as('outstanding_cents'),
      eb.fn.sum<number>('g.overdue_cents').as('overdue_cents'),
      eb.fn.sum<number>('g.paid_cents').as('paid_cents'),
      eb.fn.countAll<number>().as('tenants'),
      eb.fn.min<string>('g.tenant_id').as('first_tenant'),
    ])
    .groupBy('g.currency')
    .orderBy('first_tenant')
    .orderBy('g.currency')
    .execute();
  return rows.map((r) => ({
    currency: r.currency,
    invoiced_cents: Number(r.invoiced_cents ?? 0),
    outstanding_cents: Number(r.outstanding_cents ?? 0),
    overdue_cents: Number(r.overdue_cents ?? 0),
    paid_cents: Number(r.paid_cents ?? 0),
    tenants: Number(r.tenants),
  }));
}

/**
 * What each tenant owes per currency: billingTotals' outstanding and overdue, read from the open
 * and overdue invoices only (the few a receivables alert is about, through the (tenant, status)
 * index) — a tenant and currency with nothing open is left out (it owes 0).
 */
export async function receivables(db: Executor, scopes: readonly TenantScope[]): Promise<Pick<BillingTotals, 'tenant_id' | 'currency' | 'outstanding_cents' | 'overdue_cents'>[]> {
  const rows = await db
    .selectFrom('invoices')
    .select((eb) => ['tenant_id', 'currency', eb.fn.sum<number>('balance_cents').as('outstanding_cents'), eb.fn.sum<number>(sql`case when status = 'overdue' then balance_cents else 0 end`).as('overdue_cents')])
    .where(scopeFilter(scopes))
    .where('status', 'in', ['open', 'overdue'])
    .groupBy(['tenant_id', 'currency'])
    .orderBy('tenant_id')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({ tenant_id: r.tenant_id, currency: r.currency, outstanding_cents: Number(r.outstanding_cents ?? 0), overdue_cents: Number(r.overdue_cents ?? 0) }));
}

// ---- tickets ---------------------------------------------------------------------------------

export function listTickets(db: Executor, scopes: readonly TenantScope[], f: ListFilter & { priority?: string; tenantId?: string }): Promise<TicketRow[]> {
  let q = db.selectFrom('support_tickets').selectAll().where(scopeFilter(scopes));
  if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.status) q = q.where('status', '=', f.status as TicketRow['status']);
  if (f.priority) q = q.where('priority', '=', f.priority as TicketRow['priority']);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export function findTicket(db: Executor, scopes: readonly TenantScope[], id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('support_tickets').selectAll().where('id', '=', id).where(scopeFilter(scopes)).executeTakeFirst();
}

/** The ticket sent to the provider with this key (a retry of the same write). */
export function findTicketByWriteKey(db: Executor, tenantId: string, key: string): Promise<TicketRow | undefined> {
  return db.selectFrom('support_tickets').selectAll().where('tenant_id', '=', tenantId).where('write_key', '=', key).executeTakeFirst();
}

export async function insertTicket(db: Executor, row: Insertable<SupportTicketsTable>): Promise<void> {
  await db.insertInto('support_tickets').values(row).execute();
}

export async function updateTicket(db: Executor, id: string, patch: Partial<Insertable<SupportTicketsTable>>): Promise<void> {
  await db.updateTable('support_tickets').set(patch).where('id', '=', id).execute();
}

/** A ticket's human number, from the random tail of its id (unique without a counter row to lock). */
export function ticketNumber(id: string): string {
  return `TCK-${id.slice(-8).toUpperCase()}`;
}

// ---- usage and SLA ---------------------------------------------------------------------------

export function listUsage(db: Executor, scopes: readonly TenantScope[], f: PeriodFilter): Promise<UsageRow[]> {
  let q = db.selectFrom('usage_records').selectAll().where(scopeFilter(scopes));
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.metric) q = q.where('metric', '=', f.metric as UsageRow['metric']);
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export async function insertUsage(db: Executor, rows: Insertable<UsageRecordsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('usage_records').values(rows.slice(i, i + 100)).execute();
}

export interface UsageTotal {
  tenant_id: string;
  period: string;
  metric: string;
  quantity: number;
  amount_cents: number;
  currency: string;
}

export interface UsageFilter {
  periodFrom?: string;
  periodTo?: string;
  metric?: string;
}

function usageRecords(db: Executor, scopes: readonly TenantScope[], f: UsageFilter) {
  let q = db.selectFrom('usage_records').where(scopeFilter(scopes));
  if (f.metric) q = q.where('metric', '=', f.metric as UsageRow['metric']);
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  return q;
}

/**
 * Usage per tenant, month, metric and currency, in that order; `page` reads only one page of it
 * (the groups are summed in the covering index's order, so the walk stops at the page's end).
 */
export async function usageTotals(db: Executor, scopes: readonly TenantScope[], f: UsageFilter, page?: { limit: number; offset: number }): Promise<UsageTotal[]> {
  let q = usageRecords(db, scopes, f)
    .select((eb) => ['tenant_id', 'period', 'metric', 'currency', eb.fn.sum<number>('quantity').as('quantity'), eb.fn.sum<number>('amount_cents').as('amount_cents')])
    .groupBy(['tenant_id', 'period', 'metric', 'currency'])
    .orderBy('tenant_id')
    .orderBy('period')
    .orderBy('metric')
    .orderBy('currency');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  return rows.map((r) => ({ tenant_id: r.tenant_id, period: r.period, metric: r.metric, currency: r.currency, quantity: Math.round(Number(r.quantity ?? 0) * 100) / 100, amount_cents: Number(r.amount_cents ?? 0) }));
}

/** How many rows usageTotals answers over every page. */
export async function usageTotalsCount(db: Executor, scopes: readonly TenantScope[], f: UsageFilter): Promise<number> {
  const groups = usageRecords(db, scopes, f).select(sql<number>`1`.as('one')).groupBy(['tenant_id', 'period', 'metric', 'currency']);
  const r = await db.selectFrom(groups.as('g')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export function listSla(db: Executor, scopes: readonly TenantScope[], f: PeriodFilter): Promise<SlaRow[]> {
  let q = db.selectFrom('sla_records').selectAll().where(scopeFilter(scopes));
  if (f.ban) q = q.where('ban_id', '=', f.ban);
  if (f.status) q = q.where('status', '=', f.status as SlaRow['status']);
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export async function insertSla(db: Executor, rows: Insertable<SlaRecordsTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('sla_records').values(rows.slice(i, i + 100)).execute();
}

export interface SlaTotal {
  tenant_id: string;
  records: number;
  breached: number;
  avg_achieved_pct: number;
  min_achieved_pct: number;
  downtime_minutes: number;
}

function slaRecordsIn(db: Executor, scopes: readonly TenantScope[], f: { periodFrom?: string; periodTo?: string }) {
  let q = db.selectFrom('sla_records').where(scopeFilter(scopes, '', { db }));
  if (f.periodFrom) q = q.where('period', '>=', f.periodFrom);
  if (f.periodTo) q = q.where('period', '<=', f.periodTo);
  return q;
}

/**
 * SLA per tenant over a period range, in tenant order — the covering index's (tenant, period, …:
 * migration 0020), so `page` reads only one page of tenants (the walk stops at the page's end).
 */
export async function slaTotals(db: Executor, scopes: readonly TenantScope[], f: { periodFrom?: string; periodTo?: string }, page?: { limit: number; offset: number }): Promise<SlaTotal[]> {
  let q = slaRecordsIn(db, scopes, f)
    .select((eb) => [
      'tenant_id',
      eb.fn.countAll<number>().as('records'),
      eb.fn.sum<number>(sql`case when status = 'breached' then 1 else 0 end`).as('breached'),
      eb.fn.avg<number>('achieved_pct').as('avg_achieved_pct'),
      eb.fn.min<number>('achieved_pct').as('min_achieved_pct'),
      eb.fn.sum<number>('downtime_minutes').as('downtime_minutes'),
    ])
    .groupBy('tenant_id')
    .orderBy('tenant_id');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  return rows.map((r) => ({
    tenant_id: r.tenant_id,
    records: Number(r.records),
    breached: Number(r.breached ?? 0),
    avg_achieved_pct: Math.round(Number(r.avg_achieved_pct ?? 0) * 1000) / 1000,
    min_achieved_pct: Number(r.min_achieved_pct ?? 0),
    downtime_minutes: Number(r.downtime_minutes ?? 0),
  }));
}

/** How many rows slaTotals answers over every page (the tenants with a record in the range). */
export async function slaTotalsCount(db: Executor, scopes: readonly TenantScope[], f: { periodFrom?: string; periodTo?: string }): Promise<number> {
  const tenants = slaRecordsIn(db, scopes, f).select('tenant_id').groupBy('tenant_id');
  const r = await db.selectFrom(tenants.as('g')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function tenantHasResources(db: Executor, tenantId: string): Promise<boolean> {
  const r = await db.selectFrom('invoices').select('id').where('tenant_id', '=', tenantId).limit(1).executeTakeFirst();
  return !!r;
}

// ---- dashboard -------------------------------------------------------------------------------

export interface MonthTotals {
  period: string;
  currency: string;
  invoiced_cents: number;
  outstanding_cents: number;
  paid_cents: number;
}

/** Invoiced, outstanding and paid per month and currency (revenue and receivables by month), from the kept totals. */
export async function billingByMonth(db: Executor, scopes: readonly TenantScope[], f: { periodFrom?: string; periodTo?: string }): Promise<MonthTotals[]> {
  const rows = await invoiceTotalsIn(db, scopes, f, true)
    .select((eb) => ['period', 'currency', eb.fn.sum<number>('invoiced_cents').as('invoiced_cents'), eb.fn.sum<number>('outstanding_cents').as('outstanding_cents'), eb.fn.sum<number>('paid_cents').as('paid_cents')])
    .groupBy(['period', 'currency'])
    .orderBy('period')
    .orderBy('currency')
    .execute();
  return rows.map((r) => ({ period: r.period, currency: r.currency, invoiced_cents: Number(r.invoiced_cents ?? 0), outstanding_cents: Number(r.outstanding_cents ?? 0), paid_cents: Number(r.paid_cents ?? 0) }));
}

/**
 * Tickets not resolved or closed, per tenant, from the kept counts (migration 0047): one row per
 * customer and account, not one per ticket. A tenant-level ticket counts under the account '', which
 * a caller seeing only some accounts never names, as scopeFilter leaves such tickets out.
 */
export async function openTicketCounts(db: Executor, scopes: readonly TenantScope[]): Promise<{ tenant_id: string; open: number }[]> {
  const rows = await db
    .selectFrom('ticket_totals')
    .select((eb) => ['tenant_id', eb.fn.sum<number>('open').as('open')])
    .where(scopeFilter(scopes, '', { db }))
    .where('open', '>', 0)
    .groupBy('tenant_id')
    .execute();
  return rows.map((r) => ({ tenant_id: r.tenant_id, open: Number(r.open) }));
}

/** Orders not completed or cancelled. */
export async function openOrderCount(db: Executor, tenantId: string): Promise<number> {
  const r = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('status', 'in', ['submitted', 'in_progress']).executeTakeFirst();
  return Number(r?.n ?? 0);
}
