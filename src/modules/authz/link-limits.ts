/**
 * A customer's own limits on one partner's link, as the request path asks them: the addresses the
 * partner's requests on that link may come from, and the days and hours (in the customer's time
 * zone) they may come. The end a customer chooses is not here: it is written to the link itself
 * (its ends_at), so decide(), the reviews and AuthZEN all see the same window.
 *
 * The snapshot keeps one entry per link whose customer set an address list or hours (most links
 * have none: an empty index costs a request one size check). The loader (link-limits-loader.ts)
 * fills it from delegation_limits through the change feed (entity `delegation_limits`, id = the
 * delegation's). The hours are evaluated once per minute per link, not once per request.
 */
import type { BlockList } from 'node:net';
import { BlockList as NetBlockList } from 'node:net';
import type { AppError } from '../../platform/errors/app-error.ts';
import { authzErrors } from './authz.errors.ts';
import { refusalDetail } from './authz.problem-details.ts';
import { ipAllowed, parseCidr } from './partner-limits.ts';

/** The customer's hours: ISO weekdays (1 = Monday … 7 = Sunday), a local start and end, a time zone. */
export interface LinkHours {
  days: number[];
  from: string;
  to: string;
  time_zone: string;
}

export type LinkLimitRefusal = 'link_address_not_allowed' | 'link_outside_hours';

interface HoursEntry {
  days: ReadonlySet<number>;
  fromMin: number;
  toMin: number;
  format: Intl.DateTimeFormat;
  /** the answer for the minute that ends at `untilMs` */
  open: boolean;
  untilMs: number;
}

interface LinkEntry {
  ipAllow: BlockList | null;
  hours: HoursEntry | null;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM`, or null when it is not one. */
export function minutesOf(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  return m === null ? null : Number(m[1]) * 60 + Number(m[2]);
}

/** Whether `name` is a time zone this runtime knows (an IANA name such as Europe/Paris). */
export function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

/**
 * Open at local minute `min` of ISO weekday `day`? `from` < `to`: that span of each chosen day;
 * `from` > `to`: overnight, from `from` on a chosen day until `to` the next morning.
 */
export function withinHours(days: ReadonlySet<number>, fromMin: number, toMin: number, day: number, min: number): boolean {
  if (fromMin < toMin) return days.has(day) && min >= fromMin && min < toMin;
  if (min >= fromMin) return days.has(day);
  const before = day === 1 ? 7 : day - 1;
  return min < toMin && days.has(before);
}

function compileHours(h: LinkHours | null): HoursEntry | null {
  if (h === null) return null;
  const fromMin = minutesOf(h.from);
  const toMin = minutesOf(h.to);
  if (fromMin === null || toMin === null || !knownTimeZone(h.time_zone)) return null;
  return {
    days: new Set(h.days),
    fromMin,
    toMin,
    format: new Intl.DateTimeFormat('en-US', { timeZone: h.time_zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    open: false,
    untilMs: 0,
  };
}

function openAt(h: HoursEntry, nowMs: number): boolean {
  if (nowMs < h.untilMs && nowMs >= h.untilMs - 60_000) return h.open;
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const p of h.format.formatToParts(nowMs)) {
    if (p.type === 'weekday') day = WEEKDAY[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value);
    else if (p.type === 'minute') minute = Number(p.value);
  }
  h.open = withinHours(h.days, h.fromMin, h.toMin, day, hour * 60 + minute);
  h.untilMs = nowMs - (nowMs % 60_000) + 60_000;
  return h.open;
}

/** The snapshot's index of customers' limits on links. */
export class LinkLimitsIndex {
  readonly #links = new Map<string, LinkEntry>();

  get size(): number {
    return this.#links.size;
  }

  /** Set a link's limits (an empty list and no hours: the link has none). */
  put(delegationId: string, ipAllow: readonly string[], hours: LinkHours | null): void {
    let allow: BlockList | null = null;
    if (ipAllow.length > 0) {
      allow = new NetBlockList();
      for (const cidr of ipAllow) {
        const p = parseCidr(cidr);
        if (p) allow.addSubnet(p.address, p.prefix, p.family);
      }
    }
    const h = compileHours(hours);
    if (allow === null && h === null) this.#links.delete(delegationId);
    else this.#links.set(delegationId, { ipAllow: allow, hours: h });
  }

  remove(delegationId: string): void {
    this.#links.delete(delegationId);
  }

  /** Which of the customer's limits a request on this link from `ip` at `nowMs` breaks, or null. */
  check(delegationId: string, ip: string | null, nowMs: number): LinkLimitRefusal | null {
    if (this.#links.size === 0) return null;
    const e = this.#links.get(delegationId);
    if (e === undefined) return null;
    if (e.ipAllow !== null && !ipAllowed(e.ipAllow, ip)) return 'link_address_not_allowed';
    if (e.hours !== null && !openAt(e.hours, nowMs)) return 'link_outside_hours';
    return null;
  }
}

const REASONS: Record<LinkLimitRefusal, string> = {
  link_address_not_allowed: 'The customer allows requests through this link only from the addresses it listed; the request came from another one.',
  link_outside_hours: 'The customer allows requests through this link only on the days and hours it chose; this is outside them.',
};

/**
 * The refusal of a request through `delegationId` from `ip` at `nowMs` under the customer's limits,
 * or undefined: the one check every door that acts through a link asks (the gateway, forward auth,
 * the partner API).
 */
export function linkLimitRefusal(index: LinkLimitsIndex, delegationId: string | null, ip: string | null, nowMs: number): AppError | undefined {
  if (delegationId === null || index.size === 0) return undefined;
  const code = index.check(delegationId, ip, nowMs);
  return code === null ? undefined : authzErrors[code](refusalDetail(code, REASONS[code]));
}
