/**
 * The common features of every list of customer data, consolidated (an MSP across its
 * tenants) or the tenant's own: offset pagination with a total count (the keyset cursor kept),
 * `q` free text, `sort=field,-field` on named fields, ISO 8601 date or date-time ranges and
 * YYYY-MM periods. One query builder per kind, so each list gets the same parameters, the same
 * refusals and the same answer shape: { data, total, limit, offset, next_cursor }.
 *
 * The rows carry the tenant's name (a join), so lists search and sort by customer name: this file
 * is a cross-table read model (READERS in src/app/table-owners.ts) that reads the tenants module's
 * tenants and billing accounts with the resources' own tables, in the one query a page makes.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { checkPaging, parseRange, parseSort, likePattern, type CommonListQuery, type ListPage } from '../../platform/http/list-params.ts';
import { invoiceTotalsIn, scopeFilter, type TenantScope } from './resources.repo.ts';

export { ListQueryCommon, PageFields, Period, pageRows, rowPageWindow, parseRange, parseSort, likePattern, checkPaging, type CommonListQuery, type ListPage } from '../../platform/http/list-params.ts';

export type ListKind = 'orders' | 'services' | 'invoices' | 'tickets' | 'usage' | 'sla' | 'subscribers';

interface KindSpec {
  /** the kind's table */
  source: string;
  /** the column `from`/`to` bound */
  dateCol: string;
  /** the column period_from/period_to bound (when the kind has periods) */
  periodCol?: string;
  /** columns `q` searches (the tenant name always) */
  text: string[];
  /** field name → column */
  sort: Record<string, string>;
  /** filters by equality the kind accepts */
  eq: string[];
  /** more tables joined to each row of the page (and to the search and sort when they name them) */
  join?: { sql: string; alias: string; select: string };
}

const SPECS: Record<ListKind, KindSpec> = {
  orders: { source: 'orders', dateCol: 'created_at', text: ['r.product_name', 'r.notes', 'r.product_code'], sort: { created_at: 'r.created_at', total_cents: 'r.total_cents', status: 'r.status', product_name: 'r.product_name', tenant_name: 't.name' }, eq: ['status', 'ban_id'] },
  services: { source: 'provisioned_services', dateCol: 'created_at', text: ['r.name', 'r.location', 'r.product_code'], sort: { created_at: 'r.created_at', name: 'r.name', status: 'r.status', monthly_price_cents: 'r.monthly_price_cents', tenant_name: 't.name' }, eq: ['status', 'ban_id'] },
  invoices: {
    source: 'invoices',
    dateCol: 'issued_at',
    periodCol: 'period',
    text: ['r.number', 'b.account_number', 'b.name'],
    sort: { issued_at: 'r.issued_at', due_at: 'r.due_at', period: 'r.period', total_cents: 'r.total_cents', balance_cents: 'r.balance_cents', number: 'r.number', status: 'r.status', tenant_name: 't.name', ban_account_number: 'b.account_number' },
    eq: ['status', 'ban_id'],
    // the billing account's number and name (BAN), not only its id
    join: { sql: 'left join billing_accounts b on b.id = r.ban_id', alias: 'b.', select: 'b.account_number as ban_account_number, b.name as ban_name' },
  },
  tickets: {
    source: 'support_tickets',
    dateCol: 'created_at',
    text: ['r.subject', 'r.number', 'r.assignee'],
    sort: { created_at: 'r.created_at', updated_at: 'r.updated_at', priority: "case r.priority when 'urgent' then 4 when 'high' then 3 when 'normal' then 2 else 1 end", status: 'r.status', number: 'r.number', tenant_name: 't.name' },
    eq: ['status', 'priority', 'ban_id', 'category'],
  },
  usage: { source: 'usage_records', dateCol: 'recorded_at', periodCol: 'period', text: ['r.metric'], sort: { period: 'r.period', metric: 'r.metric', quantity: 'r.quantity', amount_cents: 'r.amount_cents', tenant_name: 't.name' }, eq: ['metric', 'ban_id'] },
  sla: { source: 'sla_records', dateCol: 'recorded_at', periodCol: 'period', text: ['r.status'], sort: { period: 'r.period', achieved_pct: 'r.achieved_pct', downtime_minutes: 'r.downtime_minutes', status: 'r.status', tenant_name: 't.name' }, eq: ['status', 'ban_id'] },
  subscribers: {
    source: 'subscribers',
    dateCol: 'activated_at',
    text: ['r.name', 'r.number', 'r.email', 'r.plan', 'r.service_address'],
    sort: { name: 'r.name', number: 'r.number', status: 'r.status', plan: 'r.plan', activated_at: 'r.activated_at', tenant_name: 't.name' },
    eq: ['status', 'ban_id'],
  },
};

/** The sort fields a kind accepts (for the OpenAPI descriptions and the error detail). */
export function sortFields(kind: ListKind): string[] {
  return Object.keys(SPECS[kind].sort);
}

export interface ListArgs extends CommonListQuery {
  /** equality filters (status, priority, ban_id, …) the kind accepts */
  eq?: Record<string, string | undefined>;
}

/** The invoice totals' count for each status filter (void: the invoices neither open, overdue nor paid). */
const COUNT_OF_STATUS: Record<string, string> = { open: 'open_count', overdue: 'overdue_count', paid: 'paid_count', void: 'invoices - open_count - overdue_count - paid_count' };

/**
 * How many invoices a list without a search or a date range holds, from the invoice totals kept per
 * customer, month and account (migration 0045) instead of counting every invoice in scope — the same
 * scope, months, account and status. A million invoices at 10,000 customers: 240,000 rows to add up.
 */
function invoiceCount(db: Executor, scopes: readonly TenantScope[], a: ListArgs) {
  const status = a.eq?.status;
  const counted = status === undefined ? 'invoices' : (COUNT_OF_STATUS[status] ?? '0');
  let q = invoiceTotalsIn(db, scopes, { periodFrom: a.period_from, periodTo: a.period_to }).select(sql<number | string>`coalesce(sum(${sql.raw(counted)}), 0)`.as('n'));
  if (a.eq?.ban_id !== undefined) q = q.where('ban_id', '=', a.eq.ban_id);
  return q.execute().then((rows) => ({ rows }));
}

/** One page of a kind over the scopes, with its total. Rows are the table's, plus `tenant_name`. */
export async function listKind<R>(db: Executor, kind: ListKind, scopes: readonly TenantScope[], a: ListArgs): Promise<ListPage<R & { tenant_name: string }>> {
  const spec = SPECS[kind];
  checkPaging(a);
  const keys = parseSort(a.sort, Object.keys(spec.sort));
  const range = parseRange(a.from, a.to);
  const limit = a.limit ?? 50;
  const offset = a.offset ?? 0;
  // the default order (newest first) without a search walks the primary key to the page
  const where: RawBuilder<SqlBool>[] = [scopeFilter(scopes, 'r', { viaOrder: keys.length === 0 && !a.q })];
  for (const [k, v] of Object.entries(a.eq ?? {})) {
    if (v === undefined || !spec.eq.includes(k)) continue;
    where.push(sql<SqlBool>`${sql.ref(`r.${k}`)} = ${v}`);
  }
  if (range.from) where.push(sql<SqlBool>`${sql.ref(`r.${spec.dateCol}`)} >= ${range.from}`);
  if (range.to) where.push(sql<SqlBool>`${sql.ref(`r.${spec.dateCol}`)} <= ${range.to}`);
  if (spec.periodCol && a.period_from) where.push(sql<SqlBool>`${sql.ref(`r.${spec.periodCol}`)} >= ${a.period_from}`);
  if (spec.periodCol && a.period_to) where.push(sql<SqlBool>`${sql.ref(`r.${spec.periodCol}`)} <= ${a.period_to}`);
  if (a.q) {
    const p = likePattern(a.q);
    const cols = ['t.name', ...spec.text].map((c) => sql<SqlBool>`lower(coalesce(${sql.ref(c)}, '')) like ${p} escape '\\'`);
    where.push(sql<SqlBool>`(${sql.join(cols, sql` or `)})`);
  }
  const cond = sql.join(where, sql` and `);
  // the count reads every match anyway: through the tenant index
  const countCond = sql.join([scopeFilter(scopes, 'r'), ...where.slice(1)], sql` and `);
  // Filter before join: the page is chosen on the kind's own table (its indexes), and only its rows
  // are joined to their tenant (and account); the tenant and the account join in earlier only when
  // the search or the sort names them.
  const sorts = keys.map((k) => spec.sort[k.field]);
  const joinTenant = !!a.q || sorts.some((c) => c.startsWith('t.'));
  const joinMore = !!spec.join && (!!a.q || sorts.some((c) => c.startsWith(spec.join!.alias)));
  const tenantJoin = sql` join tenants t on t.id = r.tenant_id`;
  const moreJoin = spec.join ? sql` ${sql.raw(spec.join.sql)}` : sql``;
  const filtered = sql`${sql.table(spec.source)} r${joinTenant ? tenantJoin : sql``}${joinMore ? moreJoin : sql``}`;
  const order = keys.length === 0 ? sql`r.id desc` : sql.join([...keys.map((k) => sql`${sql.raw(spec.sort[k.field])} ${sql.raw(k.desc ? 'desc' : 'asc')}`), sql`r.id desc`]);
  const cursorCond = a.cursor ? sql` and r.id < ${a.cursor}` : sql``;
  const extra = spec.join ? sql`, ${sql.raw(spec.join.select)}` : sql``;
  const [rows, count] = await Promise.all([
    sql<R & { tenant_name: string }>`select r.*, t.name as tenant_name${extra} from (select r.* from ${filtered} where ${cond}${cursorCond} order by ${order} limit ${limit + 1} offset ${offset}) r${tenantJoin}${moreJoin} order by ${order}`.execute(db),
    kind === 'invoices' && !a.q && !range.from && !range.to ? invoiceCount(db, scopes, a) : sql<{ n: number | string }>`select count(*) as n from ${filtered} where ${countCond}`.execute(db),
  ]);
  const more = rows.rows.length > limit;
  const data = more ? rows.rows.slice(0, limit) : rows.rows;
  const last = data[data.length - 1] as { id?: string } | undefined;
  return { data, total: Number(count.rows[0]?.n ?? 0), limit, offset, next_cursor: more && keys.length === 0 && last?.id ? last.id : null };
}

