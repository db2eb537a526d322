/**
 * Per-link commitments and the alerts inbox of the MSP workspace (issue 16, seed 001).
 *
 * Commitments: each link (delegation) stores SLA commitments, alert settings and a billing
 * threshold; the MSP and the tenant both read them, either side changes them, every change is
 * audited in the same transaction (one event, visible in the tenant's and the partner's log).
 *
 * Alerts: `evaluate()` (on a schedule: AlertScheduler, the project clock) walks the active links
 * and computes the conditions that hold now against each link's commitments — months below the
 * promised availability, receivables above the threshold, overdue invoices — each with a stable
 * dedup key. A condition without an unresolved alert inserts one (`on conflict do nothing` on the
 * partial unique index: exactly one alert per condition, across evaluations and instances); the
 * insert that wins pushes it once through notify(). An unresolved alert whose condition no longer
 * holds is resolved automatically. People acknowledge and resolve alerts in the inbox.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { checkPaging, parseRange, parseSort, likePattern, type CommonListQuery, type ListPage } from '../../platform/http/list-params.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AuthzService } from '../authz/index.ts';
import type { PartnerAlertsTable } from '../../platform/db/schema.ts';
import { alertErrors as E } from './alerts.errors.ts';
import { DEFAULT_COMMITMENTS, type Commitments } from './commitments.ts';
import type { Notifier } from './notify.ts';

export type AlertKind = PartnerAlertsTable['kind'];
type AlertRow = PartnerAlertsTable;

export interface AlertsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  authz: Pick<AuthzService, 'snapshot' | 'memberAccess' | 'memberRoleGrants' | 'refusalError'>;
  notifier: Notifier;
  onError?: (err: unknown) => void;
}

export interface Who {
  userId: string;
  partnerId: string;
}

/** How far back SLA months are looked at. */
const SLA_WINDOW_MONTHS = 3;

export const ALERT_SORT = { opened_at: 'a.opened_at', severity: 'a.severity', tenant_name: 't.name', kind: 'a.kind', status: 'a.status' } as const;

interface Condition {
  key: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  subject_id: string | null;
  period: string | null;
  message: string;
  amount_cents: number | null;
  currency: string | null;
}

const money = (cents: number, currency: string) => `${currency} ${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export class AlertsService {
  readonly #d: AlertsDeps;
  constructor(d: AlertsDeps) {
    this.#d = d;
  }

  // ---- commitments -----------------------------------------------------------------------------

  async #commitmentsRow(delegationId: string) {
    return this.#d.db.kysely.selectFrom('link_commitments').selectAll().where('delegation_id', '=', delegationId).executeTakeFirst();
  }

  /** The link's commitments (the defaults until someone sets them), with both parties and who changed them last, named. */
  async commitments(delegationId: string) {
    const db = this.#d.db.kysely;
    const link = await db
      .selectFrom('delegations as d')
      .innerJoin('tenants as t', 't.id', 'd.tenant_id')
      .innerJoin('partners as p', 'p.id', 'd.partner_id')
      .select(['d.id', 'd.tenant_id', 'd.partner_id', 't.name as tenant_name', 'p.name as partner_name'])
      .where('d.id', '=', delegationId)
      .executeTakeFirst();
    if (!link) throw E.link_not_found();
    const row = await this.#commitmentsRow(delegationId);
    const c: Commitments = row ? { sla: JSON.parse(row.sla), alerts: JSON.parse(row.alerts), billing_threshold: { amount_cents: row.threshold_cents, currency: row.threshold_currency } } : structuredClone(DEFAULT_COMMITMENTS);
    let updatedBy = null;
    if (row?.updated_by) {
      const u = await db.selectFrom('users as u').leftJoin('partner_members as m', 'm.user_id', 'u.id').leftJoin('partners as p', 'p.id', 'm.partner_id').select(['u.id', 'u.name', 'u.email', 'm.partner_id', 'p.name as pname']).where('u.id', '=', row.updated_by).executeTakeFirst();
      if (u) updatedBy = { user_id: u.id, name: u.name, email: u.email, partner_id: u.partner_id ?? null, partner_name: u.pname ?? null };
    }
    return { delegation_id: link.id, tenant_id: link.tenant_id, tenant_name: link.tenant_name, partner_id: link.partner_id, partner_name: link.partner_name, ...c, updated_at: row?.updated_at ?? null, updated_by: updatedBy };
  }

  /** Change a link's commitments (each section given replaces that section); audited for both parties. */
  async setCommitments(ctx: RequestContext, delegationId: string, patch: Partial<Commitments>, by: { userId: string; side: 'partner' | 'tenant' }) {
    const before = await this.commitments(delegationId);
    const next: Commitments = { sla: patch.sla ?? before.sla, alerts: patch.alerts ?? before.alerts, billing_threshold: patch.billing_threshold ?? before.billing_threshold };
    const now = this.#d.clock.now().toISOString();
    await mutate(this.#d.db, async (trx) => {
      const row = { sla: JSON.stringify(next.sla), alerts: JSON.stringify(next.alerts), threshold_cents: next.billing_threshold.amount_cents, threshold_currency: next.billing_threshold.currency, updated_at: now, updated_by: by.userId };
      await trx
        .insertInto('link_commitments')
        .values({ delegation_id: delegationId, tenant_id: before.tenant_id, partner_id: before.partner_id, ...row })
        .onConflict((oc) => oc.column('delegation_id').doUpdateSet(row))
        .execute();
      const changed = (['sla', 'alerts', 'billing_threshold'] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
      await this.#d.audit.record(trx, ctx, {
        action: 'link.commitments_changed',
        tenantId: before.tenant_id,
        partnerId: before.partner_id,
        targetType: 'delegation',
        targetId: delegationId,
        details: { side: by.side, changed, from: Object.fromEntries(changed.map((k) => [k, before[k]])), to: Object.fromEntries(changed.map((k) => [k, next[k]])) },
      });
    });
    return this.commitments(delegationId);
  }

  /** The tenant's links (active or requested) and their commitments. */
  async tenantCommitments(tenantId: string) {
    const ids = await this.#d.db.kysely.selectFrom('delegations').select('id').where('tenant_id', '=', tenantId).where('origin', 'in', ['link', 'wholesale']).where('status', 'in', ['active', 'requested']).orderBy('id').execute();
    const out = [];
    for (const r of ids) out.push(await this.commitments(r.id));
    return { data: out };
  }

  // ---- evaluation ----------------------------------------------------------------------------

  /**
   * One evaluation over every active link: open what newly holds (pushed once), resolve what
   * cleared. Returns what it did. Safe to run on every instance at once.
   */
  async evaluate(ctx: RequestContext): Promise<{ links: number; opened: number; resolved: number; notified: number }> {
    const db = this.#d.db.kysely;
    const now = this.#d.clock.now();
    const nowIso = now.toISOString();
    const links = await db.selectFrom('delegations').select(['id', 'tenant_id', 'partner_id', 'ban_ids']).where('status', '=', 'active').where('origin', 'in', ['link', 'wholesale']).where('ends_at', '>', nowIso).where('starts_at', '<=', nowIso).execute();
    const stored = new Map((await db.selectFrom('link_commitments').selectAll().execute()).map((r) => [r.delegation_id, r]));
    const windowFrom = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - SLA_WINDOW_MONTHS, 1)).toISOString().slice(0, 7);
    let opened = 0;
    let resolved = 0;
    let notified = 0;
    for (const l of links) {
      const row = stored.get(l.id);
      const c: Commitments = row ? { sla: JSON.parse(row.sla), alerts: JSON.parse(row.alerts), billing_threshold: { amount_cents: row.threshold_cents, currency: row.threshold_currency } } : DEFAULT_COMMITMENTS;
      const bans = l.ban_ids ? (JSON.parse(l.ban_ids) as string[]) : null;
      const conds = await this.#conditions(l.tenant_id, bans, c, windowFrom);
      const keys = conds.map((x) => `${l.id}:${x.key}`);
      // new conditions: one unresolved alert per key (the partial unique index decides the winner)
      for (const [i, x] of conds.entries()) {
        const id = newId('alr', now.getTime());
        const won = await mutate(this.#d.db, async (trx) => {
          const inserted = await trx
            .insertInto('partner_alerts')
            .values({ id, dedup_key: keys[i], partner_id: l.partner_id, tenant_id: l.tenant_id, delegation_id: l.id, kind: x.kind, severity: x.severity, status: 'open', subject_id: x.subject_id, period: x.period, message: x.message, amount_cents: x.amount_cents, currency: x.currency, opened_at: nowIso, last_seen_at: nowIso, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution: null, notified_at: null })
            .onConflict((oc) => oc.column('dedup_key').where('resolved_at', 'is', null).doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!inserted) return false;
          await this.#d.audit.record(trx, ctx, { action: 'alert.opened', tenantId: l.tenant_id, partnerId: l.partner_id, targetType: 'alert', targetId: id, details: { kind: x.kind, severity: x.severity, subject_id: x.subject_id, delegation_id: l.id } });
          return true;
        });
        if (!won) continue;
        opened++;
        if (await this.#push(id, l.partner_id, l.tenant_id, x, c)) notified++;
      }
      // conditions that cleared: resolved automatically
      let clear = db.updateTable('partner_alerts').set({ status: 'resolved', resolved_at: nowIso, resolution: 'auto' }).where('delegation_id', '=', l.id).where('resolved_at', 'is', null);
      if (keys.length > 0) clear = clear.where('dedup_key', 'not in', keys);
      const r = await clear.executeTakeFirst();
      resolved += Number(r.numUpdatedRows ?? 0);
    }
    // links no longer active: their alerts have nothing left to watch
    const active = new Set(links.map((l) => l.id));
    const orphans = await db.selectFrom('partner_alerts').select('delegation_id').distinct().where('resolved_at', 'is', null).execute();
    for (const o of orphans) {
      if (active.has(o.delegation_id)) continue;
      const r = await db.updateTable('partner_alerts').set({ status: 'resolved', resolved_at: nowIso, resolution: 'auto' }).where('delegation_id', '=', o.delegation_id).where('resolved_at', 'is', null).executeTakeFirst();
      resolved += Number(r.numUpdatedRows ?? 0);
    }
    return { links: links.length, opened, resolved, notified };
  }

  /** Push a new alert once: the notification seam, then the row remembers it was sent. */
  async #push(id: string, partnerId: string, tenantId: string, x: Condition, c: Commitments): Promise<boolean> {
    const db = this.#d.db.kysely;
    const t = await db.selectFrom('tenants').select('name').where('id', '=', tenantId).executeTakeFirst();
    const title = `${x.severity === 'critical' ? 'Critical' : 'Warning'}: ${KIND_WORDS[x.kind]} — ${t?.name ?? 'a customer'}`;
    try {
      await this.#d.notifier.notify({ event: 'alert.opened', partnerId, tenantId, title, body: x.message, channels: c.alerts.channels, recipients: c.alerts.recipients, subjectId: id });
      await db.updateTable('partner_alerts').set({ notified_at: this.#d.clock.now().toISOString() }).where('id', '=', id).execute();
      return true;
    } catch (e) {
      this.#d.onError?.(e);
      return false;
    }
  }

  /** What holds now for one link, against its commitments. */
  async #conditions(tenantId: string, bans: string[] | null, c: Commitments, windowFrom: string): Promise<Condition[]> {
    const db = this.#d.db.kysely;
    const out: Condition[] = [];
    if (c.alerts.sla_breach) {
      let q = db.selectFrom('sla_records').selectAll().where('tenant_id', '=', tenantId).where('period', '>=', windowFrom).where('achieved_pct', '<', c.sla.availability_pct);
      if (bans) q = bans.length ? q.where('ban_id', 'in', bans) : q.where(sql<boolean>`1 = 0`);
      for (const r of await q.orderBy('period', 'desc').execute()) {
        out.push({
          key: `sla_breach:${r.id}`,
          kind: 'sla_breach',
          severity: c.sla.availability_pct - r.achieved_pct >= 0.1 ? 'critical' : 'warning',
          subject_id: r.id,
          period: r.period,
          message: `Availability in ${r.period} was ${r.achieved_pct}%, below the ${c.sla.availability_pct}% committed (${r.downtime_minutes} min down, ${r.incidents} incident${r.incidents === 1 ? '' : 's'}).`,
          amount_cents: null,
          currency: null,
        });
      }
    }
    if (c.alerts.invoice_overdue || c.alerts.receivables_threshold) {
      let q = db.selectFrom('invoices').select(['id', 'number', 'period', 'status', 'balance_cents', 'currency', 'due_at']).where('tenant_id', '=', tenantId).where('status', 'in', ['open', 'overdue']);
      if (bans) q = bans.length ? q.where('ban_id', 'in', bans) : q.where(sql<boolean>`1 = 0`);
      const open = await q.execute();
      if (c.alerts.invoice_overdue) {
        for (const i of open.filter((x) => x.status === 'overdue')) {
          out.push({ key: `invoice_overdue:${i.id}`, kind: 'invoice_overdue', severity: 'critical', subject_id: i.id, period: i.period, message: `Invoice ${i.number} (${money(i.balance_cents, i.currency)}) was due ${i.due_at.slice(0, 10)} and is unpaid.`, amount_cents: i.balance_cents, currency: i.currency });
        }
      }
      if (c.alerts.receivables_threshold) {
        const cur = c.billing_threshold.currency;
        const owed = open.filter((x) => x.currency === cur).reduce((a, x) => a + x.balance_cents, 0);
        const overdue = open.filter((x) => x.currency === cur && x.status === 'overdue').length > 0;
        if (owed > c.billing_threshold.amount_cents) {
          out.push({ key: `receivables_threshold:${cur}`, kind: 'receivables_threshold', severity: overdue ? 'critical' : 'warning', subject_id: null, period: null, message: `The customer owes ${money(owed, cur)}, above the ${money(c.billing_threshold.amount_cents, cur)} threshold.`, amount_cents: owed, currency: cur });
        }
      }
    }
    return out;
  }

  // ---- inbox -----------------------------------------------------------------------------------

  /** The tenants whose alerts of each family this member sees (link ∩ member role). */
  #visible(who: Who, only?: string): { sla: string[]; billing: string[] } {
    const { authz } = this.#d;
    const tenants = only ? [only] : [...authz.snapshot.partnerTenantIds(who.partnerId)];
    const sla: string[] = [];
    const billing: string[] = [];
    for (const t of tenants) {
      if (authz.memberAccess(who.userId, who.partnerId, t, 'alerts.sla.read').allow) sla.push(t);
      if (authz.memberAccess(who.userId, who.partnerId, t, 'alerts.billing.read').allow) billing.push(t);
    }
    return { sla, billing };
  }

  async inbox(who: Who, q: CommonListQuery & { status?: string; kind?: AlertKind; tenant_id?: string }) {
    const v = this.#visible(who, q.tenant_id);
    return this.#list(sql`a.partner_id = ${who.partnerId} and ((a.kind = 'sla_breach' and ${inList('a.tenant_id', v.sla)}) or (a.kind <> 'sla_breach' and ${inList('a.tenant_id', v.billing)}))`, q);
  }

  /** A tenant's own alerts (every link), read-only. */
  async tenantAlerts(tenantId: string, q: CommonListQuery & { status?: string; kind?: AlertKind }) {
    return this.#list(sql`a.tenant_id = ${tenantId}`, q);
  }

  async #list(scope: ReturnType<typeof sql>, q: CommonListQuery & { status?: string; kind?: AlertKind }): Promise<ListPage<ReturnType<typeof toAlertDto>> & { counts: { open: number; acknowledged: number } }> {
    checkPaging(q);
    if (q.cursor) checkPaging({ ...q, offset: 1 });
    const keys = parseSort(q.sort, Object.keys(ALERT_SORT));
    const range = parseRange(q.from, q.to);
    const statuses = (q.status ?? 'open,acknowledged').split(',');
    const where = [scope, sql`a.status in (${sql.join(statuses)})`];
    if (q.kind) where.push(sql`a.kind = ${q.kind}`);
    if (range.from) where.push(sql`a.opened_at >= ${range.from}`);
    if (range.to) where.push(sql`a.opened_at <= ${range.to}`);
    if (q.q) where.push(sql`(lower(t.name) like ${likePattern(q.q)} escape '\\' or lower(a.message) like ${likePattern(q.q)} escape '\\')`);
    const cond = sql.join(where, sql` and `);
    const order = sql.join([...keys.map((k) => sql`${sql.raw(ALERT_SORT[k.field as keyof typeof ALERT_SORT])} ${sql.raw(k.desc ? 'desc' : 'asc')}`), sql`a.opened_at desc`, sql`a.id desc`]);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const db = this.#d.db.kysely;
    const [rows, total, counts] = await Promise.all([
      sql<AlertRow & { tenant_name: string }>`select a.*, t.name as tenant_name from partner_alerts a join tenants t on t.id = a.tenant_id where ${cond} order by ${order} limit ${limit} offset ${offset}`.execute(db),
      sql<{ n: number | string }>`select count(*) as n from partner_alerts a join tenants t on t.id = a.tenant_id where ${cond}`.execute(db),
      sql<{ status: string; n: number | string }>`select a.status, count(*) as n from partner_alerts a where ${scope} and a.status in ('open','acknowledged') group by a.status`.execute(db),
    ]);
    const people = await this.#people(rows.rows.flatMap((r) => [r.acknowledged_by, r.resolved_by]));
    const c = Object.fromEntries(counts.rows.map((r) => [r.status, Number(r.n)]));
    return { data: rows.rows.map((r) => toAlertDto(r, r.tenant_name, people)), total: Number(total.rows[0]?.n ?? 0), limit, offset, next_cursor: null, counts: { open: c.open ?? 0, acknowledged: c.acknowledged ?? 0 } };
  }

  async #people(ids: (string | null)[]) {
    const list = [...new Set(ids.filter((x): x is string => !!x))];
    if (list.length === 0) return new Map<string, PersonOut>();
    const rows = await this.#d.db.kysely.selectFrom('users as u').leftJoin('partner_members as m', 'm.user_id', 'u.id').leftJoin('partners as p', 'p.id', 'm.partner_id').select(['u.id', 'u.name', 'u.email', 'm.partner_id', 'p.name as pname']).where('u.id', 'in', list).execute();
    return new Map(rows.map((u) => [u.id, { user_id: u.id, name: u.name, email: u.email, partner_id: u.partner_id ?? null, partner_name: u.pname ?? null }]));
  }

  /** Acknowledge or resolve one alert the member sees; needs alerts.manage in the member role. Audited. */
  async act(ctx: RequestContext, who: Who, alertId: string, verb: 'acknowledge' | 'resolve', note?: string) {
    const db = this.#d.db.kysely;
    const a = await db.selectFrom('partner_alerts').selectAll().where('id', '=', alertId).where('partner_id', '=', who.partnerId).executeTakeFirst();
    const v = a ? this.#visible(who, a.tenant_id) : null;
    if (!a || !v || !(a.kind === 'sla_breach' ? v.sla : v.billing).includes(a.tenant_id)) throw E.alert_not_found();
    if (!this.#d.authz.memberRoleGrants(who.userId, 'alerts.manage')) {
      const d = this.#d.authz.memberAccess(who.userId, who.partnerId, a.tenant_id, 'alerts.manage');
      throw d.allow ? E.alert_not_found() : this.#d.authz.refusalError(d);
    }
    if (a.resolved_at !== null) throw E.alert_already_resolved();
    const now = this.#d.clock.now().toISOString();
    const set = verb === 'acknowledge' ? { status: 'acknowledged' as const, acknowledged_at: a.acknowledged_at ?? now, acknowledged_by: a.acknowledged_by ?? who.userId } : { status: 'resolved' as const, resolved_at: now, resolved_by: who.userId, resolution: 'manual' as const };
    await mutate(this.#d.db, async (trx) => {
      const r = await trx.updateTable('partner_alerts').set(set).where('id', '=', alertId).where('resolved_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows ?? 0) === 0) throw E.alert_already_resolved();
      await this.#d.audit.record(trx, ctx, { action: verb === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved', tenantId: a.tenant_id, partnerId: a.partner_id, targetType: 'alert', targetId: alertId, details: { kind: a.kind, note: note ?? null } });
    });
    const row = await db.selectFrom('partner_alerts as a').innerJoin('tenants as t', 't.id', 'a.tenant_id').selectAll('a').select('t.name as tenant_name').where('a.id', '=', alertId).executeTakeFirstOrThrow();
    return toAlertDto(row, row.tenant_name, await this.#people([row.acknowledged_by, row.resolved_by]));
  }
}

interface PersonOut {
  user_id: string;
  name: string;
  email: string;
  partner_id: string | null;
  partner_name: string | null;
}

const KIND_WORDS: Record<AlertKind, string> = { sla_breach: 'availability below the SLA', receivables_threshold: 'receivables above the threshold', invoice_overdue: 'invoice overdue' };

function inList(col: string, ids: string[]) {
  return ids.length === 0 ? sql`1 = 0` : sql`${sql.ref(col)} in (${sql.join(ids)})`;
}

export function toAlertDto(r: AlertRow, tenantName: string, people: Map<string, PersonOut>) {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    status: r.status,
    tenant_id: r.tenant_id,
    tenant_name: tenantName,
    delegation_id: r.delegation_id,
    subject_id: r.subject_id,
    period: r.period,
    message: r.message,
    amount_cents: r.amount_cents === null ? null : Number(r.amount_cents),
    currency: r.currency,
    opened_at: r.opened_at,
    last_seen_at: r.last_seen_at,
    acknowledged_at: r.acknowledged_at,
    acknowledged_by: r.acknowledged_by ? (people.get(r.acknowledged_by) ?? null) : null,
    resolved_at: r.resolved_at,
    resolved_by: r.resolved_by ? (people.get(r.resolved_by) ?? null) : null,
    resolution: r.resolution,
  };
}
