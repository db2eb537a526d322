/**
 * A customer's own limits on one partner's link: the addresses the partner may reach the customer
 * from, the days and hours it may, and an end the customer chooses. Only the customer's admins set
 * them (tenant.delegations.manage, on the tenant's route: the side is the route's, never the
 * payload's); the partner reads them in words on its side. The addresses and hours are enforced
 * by the one admission path (authz/link-limits.ts, through the change feed, on every instance);
 * the end is written to the link itself, so its window reads the same everywhere (the decision,
 * the reviews, AuthZEN, the expiry sweep and its notices). Every change is audited for both sides.
 */
import type { Db } from '../../platform/db/database.ts';
import { serviceWrites } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { authzErrors, knownTimeZone, malformedCidrs, minutesOf, type LinkHours } from '../authz/index.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import * as repo from './delegations.repo.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export interface LinkLimitsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
}

export interface LinkLimits {
  delegation_id: string;
  /** CIDRs the partner's requests on this link may come from; empty: anywhere */
  ip_allow: string[];
  /** the days and hours the partner may reach the customer, in the customer's time zone; null: any time */
  hours: LinkHours | null;
  /** the end the customer chose for the link; null: the link's own end */
  expires_at: string | null;
  /** the link's end as it stands (the customer's, when it chose one) */
  link_ends_at: string;
  /** the end the link has without the customer's: the latest end the customer may choose */
  own_ends_at: string;
  updated_at: string | null;
}

export interface LinkLimitsInput {
  ip_allow: string[];
  hours: LinkHours | null;
  expires_at: string | null;
}

const OPEN = new Set(['requested', 'active']);
type Field = { pointer: string; detail: string };

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The refusals of one input, each pointing at its field (empty: it is good). */
export function limitsProblems(input: LinkLimitsInput, nowIso: string, linkEndsAt: string): Field[] {
  const out: Field[] = [];
  const list = input.ip_allow.map((c) => c.trim());
  const bad = malformedCidrs(list);
  if (bad.length > 0) out.push({ pointer: '/ip_allow', detail: bad.map((b) => `“${b}” is not an address or a range such as 203.0.113.0/24.`).join(' ') });
  const h = input.hours;
  if (h !== null) {
    if (h.days.length === 0 || h.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) out.push({ pointer: '/hours/days', detail: 'Choose at least one day.' });
    const from = minutesOf(h.from);
    const to = minutesOf(h.to);
    if (from === null) out.push({ pointer: '/hours/from', detail: 'Give a time such as 08:00.' });
    if (to === null) out.push({ pointer: '/hours/to', detail: 'Give a time such as 18:00.' });
    if (from !== null && from === to) out.push({ pointer: '/hours/to', detail: 'The end must differ from the start.' });
    if (!knownTimeZone(h.time_zone)) out.push({ pointer: '/hours/time_zone', detail: 'Choose a time zone from the list, such as Europe/Paris.' });
  }
  const e = input.expires_at;
  if (e !== null) {
    const ms = Date.parse(e);
    if (Number.isNaN(ms)) out.push({ pointer: '/expires_at', detail: 'Give a date.' });
    else if (ms <= Date.parse(nowIso)) out.push({ pointer: '/expires_at', detail: 'The end must be in the future.' });
    else if (ms > Date.parse(linkEndsAt)) out.push({ pointer: '/expires_at', detail: 'The end can only come before the end the link already has.' });
  }
  return out;
}

export class LinkLimitsService {
  readonly #d: LinkLimitsDeps;
  readonly #w: ReturnType<typeof serviceWrites>;

  constructor(d: LinkLimitsDeps) {
    this.#d = d;
    this.#w = serviceWrites(() => d);
  }

  /** The limits on one link of this tenant or of this partner (another's link: 404 as unknown). */
  async get(delegationId: string, scope: { tenantId?: string; partnerId?: string }): Promise<LinkLimits> {
    const link = await this.#link(delegationId, scope);
    const row = await repo.findLinkLimits(this.#d.db.kysely, delegationId);
    return toLimits(link, row);
  }

  /** The customer sets (or clears, with an empty list, no hours and no end) its limits on one open link. */
  async set(ctx: RequestContext, tenantId: string, delegationId: string, input: LinkLimitsInput): Promise<LinkLimits> {
    const link = await this.#link(delegationId, { tenantId });
    if (!OPEN.has(link.status)) throw E.link_limits_link_closed(PD.linkHasEndedThere);
    const before = await repo.findLinkLimits(this.#d.db.kysely, delegationId);
    const ownEnd = before?.link_ends_at ?? link.ends_at;
    const clean: LinkLimitsInput = { ip_allow: [...new Set(input.ip_allow.map((c) => c.trim()).filter((c) => c !== ''))], hours: input.hours, expires_at: input.expires_at === null ? null : new Date(Date.parse(input.expires_at)).toISOString() };
    const fields = limitsProblems({ ...input, ip_allow: input.ip_allow.filter((c) => c.trim() !== '') }, this.#w.now(), ownEnd);
    if (fields.length > 0) throw E.link_limits_invalid(fields.map((f) => f.detail).join(' '), { fields });
    return this.#w.write(async (trx) => {
      const now = this.#w.now();
      // the customer's end is the link's; without one, the link gets back the end it had
      const endsAt = clean.expires_at ?? ownEnd;
      if (endsAt !== link.ends_at) {
        await repo.updateDelegation(trx, delegationId, { ends_at: endsAt, updated_at: now });
        await this.#d.feed.record(trx, 'delegation', delegationId);
      }
      const nothing = clean.ip_allow.length === 0 && clean.hours === null && clean.expires_at === null;
      if (nothing) await repo.deleteLinkLimits(trx, delegationId);
      else await repo.putLinkLimits(trx, { delegation_id: delegationId, tenant_id: tenantId, partner_id: link.partner_id, ip_allow: JSON.stringify(clean.ip_allow), hours: clean.hours === null ? null : JSON.stringify(clean.hours), expires_at: clean.expires_at, link_ends_at: clean.expires_at === null ? null : ownEnd, updated_at: now, updated_by: ctx.actor.userId });
      await this.#d.feed.record(trx, 'delegation_limits', delegationId);
      const details = { delegation_id: delegationId, ip_allow: clean.ip_allow, hours: clean.hours, expires_at: clean.expires_at, link_ends_at: endsAt };
      // the customer's log and the partner's both see it
      await this.#d.audit.record(trx, ctx, { action: 'delegation.limits_changed', tenantId, partnerId: link.partner_id, targetType: 'delegation', targetId: delegationId, details });
      return { delegation_id: delegationId, ...clean, link_ends_at: endsAt, own_ends_at: ownEnd, updated_at: nothing ? null : now };
    });
  }

  async #link(delegationId: string, scope: { tenantId?: string; partnerId?: string }): Promise<repo.DelegationRow> {
    const link = await repo.findDelegationById(this.#d.db.kysely, delegationId);
    if (!link || (scope.tenantId !== undefined && link.tenant_id !== scope.tenantId) || (scope.partnerId !== undefined && link.partner_id !== scope.partnerId)) {
      throw authzErrors.delegation_not_found(PD.noSuchLink);
    }
    return link;
  }
}

function toLimits(link: repo.DelegationRow, row: repo.LinkLimitsRow | undefined): LinkLimits {
  // an end the customer chose that the link no longer has (a renewal the customer approved since) is no longer theirs
  const expires = row?.expires_at != null && row.expires_at === link.ends_at ? row.expires_at : null;
  return {
    delegation_id: link.id,
    ip_allow: parseJson<string[]>(row?.ip_allow ?? null, []),
    hours: parseJson<LinkHours | null>(row?.hours ?? null, null),
    expires_at: expires,
    link_ends_at: link.ends_at,
    own_ends_at: expires !== null ? (row?.link_ends_at ?? link.ends_at) : link.ends_at,
    updated_at: row?.updated_at ?? null,
  };
}
