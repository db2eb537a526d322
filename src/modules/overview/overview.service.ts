/**
 * The operator's home: platform totals, twelve weeks of trends, what waits for the operator and
 * the platform's health. It owns no table: every figure comes from the module that owns the data,
 * through its service; only figures that can be computed are reported (no placeholder zeros).
 */
import type { Clock } from '../../platform/clock.ts';
import type { PartnersService } from '../partners/index.ts';
import type { TenantsService } from '../tenants/index.ts';
import type { DelegationsService } from '../delegations/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProgramService } from '../program/index.ts';
import type { NotificationsService } from '../notifications/index.ts';
import type { Static } from 'typebox';
import type { OverviewDto } from './overview.schemas.ts';

export type Overview = Static<typeof OverviewDto>;

export interface OverviewDeps {
  clock: Clock;
  partners: Pick<PartnersService, 'figures'>;
  tenants: Pick<TenantsService, 'figures'>;
  delegations: Pick<DelegationsService, 'figures'>;
  identity: Pick<IdentityService, 'userFigures'>;
  program: Pick<ProgramService, 'operatorOverview'>;
  notifications: Pick<NotificationsService, 'deliveryHealth'>;
  /** changes this instance has not applied yet (the change feed), null when not known */
  feedLag: () => Promise<number | null>;
  /** the gateway's access events held on this instance */
  auditBacklog: () => { pending: number; spool_broken: boolean };
}

export const WEEKS = 12;
const DAY_MS = 86_400_000;
const APPLICATIONS_SHOWN = 5;

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date): Date {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS);
}

/** Count ISO timestamps into the weeks starting at `first` (WEEKS of them). */
function byWeek(first: Date, stamps: readonly string[]): number[] {
  const out = new Array<number>(WEEKS).fill(0);
  for (const s of stamps) {
    const i = Math.floor((Date.parse(s) - first.getTime()) / (7 * DAY_MS));
    if (i >= 0 && i < WEEKS) out[i]++;
  }
  return out;
}

export class OverviewService {
  readonly #d: OverviewDeps;
  constructor(d: OverviewDeps) {
    this.#d = d;
  }

  async overview(opts: { waitingDays: number }): Promise<Overview> {
    const d = this.#d;
    const now = d.clock.now();
    const first = new Date(weekStart(now).getTime() - (WEEKS - 1) * 7 * DAY_MS);
    const since = first.toISOString();
    const waitingBefore = new Date(now.getTime() - opts.waitingDays * DAY_MS).toISOString();
    const [partners, tenants, delegations, users, program, delivery, lag] = await Promise.all([
      d.partners.figures(since, APPLICATIONS_SHOWN),
      d.tenants.figures(since),
      d.delegations.figures(since, waitingBefore),
      d.identity.userFigures(),
      d.program.operatorOverview(),
      d.notifications.deliveryHealth(),
      d.feedLag(),
    ]);

    const caps = { delegated: 0, wholesale: 0, managed_services: 0, referral: 0 };
    for (const raw of partners.activeCapabilities) for (const c of parseList(raw)) if (c in caps) caps[c as keyof typeof caps]++;
    const tenantsBy = (s: string) => tenants.byStatus.find((r) => r.status === s)?.n ?? 0;
    const origins = { link: 0, consent: 0, wholesale: 0 };
    for (const r of delegations.activeByOrigin) if (r.origin in origins) origins[r.origin as keyof typeof origins] += r.n;
    const usersBy = (s: string) => users.find((r) => r.status === s)?.n ?? 0;

    const newPartners = byWeek(first, partners.arrivals);
    const newTenants = byWeek(first, tenants.arrivals);
    const granted = byWeek(first, delegations.grants);
    const weeks = newPartners.map((_, i) => ({
      week_start: new Date(first.getTime() + i * 7 * DAY_MS).toISOString().slice(0, 10),
      new_partners: newPartners[i],
      new_tenants: newTenants[i],
      access_granted: granted[i],
    }));

    const earnings = new Map<string, { currency: string; amount_minor: number; partners: number }>();
    for (const p of program) {
      if (p.pending_minor <= 0) continue;
      const e = earnings.get(p.currency) ?? { currency: p.currency, amount_minor: 0, partners: 0 };
      e.amount_minor += p.pending_minor;
      e.partners++;
      earnings.set(p.currency, e);
    }

    return {
      generated_at: now.toISOString(),
      totals: {
        partners_active: { total: partners.activeCapabilities.length, by_capability: caps },
        tenants: { total: tenants.byStatus.reduce((a, r) => a + r.n, 0), active: tenantsBy('active'), suspended: tenantsBy('suspended'), closed: tenantsBy('closed') },
        delegations_active: { total: delegations.activeByOrigin.reduce((a, r) => a + r.n, 0), by_origin: origins },
        people: { active: usersBy('active'), invited: usersBy('invited'), disabled: usersBy('disabled') },
      },
      trends: { weeks },
      waiting: {
        partner_applications: { count: partners.applied, oldest: partners.applications },
        access_requests: { count: delegations.requested, waiting_days: opts.waitingDays, older: delegations.requestedBefore },
        agreements_to_approve: program.filter((p) => p.waiting === 'approve').length,
        earnings_to_approve: [...earnings.values()],
        mail_failed: delivery.mailFailed,
      },
      health: { webhooks: delivery.endpoints, change_feed_lag: lag, audit_backlog: d.auditBacklog() },
    };
  }
}

/** A JSON list of strings (a partner's capabilities), [] when it is not one. */
export function parseList(raw: string): string[] {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
