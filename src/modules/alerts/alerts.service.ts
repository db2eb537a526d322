/**
 * Per-link commitments and the alerts inbox of the MSP workspace.
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
import { sql, type Insertable } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { checkPaging, parseRange, parseSort, likePattern, type CommonListQuery, type ListPage } from '../../platform/http/list-params.ts';
import type { AuditLog } from '../audit/index.ts';
import type { AuthzService } from '../authz/index.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { PartnerAlertsTable } from '../../platform/db/schema.ts';
import { alertWords, factsOf, type AudienceDecision, type AudienceEvent, type PartnerNotice, type Recipient } from '../notifications/index.ts';
import { alertErrors as E } from './alerts.errors.ts';
import { linkCommitments, linkConditions, listIn, slaWindowFrom, type AlertKind, type Condition, type ConditionWindow, type LinkCondition, type WatchedLink } from './alert-conditions.ts';
import { memberSight, partnerSight, withoutFigures, type Sight } from './alert-notices.ts';
import { DEFAULT_COMMITMENTS, type Commitments } from './commitments.ts';
import type { Notifier } from './notify.ts';
import * as reads from './alert-reads.ts';
import * as repo from './alerts.repo.ts';
import { delegationQueries, delegationViews } from '../delegations/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { partnerLookups } from '../partners/index.ts';
import { localePreferencesOf } from '../identity/index.ts';
import { intlFor, say } from '../../platform/i18n/intl.ts';
import { negotiateLocale } from '../../platform/i18n/locales.ts';
import { mm } from './alert-mail.messages.ts';

export type { AlertKind } from './alert-conditions.ts';
type AlertRow = PartnerAlertsTable;
const ALERT_KINDS: readonly AlertKind[] = ['sla_breach', 'invoice_overdue', 'receivables_threshold'];

export interface AlertsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  authz: Pick<AuthzService, 'snapshot' | 'memberAccess' | 'partnerAccess' | 'memberRoleGrants' | 'refusalError'>;
  notifier: Notifier;
  onError?: (err: unknown) => void;
}

export interface Who {
  userId: string;
  partnerId: string;
}

export const ALERT_SORT = { opened_at: 'a.opened_at', severity: 'a.severity', tenant_name: 't.name', kind: 'a.kind', status: 'a.status' } as const;

export class AlertsService {
  readonly #d: AlertsDeps;
  constructor(d: AlertsDeps) {
    this.#d = d;
  }

  // ---- commitments -----------------------------------------------------------------------------

  async #commitmentsRow(delegationId: string) {
    return repo.findCommitments(this.#d.db.kysely, delegationId);
  }

  /** The link's commitments (the defaults until someone sets them), with both parties and who changed them last, named. */
  async commitments(delegationId: string) {
    const db = this.#d.db.kysely;
    const link = await delegationViews.findLinkNames(db, delegationId);
    if (!link) throw E.link_not_found();
    const row = await this.#commitmentsRow(delegationId);
    const c: Commitments = row ? { sla: JSON.parse(row.sla), alerts: JSON.parse(row.alerts), billing_threshold: { amount_cents: row.threshold_cents, currency: row.threshold_currency } } : structuredClone(DEFAULT_COMMITMENTS);
    let updatedBy = null;
    if (row?.updated_by) {
      const [u] = await reads.peopleWithPartner(db, [row.updated_by]);
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
      await repo.upsertCommitments(trx, { delegation_id: delegationId, tenant_id: before.tenant_id, partner_id: before.partner_id }, row);
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
    const ids = await delegationQueries.listOpenLinkIdsOfTenant(this.#d.db.kysely, tenantId);
    const out = [];
    for (const id of ids) out.push(await this.commitments(id));
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
    const links = await delegationQueries.listLinksInForce(db, nowIso);
    const commitments = await linkCommitments(db, links.map((l) => l.id));
    const watched: WatchedLink[] = links.map((l) => ({ delegationId: l.id, tenantId: l.tenant_id, bans: l.ban_ids ? (JSON.parse(l.ban_ids) as string[]) : null }));
    const all = await linkConditions(db, watched, { slaFrom: slaWindowFrom(now) }, commitments);
    // what is open already: a condition that still holds is left alone (one read, not one insert
    // attempt per condition and one update per link every minute: 10,000 links were 10,000 statements)
    const open = await repo.unresolvedAlertKeys(db);
    const openKeys = new Set(open.map((a) => a.dedup_key));
    const holding = new Set<string>();
    const byLink = new Map<string, LinkCondition[]>();
    for (const x of all) listIn(byLink, x.delegation_id).push(x);
    // new conditions: one unresolved alert per key (the partial unique index decides the winner)
    const fresh: { row: Insertable<PartnerAlertsTable>; x: Condition; c: Commitments }[] = [];
    for (const l of links) {
      const c = commitments.get(l.id) ?? DEFAULT_COMMITMENTS;
      for (const x of byLink.get(l.id) ?? []) {
        const key = `${l.id}:${x.key}`;
        holding.add(key);
        if (openKeys.has(key)) continue;
        const row = { id: newId('alr', now.getTime()), dedup_key: key, partner_id: l.partner_id, tenant_id: l.tenant_id, delegation_id: l.id, kind: x.kind, severity: x.severity, status: 'open' as const, subject_id: x.subject_id, period: x.period, message: x.message, facts: JSON.stringify(x.facts), amount_cents: x.amount_cents, currency: x.currency, opened_at: nowIso, last_seen_at: nowIso, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution: null, notified_at: null };
        fresh.push({ row, x, c });
      }
    }
    // opened 500 at a time, each with its audit event in the same transaction; then each is pushed once
    let opened = 0;
    let notified = 0;
    for (let i = 0; i < fresh.length; i += 500) {
      const part = fresh.slice(i, i + 500);
      const won = await mutate(this.#d.db, async (trx) => {
        const ids = await repo.insertAlertsOnce(trx, part.map((f) => f.row));
        const mine = part.filter((f) => ids.has(f.row.id));
        await this.#d.audit.recordAll(trx, ctx, mine.map(({ row: r }) => ({ action: 'alert.opened', tenantId: r.tenant_id, partnerId: r.partner_id, targetType: 'alert', targetId: r.id, details: { kind: r.kind, severity: r.severity, subject_id: r.subject_id, delegation_id: r.delegation_id } })));
        return mine;
      });
      opened += won.length;
      const names = await tenantQueries.findTenantNames(db, [...new Set(won.map((f) => f.row.tenant_id))]);
      const pushed: string[] = [];
      for (const f of won) if (await this.#push(f.row.id, f.row.partner_id, f.row.tenant_id, names.get(f.row.tenant_id) ?? 'a customer', f.x, f.c)) pushed.push(f.row.id);
      await repo.markAllNotified(db, pushed, this.#d.clock.now().toISOString());
      notified += pushed.length;
    }
    // what no longer holds — a condition that cleared, or a link no longer active — is resolved
    // automatically, audited with its alert, and told as `alert.resolved` like the alert was told
    const gone = open.filter((a) => !holding.has(a.dedup_key)).map((a) => a.id);
    let resolved = 0;
    for (let i = 0; i < gone.length; i += 500) {
      const done = await mutate(this.#d.db, async (trx) => {
        const rows = await repo.resolveAlerts(trx, gone.slice(i, i + 500), nowIso);
        await this.#d.audit.recordAll(trx, ctx, rows.map((r) => ({ action: 'alert.resolved', tenantId: r.tenant_id, partnerId: r.partner_id, targetType: 'alert', targetId: r.id, details: { kind: r.kind, resolution: 'auto' } })));
        return rows;
      });
      resolved += done.length;
      await this.#pushResolved(done);
    }
    return { links: links.length, opened, resolved, notified };
  }

  /** Tell of resolved alerts as `alert.resolved`, each under the title it was raised with. */
  async #pushResolved(rows: readonly repo.ResolvedAlert[]): Promise<void> {
    if (rows.length === 0) return;
    const names = await tenantQueries.findTenantNames(this.#d.db.kysely, [...new Set(rows.map((r) => r.tenant_id))]);
    for (const r of rows) {
      try {
        await this.#d.notifier.notify({ event: 'alert.resolved', partnerId: r.partner_id, tenantId: r.tenant_id, kind: r.kind, severity: r.severity, title: alertTitle(r, names.get(r.tenant_id) ?? 'a customer'), body: r.message, facts: factsOf(r.facts), channels: [], mails: [], subjectId: r.id });
      } catch (e) {
        this.#d.onError?.(e);
      }
    }
  }

  /** Push a new alert once through the notification seam; the caller then marks it sent. */
  async #push(id: string, partnerId: string, tenantId: string, tenantName: string, x: Condition, c: Commitments): Promise<boolean> {
    const title = alertTitle(x, tenantName);
    try {
      const mails = c.alerts.channels.includes('email') ? await this.#listedMails(partnerId, tenantId, x, c.alerts.recipients, tenantName) : [];
      await this.#d.notifier.notify({ event: 'alert.opened', partnerId, tenantId, kind: x.kind, severity: x.severity, title, body: x.message, facts: x.facts, channels: c.alerts.channels, mails, subjectId: id });
      return true;
    } catch (e) {
      this.#d.onError?.(e);
      return false;
    }
  }

  /**
   * The e-mail of each address the link lists, as that address may read the alert (as alertAudience decides it),
   * in its reader's language: a member's own choice, else their organization's; an address of no one known here
   * the partner organization's default language; else English. The figures stay data, said by alertWords.
   */
  async #listedMails(partnerId: string, tenantId: string, x: Condition, recipients: readonly string[], tenantName: string) {
    const db = this.#d.db.kysely;
    const members = await this.#members(db, partnerId);
    const byMail = new Map(members.map((m) => [m.email.toLowerCase(), m]));
    const languages = await localePreferencesOf(db, members.filter((m) => recipients.some((r) => r.toLowerCase() === m.email.toLowerCase())).map((m) => m.id));
    const partnerLocale = await partnerLookups.findPartnerLocale(db, partnerId);
    const out: { to: string; subject: string; text: string }[] = [];
    const seen = new Set<string>();
    for (const to of recipients) {
      if (seen.has(to.toLowerCase())) continue;
      seen.add(to.toLowerCase());
      const m = byMail.get(to.toLowerCase());
      const sight = m ? memberSight(this.#d.authz, x.kind, m.id, partnerId, tenantId) : partnerSight(this.#d.authz, x.kind, partnerId, tenantId);
      if (sight === 'none') continue;
      const pref = m ? languages.get(m.id) : undefined;
      const locale = negotiateLocale({ person: pref?.person, organization: pref?.organization ?? partnerLocale });
      const intl = intlFor(locale);
      const words = alertWords(locale, x, tenantName);
      const text = sight === 'full' ? words.detail : say(intl, mm.raisedFor, { tenant: tenantName });
      out.push({ to, subject: words.title, text: `${text}\n\n${say(intl, mm.openInbox)}\n` });
    }
    return out;
  }

  /** The partner's active members (as the notification center reads them). */
  #members(db: Tx | Db['kysely'], partnerId: string): Promise<Recipient[]> {
    return reads.activeMembers(db, partnerId);
  }

  /**
   * Who on the partner's side hears of a raised alert, and what each reads — asked by the
   * notification center for every alert event it dispatches (its AudiencePolicy), so the
   * decision is the one an API read by that recipient gets at that moment:
   *  - a member: `memberSight` (the link ∩ their member role). Without the alert's read permission
   *    they are not told; without the figures' read permission they get the notice without its
   *    detail ("An alert was raised for <customer>; open Alerts to see it").
   *  - the link's alert settings: the bell only if its channels name in_app, e-mail only if they
   *    name email; an address the link lists is e-mailed (a member's address as that member may
   *    read it, any other address as the partner's own API read would), every address once.
   *  - the partner's webhook endpoints: `partnerSight` (the partner's link role on the tenant).
   * An alert the center cannot find here (or of another partner) tells nobody on the partner's side.
   */
  async alertAudience(trx: Tx, e: AudienceEvent, members: readonly Recipient[]): Promise<AudienceDecision> {
    const none: AudienceDecision = { people: new Map(), addresses: [], partnerEndpoint: null };
    const given = (e.data.alert ?? {}) as { id?: unknown };
    if (typeof given.id !== 'string') return none;
    const a = await repo.findAlertOfPartner(trx, given.id, e.partner_id);
    if (!a || a.tenant_id !== e.tenant_id) return none;
    const c = (await linkCommitments(trx, [a.delegation_id])).get(a.delegation_id) ?? DEFAULT_COMMITMENTS;
    const { facts: _figures, ...told } = e.data.alert as Record<string, unknown>;
    const summary = { ...e.data, alert: { ...told, detail: null } };
    const dataFor = (s: Sight) => (s === 'full' ? e.data : s === 'summary' ? summary : null);
    const inApp = c.alerts.channels.includes('in_app');
    const mail = c.alerts.channels.includes('email');
    const listed = new Map(c.alerts.recipients.map((x) => [x.toLowerCase(), x]));
    const people = new Map<string, PartnerNotice>();
    for (const m of members) {
      const data = dataFor(memberSight(this.#d.authz, a.kind, m.id, a.partner_id, a.tenant_id));
      if (data) people.set(m.id, { data, in_app: inApp, email: mail ? (listed.has(m.email.toLowerCase()) ? 'listed' : 'preference') : false });
    }
    const org = dataFor(partnerSight(this.#d.authz, a.kind, a.partner_id, a.tenant_id));
    const memberMail = new Set(members.map((m) => m.email.toLowerCase()));
    const addresses = mail && org ? [...listed].filter(([k]) => !memberMail.has(k)).map(([, email]) => ({ email, data: org })) : [];
    return { people, addresses, partnerEndpoint: org };
  }

  // ---- the computed alert views ------------------------------------------------------------------

  /**
   * The alerts that hold now on these links, each against its own commitments — the same
   * computation the inbox's evaluation makes (linkConditions). The views of the MSP workspace call
   * this with the links the member may read alerts through.
   */
  currentAlerts(links: readonly WatchedLink[], w: Omit<ConditionWindow, 'slaFrom'> & { slaFrom?: string }): Promise<LinkCondition[]> {
    return linkConditions(this.#d.db.kysely, links, { ...w, slaFrom: w.slaFrom ?? slaWindowFrom(this.#d.clock.now()) });
  }

  // ---- inbox -----------------------------------------------------------------------------------

  /**
   * The tenants whose alerts of each family this member sees (link ∩ member role), and per kind
   * the tenants whose alert figures they may read (ALERT_READS: the read of those figures).
   */
  #visible(who: Who, only?: string): { sla: string[]; billing: string[]; figures: Record<AlertKind, string[]> } {
    const { authz } = this.#d;
    const tenants = only ? [only] : [...authz.snapshot.partnerTenantIds(who.partnerId)];
    const sla: string[] = [];
    const billing: string[] = [];
    const figures: Record<AlertKind, string[]> = { sla_breach: [], invoice_overdue: [], receivables_threshold: [] };
    for (const t of tenants) {
      if (authz.memberAccess(who.userId, who.partnerId, t, 'alerts.sla.read').allow) sla.push(t);
      if (authz.memberAccess(who.userId, who.partnerId, t, 'alerts.billing.read').allow) billing.push(t);
      for (const k of ALERT_KINDS) if (memberSight(authz, k, who.userId, who.partnerId, t) === 'full') figures[k].push(t);
    }
    return { sla, billing, figures };
  }

  /** Which rows a member reads in full: the others without their figures, and a search never matches their message. */
  #figuresOf(v: { figures: Record<AlertKind, string[]> }) {
    const full = sql.join(ALERT_KINDS.map((k) => sql`(a.kind = ${k} and ${inList('a.tenant_id', v.figures[k])})`), sql` or `);
    return { full: sql`(${full})`, shows: (r: { kind: AlertKind; tenant_id: string }) => v.figures[r.kind].includes(r.tenant_id) };
  }

  async inbox(who: Who, q: CommonListQuery & { status?: string; kind?: AlertKind; tenant_id?: string }) {
    const v = this.#visible(who, q.tenant_id);
    return this.#list(sql`a.partner_id = ${who.partnerId} and ((a.kind = 'sla_breach' and ${inList('a.tenant_id', v.sla)}) or (a.kind <> 'sla_breach' and ${inList('a.tenant_id', v.billing)}))`, q, this.#figuresOf(v));
  }

  /** A tenant's own alerts (every link), read-only. */
  async tenantAlerts(tenantId: string, q: CommonListQuery & { status?: string; kind?: AlertKind }) {
    return this.#list(sql`a.tenant_id = ${tenantId}`, q);
  }

  async #list(scope: ReturnType<typeof sql>, q: CommonListQuery & { status?: string; kind?: AlertKind }, figures?: { full: ReturnType<typeof sql>; shows: (r: { kind: AlertKind; tenant_id: string }) => boolean }): Promise<ListPage<ReturnType<typeof toAlertDto>> & { counts: { open: number; acknowledged: number } }> {
    checkPaging(q);
    if (q.cursor) checkPaging({ ...q, offset: 1 });
    const keys = parseSort(q.sort, Object.keys(ALERT_SORT));
    const range = parseRange(q.from, q.to);
    const statuses = (q.status ?? 'open,acknowledged').split(',');
    const where = [scope, sql`a.status in (${sql.join(statuses)})`];
    if (q.kind) where.push(sql`a.kind = ${q.kind}`);
    if (range.from) where.push(sql`a.opened_at >= ${range.from}`);
    if (range.to) where.push(sql`a.opened_at <= ${range.to}`);
    if (q.q) where.push(sql`(lower(t.name) like ${likePattern(q.q)} escape '\\' or (lower(a.message) like ${likePattern(q.q)} escape '\\' and ${figures?.full ?? sql`1 = 1`}))`);
    const cond = sql.join(where, sql` and `);
    const order = sql.join([...keys.map((k) => sql`${sql.raw(ALERT_SORT[k.field as keyof typeof ALERT_SORT])} ${sql.raw(k.desc ? 'desc' : 'asc')}`), sql`a.opened_at desc`, sql`a.id desc`]);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const page = await reads.alertPage(this.#d.db.kysely, scope, cond, order, limit, offset);
    const people = await this.#people(page.rows.flatMap((r) => [r.acknowledged_by, r.resolved_by]));
    const c = Object.fromEntries(page.counts.map((r) => [r.status, Number(r.n)]));
    const dto = (r: AlertRow & { tenant_name: string }) => toAlertDto(r, r.tenant_name, people);
    return { data: page.rows.map((r) => (!figures || figures.shows(r) ? dto(r) : withoutFigures(dto(r)))), total: page.total, limit, offset, next_cursor: null, counts: { open: c.open ?? 0, acknowledged: c.acknowledged ?? 0 } };
  }

  async #people(ids: (string | null)[]) {
    const list = [...new Set(ids.filter((x): x is string => !!x))];
    if (list.length === 0) return new Map<string, PersonOut>();
    const rows = await reads.peopleWithPartner(this.#d.db.kysely, list);
    return new Map(rows.map((u) => [u.id, { user_id: u.id, name: u.name, email: u.email, partner_id: u.partner_id ?? null, partner_name: u.pname ?? null }]));
  }

  /** Acknowledge or resolve one alert the member sees; needs alerts.manage in the member role. Audited. */
  async act(ctx: RequestContext, who: Who, alertId: string, verb: 'acknowledge' | 'resolve', note?: string) {
    const db = this.#d.db.kysely;
    const a = await repo.findAlertOfPartner(db, alertId, who.partnerId);
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
      if (!(await repo.updateUnresolvedAlert(trx, alertId, set))) throw E.alert_already_resolved();
      await this.#d.audit.record(trx, ctx, { action: verb === 'acknowledge' ? 'alert.acknowledged' : 'alert.resolved', tenantId: a.tenant_id, partnerId: a.partner_id, targetType: 'alert', targetId: alertId, details: { kind: a.kind, note: note ?? null } });
    });
    if (verb === 'resolve') await this.#pushResolved([a]);
    const row = await reads.alertWithTenant(db, alertId);
    const dto = toAlertDto(row, row.tenant_name, await this.#people([row.acknowledged_by, row.resolved_by]));
    return this.#figuresOf(v).shows(row) ? dto : withoutFigures(dto);
  }
}

interface PersonOut {
  user_id: string;
  name: string;
  email: string;
  partner_id: string | null;
  partner_name: string | null;
}

/** An alert's one-line title in English (webhooks' `title`), the same when it is raised and when it is resolved; each person's notice says it in their language. */
const alertTitle = (a: { kind: AlertKind; severity: 'warning' | 'critical' }, tenantName: string) => alertWords('en', { ...a, facts: null, message: '' }, tenantName).title;

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
    /** the figures, for the message in the reader's language (alerts.routes.ts); not in the API's schema */
    facts: r.facts ?? null,
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
