/**
 * The one computation of what a link's alerts are right now: months below the availability the
 * link commits to, each overdue invoice, and receivables above the link's threshold — each only
 * where the link's alert settings turn that kind on, and only over the billing accounts the link
 * covers. The alert inbox's evaluation (AlertsService.evaluate) and the computed alert views
 * (`GET /api/v1/partner/alerts/sla` and `/billing`) both call `linkConditions`, so the same link
 * settings give the same alerts at both.
 */
import type { Kysely } from 'kysely';
import type { Database, PartnerAlertsTable } from '../../platform/db/schema.ts';
import type { AlertFacts } from '../notifications/index.ts';
import { DEFAULT_COMMITMENTS, type Commitments } from './commitments.ts';
import { openInvoicesOf, slaRecordsOf } from './alert-reads.ts';
import { listCommitments, type CommitmentsRow } from './alerts.repo.ts';

export type AlertKind = PartnerAlertsTable['kind'];

/** One link to watch: the customer, and the billing accounts it covers (null = every one). */
export interface WatchedLink {
  delegationId: string;
  tenantId: string;
  bans: readonly string[] | null;
}

export interface Condition {
  /** stable within the link: one unresolved alert per key */
  key: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  ban_id: string | null;
  subject_id: string | null;
  period: string | null;
  /** the English sentence (kept for the API's readers that do not send a language and for old rows) */
  message: string;
  /** the figures, so each reader is told the alert in their own language (notifications' alertWords) */
  facts: AlertFacts;
  amount_cents: number | null;
  currency: string | null;
}

export interface LinkCondition extends Condition {
  delegation_id: string;
  tenant_id: string;
}

export interface ConditionWindow {
  /** first SLA month looked at (YYYY-MM) */
  slaFrom: string;
  /** last SLA month looked at (YYYY-MM), if bounded */
  slaTo?: string;
  /** only these kinds (the view asked for); the link's settings still decide within them */
  kinds?: readonly AlertKind[];
  /** replaces every link's threshold amount (an explicit question: "who owes more than this?") */
  thresholdCents?: number;
}

/** How far back SLA months are looked at by default. */
export const SLA_WINDOW_MONTHS = 3;

/** The first month of the default SLA window: three months before `now`'s. */
export function slaWindowFrom(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - SLA_WINDOW_MONTHS, 1)).toISOString().slice(0, 7);
}

export const money = (cents: number, currency: string) => `${currency} ${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The list under `key`, made empty the first time. */
export function listIn<T>(m: Map<string, T[]>, key: string): T[] {
  let l = m.get(key);
  if (!l) m.set(key, (l = []));
  return l;
}

const CHUNK = 500;
function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}


export function commitmentsOf(row: CommitmentsRow | undefined): Commitments {
  return row ? { sla: JSON.parse(row.sla), alerts: JSON.parse(row.alerts), billing_threshold: { amount_cents: Number(row.threshold_cents), currency: row.threshold_currency } } : structuredClone(DEFAULT_COMMITMENTS);
}

/** Each link's commitments (the defaults where nobody set them). */
export async function linkCommitments(db: Kysely<Database>, delegationIds: readonly string[]): Promise<Map<string, Commitments>> {
  const rows = new Map<string, CommitmentsRow>();
  for (const part of chunks([...new Set(delegationIds)])) {
    for (const r of await listCommitments(db, part)) rows.set(r.delegation_id, r);
  }
  return new Map(delegationIds.map((id) => [id, commitmentsOf(rows.get(id))]));
}

/**
 * What holds now for each link, against its own commitments (read from link_commitments unless
 * given). Reads the SLA records and open invoices of every link's customer in a few queries.
 */
export async function linkConditions(db: Kysely<Database>, links: readonly WatchedLink[], w: ConditionWindow, given?: Map<string, Commitments>): Promise<LinkCondition[]> {
  if (links.length === 0) return [];
  const commitments = given ?? (await linkCommitments(db, links.map((l) => l.delegationId)));
  const want = (k: AlertKind) => !w.kinds || w.kinds.includes(k);
  const on = (l: WatchedLink) => commitments.get(l.delegationId) ?? DEFAULT_COMMITMENTS;
  const slaTenants = [...new Set(links.filter((l) => want('sla_breach') && on(l).alerts.sla_breach).map((l) => l.tenantId))];
  const billTenants = [...new Set(links.filter((l) => (want('invoice_overdue') && on(l).alerts.invoice_overdue) || (want('receivables_threshold') && on(l).alerts.receivables_threshold)).map((l) => l.tenantId))];
  type Sla = { id: string; tenant_id: string; ban_id: string; period: string; achieved_pct: number; downtime_minutes: number; incidents: number };
  type Inv = { id: string; tenant_id: string; ban_id: string; number: string; period: string; status: string; balance_cents: number; currency: string; due_at: string };
  const sla = new Map<string, Sla[]>();
  const inv = new Map<string, Inv[]>();
  for (const part of chunks(slaTenants)) {
    for (const r of await slaRecordsOf(db, part, w.slaFrom, w.slaTo)) listIn(sla, r.tenant_id).push({ ...r, achieved_pct: Number(r.achieved_pct) });
  }
  for (const part of chunks(billTenants)) {
    const rows = await openInvoicesOf(db, part);
    for (const r of rows) listIn(inv, r.tenant_id).push({ ...r, balance_cents: Number(r.balance_cents) });
  }
  const out: LinkCondition[] = [];
  for (const l of links) {
    const c = on(l);
    const covered = (ban: string) => l.bans === null || l.bans.includes(ban);
    const push = (x: Condition) => out.push({ ...x, delegation_id: l.delegationId, tenant_id: l.tenantId });
    if (want('sla_breach') && c.alerts.sla_breach) {
      for (const r of sla.get(l.tenantId) ?? []) {
        if (!covered(r.ban_id) || !(r.achieved_pct < c.sla.availability_pct)) continue;
        push({
          key: `sla_breach:${r.id}`,
          kind: 'sla_breach',
          severity: c.sla.availability_pct - r.achieved_pct >= 0.1 ? 'critical' : 'warning',
          ban_id: r.ban_id,
          subject_id: r.id,
          period: r.period,
          message: `Availability in ${r.period} was ${r.achieved_pct}%, below the ${c.sla.availability_pct}% committed (${r.downtime_minutes} min down, ${r.incidents} incident${r.incidents === 1 ? '' : 's'}).`,
          facts: { kind: 'sla_breach', period: r.period, achieved_pct: r.achieved_pct, committed_pct: c.sla.availability_pct, downtime_minutes: r.downtime_minutes, incidents: r.incidents },
          amount_cents: null,
          currency: null,
        });
      }
    }
    const open = (inv.get(l.tenantId) ?? []).filter((i) => covered(i.ban_id));
    if (want('receivables_threshold') && c.alerts.receivables_threshold) {
      const cur = c.billing_threshold.currency;
      const limit = w.thresholdCents ?? c.billing_threshold.amount_cents;
      const mine = open.filter((x) => x.currency === cur);
      const owed = mine.reduce((a, x) => a + x.balance_cents, 0);
      if (owed > limit) {
        push({ key: `receivables_threshold:${cur}`, kind: 'receivables_threshold', severity: mine.some((x) => x.status === 'overdue') ? 'critical' : 'warning', ban_id: null, subject_id: null, period: null, message: `The customer owes ${money(owed, cur)}, above the ${money(limit, cur)} threshold.`,
          facts: { kind: 'receivables_threshold', owed_cents: owed, limit_cents: limit, currency: cur },
          amount_cents: owed,
          currency: cur,
        });
      }
    }
    if (want('invoice_overdue') && c.alerts.invoice_overdue) {
      for (const i of open.filter((x) => x.status === 'overdue')) {
        push({ key: `invoice_overdue:${i.id}`, kind: 'invoice_overdue', severity: 'critical', ban_id: i.ban_id, subject_id: i.id, period: i.period, message: `Invoice ${i.number} (${money(i.balance_cents, i.currency)}) was due ${i.due_at.slice(0, 10)} and is unpaid.`,
          facts: { kind: 'invoice_overdue', number: i.number, amount_cents: i.balance_cents, currency: i.currency, due: i.due_at.slice(0, 10) },
          amount_cents: i.balance_cents,
          currency: i.currency,
        });
      }
    }
  }
  return out;
}
