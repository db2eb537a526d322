/**
 * The enforcement side of a partner's `session`, `limits` and `api` configuration sections
 * (partner-config.ts): each partner's document compiled once per change into what the
 * request path asks — a per-minute limit by route class, the daily and monthly quotas, the route
 * classes it may call, an IP allow-list matcher, its members' session policy. Compiled lazily and
 * kept per document object (the snapshot replaces the object on every change), so a request pays
 * one WeakMap lookup, and no database read.
 */
import { BlockList, isIP } from 'node:net';
import type { PartnerConfig } from './partner-config.ts';

export interface SessionPolicy {
  idleMs: number | null;
  absoluteMs: number | null;
  maxSessions: number | null;
}

export interface PartnerLimits {
  /** route class (or `partner` for the partner-wide limit) → requests per minute; null: the defaults */
  perMinute: Readonly<Record<string, number>> | null;
  dailyQuota: number | null;
  monthlyQuota: number | null;
  /** the upstream route classes the partner may call; null: every one */
  routeClasses: ReadonlySet<string> | null;
  /** addresses its tokens and sessions may come from; null: anywhere */
  ipAllow: BlockList | null;
  session: SessionPolicy | null;
}

const NONE: PartnerLimits = Object.freeze({ perMinute: null, dailyQuota: null, monthlyQuota: null, routeClasses: null, ipAllow: null, session: null });
const compiled = new WeakMap<PartnerConfig, PartnerLimits>();

/** The compiled limits of one configuration document (the snapshot's SnapPartner.config). */
export function partnerLimits(config: PartnerConfig): PartnerLimits {
  let c = compiled.get(config);
  if (c === undefined) {
    c = compile(config);
    compiled.set(config, c);
  }
  return c;
}

function compile(config: PartnerConfig): PartnerLimits {
  const { limits, api, session } = config;
  if (!limits && !api && !session) return NONE;
  const perMinute = limits?.per_minute && Object.keys(limits.per_minute).length > 0 ? { ...limits.per_minute } : null;
  let ipAllow: BlockList | null = null;
  if (api?.ip_allow && api.ip_allow.length > 0) {
    ipAllow = new BlockList();
    for (const cidr of api.ip_allow) {
      const p = parseCidr(cidr);
      if (p) ipAllow.addSubnet(p.address, p.prefix, p.family);
    }
  }
  return {
    perMinute,
    dailyQuota: limits?.daily_quota ?? null,
    monthlyQuota: limits?.monthly_quota ?? null,
    routeClasses: api?.route_classes ? new Set(api.route_classes) : null,
    ipAllow,
    session: session
      ? {
          idleMs: session.idle_minutes ? session.idle_minutes * 60_000 : null,
          absoluteMs: session.absolute_minutes ? session.absolute_minutes * 60_000 : null,
          maxSessions: session.max_sessions ?? null,
        }
      : null,
  };
}

/**
 * A CIDR (`203.0.113.0/24`, `2001:db8::/32`) or a single address (a /32 or /128), or null when
 * malformed: not an address, a prefix out of range, or host bits set past the prefix.
 */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v = isIP(address);
  if (v === 0) return null;
  const max = v === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
  }
  const family = v === 4 ? 'ipv4' : 'ipv6';
  // the network address itself: 10.0.0.1/8 is most likely a typing mistake, so refuse it
  if (prefix < max && !sameNetwork(address, prefix, family)) return null;
  return { address, prefix, family };
}

function sameNetwork(address: string, prefix: number, family: 'ipv4' | 'ipv6'): boolean {
  if (family === 'ipv4') {
    const n = address.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const hostBits = 32 - prefix;
    return n % 2 ** hostBits === 0;
  }
  // IPv6: expand and check the bits after the prefix are zero
  const groups = expandV6(address);
  if (!groups) return false;
  for (let bit = prefix; bit < 128; bit++) {
    if ((groups[Math.floor(bit / 16)] >> (15 - (bit % 16))) & 1) return false;
  }
  return true;
}

function expandV6(a: string): number[] | null {
  if (a.includes('.')) return null; // an embedded IPv4 tail: accepted only as a full /128 above
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const fill = a.includes('::') ? 8 - h.length - t.length : 0;
  const all = [...h, ...new Array<string>(fill).fill('0'), ...t];
  return all.length === 8 ? all.map((g) => Number.parseInt(g, 16)) : null;
}

/** The malformed entries of an allow-list (empty when all are good). */
export function malformedCidrs(list: readonly string[]): string[] {
  return list.filter((c) => parseCidr(c) === null);
}

/** Whether `ip` may call for a partner with this allow-list (none: anywhere). An IPv4-mapped IPv6 address counts as its IPv4. */
export function ipAllowed(allow: BlockList | null, ip: string | null): boolean {
  if (allow === null) return true;
  if (ip === null) return false;
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) return allow.check(ip.slice(7), 'ipv4');
  const v = isIP(ip);
  if (v === 0) return false;
  return allow.check(ip, v === 4 ? 'ipv4' : 'ipv6');
}

/** UTC day (YYYY-MM-DD) and the ends of its day and month, in epoch ms. */
export function quotaPeriods(nowMs: number): { day: string; month: string; dayEndMs: number; monthEndMs: number } {
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dayEndMs = Date.UTC(y, m, d.getUTCDate() + 1);
  const monthEndMs = Date.UTC(y, m + 1, 1);
  const iso = d.toISOString();
  return { day: iso.slice(0, 10), month: iso.slice(0, 7), dayEndMs, monthEndMs };
}
