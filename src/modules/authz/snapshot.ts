/**
 * The in-memory state the decision engine reads: users (status, platform role, memberships),
 * partners (status, capabilities, feature toggles), tenants (status), billing accounts,
 * delegations and roles. No I/O here: the loader (snapshot-loader.ts) fills it from the database
 * and keeps it current from the change feed.
 *
 * Shaped for 1M delegations, a few hundred nanoseconds per decision and under 250 bytes per
 * delegation all told (`npm run bench:authz` measures it):
 *  - partners, tenants, roles and users are objects that point at each other: a user holds its
 *    partner object, a partner its delegations by tenant. Partner, tenant and role objects keep
 *    their identity when they change (updated in place), so those references never go stale. An
 *    id that is referenced before it is known (or after it is gone) gets an inactive
 *    placeholder, which every check treats as "not active".
 *  - a delegation is not an object but a numbered slot in two columns: references (partner,
 *    tenant, policy, BAN list, approver) in one array, and one 48-byte row holding start and end
 *    (doubles), status, origin and "approver still stands" (one int32), the id packed into five
 *    int32s (found through an open-addressing table) and the approver list's links — ~96 bytes
 *    where an object, its id string and its map entries took ~300, and two cache misses a
 *    decision where three columns took three.
 *  - what many delegations have in common is shared by identity: a policy (role, grant and deny
 *    overrides, consented scopes, client) is compiled once per distinct combination in use, a
 *    one-account BAN list once per account, strings (client and approver ids, statuses) once.
 *  - the approver index (approver → the delegations it approved, re-evaluated when the approver's
 *    account or tenant role changes) is a linked list threaded through the rows, not a Set per
 *    approver.
 *  - decide() gets a delegation as a SnapDelegation read out of the columns: into one scratch
 *    view for the one-delegation case (`peek(slot)`, nothing allocated), or a view of its own
 *    (`at(slot)`), so the engine's code and its answers are what they were with objects.
 */
import { compileGrants, NO_GRANTS, type GrantSet } from './grant-set.ts';
import { JitIndex } from './jit-index.ts';
import type { PartnerConfig } from './partner-config.ts';
import { FeatureCatalogIndex, effectiveFeature } from './feature-catalog.ts';

// ---- enumerations (small integers on the hot path) ----------------------------------------------

export const D_REQUESTED = 0;
export const D_ACTIVE = 1;
export const D_EXPIRED = 2;
export const D_REVOKED = 3;
export const D_REJECTED = 4;
export const DELEGATION_STATUSES = ['requested', 'active', 'expired', 'revoked', 'rejected'] as const;
export type DelegationStatusName = (typeof DELEGATION_STATUSES)[number];

export const O_LINK = 0;
export const O_CONSENT = 1;
export const O_WHOLESALE = 2;
export const ORIGINS = ['link', 'consent', 'wholesale'] as const;
export type OriginName = (typeof ORIGINS)[number];

/** Capability bits; the bit an origin needs is CAP_FOR_ORIGIN[origin]. */
export const CAP_MANAGED_SERVICES = 1;
export const CAP_DELEGATED = 2;
export const CAP_WHOLESALE = 4;
export const CAP_REFERRAL = 8;
export const CAPABILITY_BITS: Record<string, number> = { managed_services: CAP_MANAGED_SERVICES, delegated: CAP_DELEGATED, wholesale: CAP_WHOLESALE, referral: CAP_REFERRAL };
export const CAP_FOR_ORIGIN = [CAP_MANAGED_SERVICES, CAP_DELEGATED, CAP_WHOLESALE] as const;
export const CAP_NAME_FOR_ORIGIN = ['managed_services', 'delegated', 'wholesale'] as const;

/** The tenant role an approver of a link or consent must keep for the delegation to stay effective. */
export const TENANT_ADMIN = 'TENANT_ADMIN';

// ---- entries ------------------------------------------------------------------------------------

export interface SnapRole {
  readonly id: string;
  /** replaced in place when the role changes */
  grants: GrantSet;
}

export interface SnapTenant {
  readonly id: string;
  active: boolean;
  status: string;
}

/** A partner's delegation(s) on one tenant: one slot, or an array when several. */
export type DelegationSlots = number | number[];

export interface SnapPartner {
  readonly id: string;
  active: boolean;
  status: string;
  caps: number;
  capabilities: readonly string[];
  /** feature toggles set to false: a permission equal to or under one of these is disabled */
  disabled: readonly string[];
  homeTenantId: string | null;
  /** the partner's configuration (partner-config.ts): only the sections set for it */
  config: PartnerConfig;
  /** tenant id → the partner's delegation slot(s) on that tenant (read them with AuthzSnapshot.at) */
  readonly byTenant: Map<string, DelegationSlots>;
}

export interface SnapUser {
  readonly id: string;
  readonly active: boolean;
  readonly status: string;
  readonly platformRole: string | null;
  /** tenant id → tenant role */
  readonly tenants: ReadonlyMap<string, string> | null;
  /** the user's partner organization (membership fields kept flat: one object less to fetch per decision) */
  readonly partner: SnapPartner | null;
  /** the partner's delegations by tenant (the same Map as partner.byTenant): read in parallel with the partner */
  readonly byTenant: ReadonlyMap<string, DelegationSlots> | null;
  readonly partnerRole: string | null;
  readonly partnerMemberActive: boolean;
  /**
   * The member role inside the partner (partner_msp_full, …): the user acts on a
   * customer with the delegation's permissions ∩ this role's grants. Null = no member role (full).
   */
  readonly memberRole: SnapRole | null;
}

/**
 * An approver of link and consent delegations: its user as the users map holds it (undefined while
 * unknown or removed), the first slot of the delegations it approved (linked through the ints
 * column, -1 = none), and whether it counted for the last tenant asked (#stands).
 */
interface Approver {
  readonly id: string;
  user: SnapUser | undefined;
  head: number;
  tenant: SnapTenant | null;
  stands: boolean;
}

export interface SnapBan {
  readonly id: string;
  readonly tenantId: string;
  readonly accountNumber: string;
  readonly status: string;
}

/**
 * A delegation as decide() and callers read it: a copy out of the snapshot's columns, made when
 * asked for (`at(slot)`, `delegations.get(id)`). It does not follow later changes: read it again.
 */
export interface SnapDelegation {
  readonly id: string;
  readonly partnerId: string;
  readonly tenantId: string;
  readonly tenant: SnapTenant;
  readonly origin: number;
  readonly role: SnapRole;
  /** consent: the permission grants the customer approved; null = no scope limit */
  readonly scopes: GrantSet | null;
  /** billing account ids covered; null = all of the tenant's */
  readonly banIds: readonly string[] | null;
  readonly grant: GrantSet;
  readonly deny: GrantSet;
  readonly status: number;
  readonly startsMs: number;
  readonly endsMs: number;
  readonly clientId: string | null;
  /** the tenant admin who approved a link or consented (decided_by); null = no tenant approver (wholesale, or created by the platform itself) */
  readonly approverId: string | null;
  /**
   * Is the approver still an active TENANT_ADMIN of the tenant? Kept current by the snapshot when
   * the approver's user entry or the delegation changes (an index approver → delegations), so
   * decide() pays one field read for it. Always true when there is no approver.
   */
  readonly approverActive: boolean;
  /**
   * For the engine's answers (decide.ts): the id when it is already a string; otherwise null, with its packed
   * words copied into ID_WORDS (read them before the next call).
   */
  idOrWords(): string | null;
}

/** What delegations share by identity: one object per distinct role, overrides, consented scopes and client. */
interface Policy {
  /** its key in the policies map, and how many delegations use it: dropped when the last one goes */
  readonly key: string;
  uses: number;
  readonly role: SnapRole;
  readonly grant: GrantSet;
  readonly deny: GrantSet;
  readonly scopes: GrantSet | null;
  readonly clientId: string | null;
}

/** Plain input shapes (what a loader or a test world hands to the snapshot). */
export interface DelegationInput {
  id: string;
  partnerId: string;
  tenantId: string;
  origin: OriginName;
  role: string;
  scopes?: readonly string[] | null;
  banIds?: readonly string[] | null;
  grant?: readonly string[];
  deny?: readonly string[];
  status: DelegationStatusName;
  startsAt: string | number;
  endsAt: string | number;
  clientId?: string | null;
  /** decided_by: the user who approved a link or consented; ignored for wholesale; null/absent = no tenant approver */
  approvedBy?: string | null;
}

export interface UserInput {
  id: string;
  status: string;
  platformRole?: string | null;
  tenants?: Iterable<[string, string]>;
  partner?: { partnerId: string; role: string; status: string; memberRole?: string | null } | null;
}

/** What the gateway enforces of a customer's current plan (modules/plans; subscription-suspensions.ts reads it). */
export interface CustomerPlan {
  readonly planName: string;
  /** the plan's `api_requests_per_day` limit: requests a day by everyone acting for the customer; null: none */
  readonly requestsPerDay: number | null;
}

export interface PartnerInput {
  id: string;
  status: string;
  capabilities: readonly string[];
  featureToggles?: Record<string, boolean>;
  homeTenantId?: string | null;
  config?: PartnerConfig;
}

const EMPTY: readonly string[] = Object.freeze([]);
const EMPTY_DELEGATIONS: readonly SnapDelegation[] = Object.freeze([]);
const EMPTY_CONFIG: PartnerConfig = Object.freeze({});

/** epoch ms of a time as the database or an input gives it (exported for its test) */
export function toMs(t: string | number): number {
  if (typeof t === 'number') return t;
  return t.length === 24 && t.charCodeAt(23) === 90 /* Z */ ? isoUtcMs(t) : Date.parse(t);
}

/** The two digits of s at i and i + 1 as a number, or NaN when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >>> 0 > 9 || b >>> 0 > 9 ? Number.NaN : a * 10 + b;
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12), as Date.UTC counts them (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes, and what the database hands back) read with
 * integer arithmetic — no Date.parse, no Date.UTC — two million of them at every 1M-delegation
 * build. Anything else, or any field out of range (Feb 30, hour 24, …), goes to Date.parse, so the
 * answer is always Date.parse's (a property test compares them).
 */
function isoUtcMs(t: string): number {
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46) return Date.parse(t);
  const y = two(t, 0) * 100 + two(t, 2);
  const mo = two(t, 5);
  const d = two(t, 8);
  const h = two(t, 11);
  const mi = two(t, 14);
  const sec = two(t, 17);
  const c = t.charCodeAt(22) - 48;
  const ms = two(t, 20) * 10 + (c >>> 0 > 9 ? Number.NaN : c);
  // NaN fails every comparison: a character that is not a digit takes the slow path too
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && sec <= 59 && ms >= 0)) return Date.parse(t);
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo] + (leap ? 1 : 0)) return Date.parse(t);
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}

// ---- delegation columns ---------------------------------------------------------------------------

/** Slots come in pages of 4,096, so a column never grows by copying a million entries (nor holds a half-empty doubling). */
const PAGE_BITS = 12;
const PAGE_SLOTS = 1 << PAGE_BITS;
const SLOT_MASK = PAGE_SLOTS - 1;
/** refs column, per slot: partner, tenant, policy, BAN list, approver id */
const R = 5;
const R_PARTNER = 0;
const R_TENANT = 1;
const R_POLICY = 2;
const R_BANS = 3;
const R_APPROVER = 4;
/**
 * The row column, per slot, 48 bytes read as doubles (times) or as int32 (ints) over one buffer:
 * starts and ends (epoch ms, doubles 0-1), the flags (int 4), the packed id (ints 5-9), and the
 * previous and next slot in the approver's list (ints 10-11, -1 = none). Everything a decision
 * reads of a slot besides its refs — its id included — is one row, not three columns' cache misses.
 */
const T = 6;
const I = 12;
const I_FLAGS = 4;
const I_ID = 5;
const I_PREV = 10;
const I_NEXT = 11;
/**
 * flags: status + 1 (bits 0-2), origin + 1 (bits 3-4), approver stands (bit 5), in use (bit 6).
 * Status and origin are stored plus one so an unknown name (indexOf → -1) reads back as -1, as it
 * did when it was a field: decide() treats it as it always has.
 */
const F_STATUS = 7;
const F_ORIGIN_SHIFT = 3;
const F_APPROVER = 32;
const F_USED = 64;
/** the id is not `dlg_` + 26 base32 characters: kept as a string (oddIds), not packed */
const F_ODD = 128;

/**
 * Delegation ids, packed: `dlg_` then 26 characters of the ids' base32 alphabet (platform/ids.ts),
 * five bits each, six to an Int32 — 20 bytes instead of a 48-byte string and its map entry. Any
 * other id (tests name theirs `dlg_acme`) is kept as a string; both kinds are found by one table.
 */
const ID_PREFIX = 'dlg_';
const ID_LENGTH = ID_PREFIX.length + 26;
const W = 5;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CHAR_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) CHAR_VALUE[ALPHABET.charCodeAt(i)] = i;
const PACKED = new Int32Array(W);

/** Pack a canonical id into out[0..4]; false when the id is not canonical. */
function packId(id: string, out: Int32Array): boolean {
  if (id.length !== ID_LENGTH || !id.startsWith(ID_PREFIX)) return false;
  for (let k = 0, i = ID_PREFIX.length; k < W; k++) {
    let w = 0;
    for (let j = 0; j < 6 && i < ID_LENGTH; j++, i++) {
      const c = id.charCodeAt(i);
      const v = c < 128 ? CHAR_VALUE[c] : -1;
      if (v < 0) return false;
      w = (w << 5) | v;
    }
    out[k] = w;
  }
  return true;
}

function unpackId(words: Int32Array, o: number): string {
  return idFromWords(words[o], words[o + 1], words[o + 2], words[o + 3], words[o + 4]);
}

/**
 * A delegation id from its five packed words (decide.ts's answers keep the words and call this when
 * their id is read). One fromCharCode with its 30 arguments written out: about half the time of
 * filling an array and applying it.
 */
export function idFromWords(a: number, b: number, c: number, d: number, e: number): string {
  const A = ALPHABET;
  return String.fromCharCode(
    100, 108, 103, 95, // dlg_
    A.charCodeAt((a >>> 25) & 31), A.charCodeAt((a >>> 20) & 31), A.charCodeAt((a >>> 15) & 31), A.charCodeAt((a >>> 10) & 31), A.charCodeAt((a >>> 5) & 31), A.charCodeAt(a & 31),
    A.charCodeAt((b >>> 25) & 31), A.charCodeAt((b >>> 20) & 31), A.charCodeAt((b >>> 15) & 31), A.charCodeAt((b >>> 10) & 31), A.charCodeAt((b >>> 5) & 31), A.charCodeAt(b & 31),
    A.charCodeAt((c >>> 25) & 31), A.charCodeAt((c >>> 20) & 31), A.charCodeAt((c >>> 15) & 31), A.charCodeAt((c >>> 10) & 31), A.charCodeAt((c >>> 5) & 31), A.charCodeAt(c & 31),
    A.charCodeAt((d >>> 25) & 31), A.charCodeAt((d >>> 20) & 31), A.charCodeAt((d >>> 15) & 31), A.charCodeAt((d >>> 10) & 31), A.charCodeAt((d >>> 5) & 31), A.charCodeAt(d & 31),
    A.charCodeAt((e >>> 5) & 31), A.charCodeAt(e & 31),
  );
}

function hashWords(words: Int32Array, o: number): number {
  let h = 0x9e3779b9 | 0;
  for (let k = 0; k < W; k++) {
    h = Math.imul(h ^ words[o + k], 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h;
}

/** FNV-1a, for the ids that are not packed */
function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** A tenant → role map of one or two entries as a flat array (a Map costs ~180 bytes; most users belong to one tenant). */
class SmallMap implements ReadonlyMap<string, string> {
  readonly #kv: readonly string[];
  constructor(kv: readonly string[]) {
    this.#kv = kv;
  }
  get size(): number {
    return this.#kv.length >> 1;
  }
  get(key: string): string | undefined {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === key) return kv[i + 1];
    return undefined;
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  *entries(): MapIterator<[string, string]> {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) yield [kv[i], kv[i + 1]];
  }
  *keys(): MapIterator<string> {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) yield kv[i];
  }
  *values(): MapIterator<string> {
    const kv = this.#kv;
    for (let i = 1; i < kv.length; i += 2) yield kv[i];
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) fn.call(thisArg, kv[i + 1], kv[i], this);
  }
}

/** The read side of the delegations by id, as the Map it replaced answered it. */
export interface DelegationsById {
  readonly size: number;
  get(id: string): SnapDelegation | undefined;
  has(id: string): boolean;
  keys(): IterableIterator<string>;
}

/** What an empty view holds before its first fill (never read by decide()). */
const UNKNOWN_TENANT: SnapTenant = { id: '', active: false, status: 'unknown' };
const UNKNOWN_ROLE: SnapRole = { id: '', grants: NO_GRANTS };
const NO_WORDS = new Int32Array(0);

/**
 * A delegation read out of the snapshot's columns. Its id (unpacked from five words) and its
 * partner's id (one more object to fetch from memory) are read only when asked for: a decision
 * that refuses before naming the delegation, or a caller that already holds the id, pays for
 * neither. Fields are in the order decide() reads them (one hidden class for every delegation).
 */
class DelegationView implements SnapDelegation {
  status = 0;
  startsMs = 0;
  endsMs = 0;
  approverActive = false;
  origin = 0;
  tenant: SnapTenant = UNKNOWN_TENANT;
  role: SnapRole = UNKNOWN_ROLE;
  deny: GrantSet = NO_GRANTS;
  grant: GrantSet = NO_GRANTS;
  banIds: readonly string[] | null = null;
  scopes: GrantSet | null = null;
  clientId: string | null = null;
  #approver: Approver | null = null;
  #id: string | null = null;
  #partner: SnapPartner | null = null;
  #words: Int32Array = NO_WORDS;
  #o = 0;

  /** Read a slot into this view (the fields decide() reads first, first). */
  fill(
    flags: number,
    startsMs: number,
    endsMs: number,
    tenant: SnapTenant,
    policy: Policy,
    banIds: readonly string[] | null,
    approver: Approver | null,
    partner: SnapPartner,
    id: string | null,
    words: Int32Array,
    o: number,
  ): this {
    this.status = (flags & F_STATUS) - 1;
    this.startsMs = startsMs;
    this.endsMs = endsMs;
    this.approverActive = (flags & F_APPROVER) !== 0;
    this.origin = ((flags >>> F_ORIGIN_SHIFT) & 3) - 1;
    this.tenant = tenant;
    this.role = policy.role;
    this.deny = policy.deny;
    this.grant = policy.grant;
    this.banIds = banIds;
    this.scopes = policy.scopes;
    this.clientId = policy.clientId;
    this.#approver = approver;
    this.#id = id;
    this.#partner = partner;
    this.#words = words;
    this.#o = o;
    return this;
  }

  get id(): string {
    return (this.#id ??= unpackId(this.#words, this.#o));
  }

  idOrWords(): string | null {
    if (this.#id !== null) return this.#id;
    const w = this.#words;
    const o = this.#o;
    ID_WORDS[0] = w[o];
    ID_WORDS[1] = w[o + 1];
    ID_WORDS[2] = w[o + 2];
    ID_WORDS[3] = w[o + 3];
    ID_WORDS[4] = w[o + 4];
    return null;
  }

  get approverId(): string | null {
    return this.#approver === null ? null : this.#approver.id;
  }

  get tenantId(): string {
    return this.tenant.id;
  }

  get partnerId(): string {
    return this.#partner!.id;
  }
}

/** Where a view's idOrWords() leaves the packed words of its id (read them before the next call). */
export const ID_WORDS = new Int32Array(W);

/**
 * MFA policies, kept whole in memory so decide() reads no database: the operator's
 * platform-wide and per-partner requirement, and each tenant's "partner people acting on us must
 * have used MFA". Two set lookups per partner-person decision, none when no policy is set.
 */
export class MfaPolicies {
  platform = false;
  readonly partners = new Set<string>();
  readonly tenants = new Set<string>();
  /** any policy at all: the common no-policy case is one field read */
  #any = false;

  requiredFor(partnerId: string, tenantId: string): boolean {
    if (!this.#any) return false;
    return this.platform || this.partners.has(partnerId) || this.tenants.has(tenantId);
  }

  /** the platform's or this partner's own requirement, which holds before any tenant is named */
  requiredForPartner(partnerId: string): boolean {
    return this.#any && (this.platform || this.partners.has(partnerId));
  }

  set(scopeType: 'platform' | 'partner' | 'tenant', scopeId: string, required: boolean): void {
    if (scopeType === 'platform') this.platform = required;
    else {
      const s = scopeType === 'partner' ? this.partners : this.tenants;
      if (required) s.add(scopeId);
      else s.delete(scopeId);
    }
    this.#any = this.platform || this.partners.size > 0 || this.tenants.size > 0;
  }
}

export class AuthzSnapshot {
  /** MFA requirements for partner people */
  readonly mfa = new MfaPolicies();
  /** eligible (just-in-time) links and their open activations (jit-index.ts) */
  readonly jit = new JitIndex();
  /** the platform's feature catalog (feature-catalog.ts) */
  readonly features = new FeatureCatalogIndex();
  readonly users = new Map<string, SnapUser>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly partners = new Map<string, SnapPartner>();
  /** includes inactive placeholders for ids referenced but unknown */
  readonly tenants = new Map<string, SnapTenant>();
  readonly bans = new Map<string, SnapBan>();
  readonly bansByNumber = new Map<string, SnapBan>();
  /** customers whose subscription is suspended (modules/plans): the gateway refuses them (subscription-suspensions.ts fills it) */
  readonly suspendedTenants = new Set<string>();
  /** customers' current plans, for the limits the gateway enforces (subscription-suspensions.ts fills it) */
  readonly customerPlans = new Map<string, CustomerPlan>();
  /** includes empty placeholders for roles referenced but unknown */
  readonly roles = new Map<string, SnapRole>();
  /** compiled grant lists shared by every delegation with the same list */
  readonly #grantSets = new Map<string, GrantSet>();
  /** policies shared by every delegation with the same role, overrides, scopes and client */
  readonly #policies = new Map<string, Policy>();
  /** one-account BAN lists, shared by every delegation covering that account */
  readonly #banLists = new Map<string, readonly string[]>();
  readonly #strings = new Map<string, string>();
  /**
   * delegation id → slot: open addressing with linear probing over the packed ids (slot + 1;
   * 0 = empty), at most half full — 8 bytes a delegation where a Map took ~30.
   */
  #table = new Int32Array(1024);
  #count = 0;
  /** slot → id, for the ids that are not packed */
  readonly #oddIds = new Map<number, string>();
  readonly #refs: unknown[][] = [];
  readonly #times: Float64Array[] = [];
  readonly #ints: Int32Array[] = [];
  /** slots given back by removed delegations, reused first */
  readonly #free: number[] = [];
  #nextSlot = 0;
  /** approver user id → its record: the first slot of the delegations it approved (link and consent only, linked through the ints column) and its user */
  readonly #approvers = new Map<string, Approver>();
  /** bumped on every change (tests and diagnostics) */
  version = 0;

  /** The delegations by id (each `get` reads a fresh SnapDelegation out of the columns). */
  readonly delegations: DelegationsById = this.#delegationsById();

  #delegationsById(): DelegationsById {
    const count = () => this.#count;
    return {
      get: (id) => {
        const slot = this.#find(id);
        // the id asked for is the id found: no need to unpack it again
        return slot === -1 ? undefined : this.#read(slot, id);
      },
      has: (id) => this.#find(id) !== -1,
      keys: () => this.#idsInUse(),
      get size() {
        return count();
      },
    };
  }

  *#idsInUse(): IterableIterator<string> {
    for (let slot = 0; slot < this.#nextSlot; slot++) if ((this.#ints[slot >>> PAGE_BITS][(slot & SLOT_MASK) * I + I_FLAGS] & F_USED) !== 0) yield this.#idOf(slot);
  }

  #idOf(slot: number): string {
    const page = slot >>> PAGE_BITS;
    if ((this.#ints[page][(slot & SLOT_MASK) * I + I_FLAGS] & F_ODD) !== 0) return this.#oddIds.get(slot)!;
    return unpackId(this.#ints[page], (slot & SLOT_MASK) * I + I_ID);
  }

  #hashOf(slot: number): number {
    const page = slot >>> PAGE_BITS;
    if ((this.#ints[page][(slot & SLOT_MASK) * I + I_FLAGS] & F_ODD) !== 0) return hashString(this.#oddIds.get(slot)!);
    return hashWords(this.#ints[page], (slot & SLOT_MASK) * I + I_ID);
  }

  /** The slot of a delegation id, or -1. */
  #find(id: string): number {
    return this.#findPacked(id, packId(id, PACKED));
  }

  /** #find, the id already packed into PACKED (when `packed`). */
  #findPacked(id: string, packed: boolean): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let i = (packed ? hashWords(PACKED, 0) : hashString(id)) & mask; ; i = (i + 1) & mask) {
      const e = table[i];
      if (e === 0) return -1;
      const slot = e - 1;
      const page = slot >>> PAGE_BITS;
      const odd = (this.#ints[page][(slot & SLOT_MASK) * I + I_FLAGS] & F_ODD) !== 0;
      if (packed) {
        if (odd) continue;
        const words = this.#ints[page];
        const o = (slot & SLOT_MASK) * I + I_ID;
        if (words[o] === PACKED[0] && words[o + 1] === PACKED[1] && words[o + 2] === PACKED[2] && words[o + 3] === PACKED[3] && words[o + 4] === PACKED[4]) return slot;
      } else if (odd && this.#oddIds.get(slot) === id) return slot;
    }
  }

  /** Enter a slot (its id and flags already written) into the table, growing it to stay at most half full. */
  #enter(slot: number): void {
    if ((this.#count + 1) * 2 > this.#table.length) {
      // Every slot in use, this one included, placed again in slot order: the rows are read one
      // after another (the old table's order would read them at random, a cache miss each).
      this.#table = new Int32Array(this.#table.length * 2);
      for (let s = 0; s < this.#nextSlot; s++) if ((this.#ints[s >>> PAGE_BITS][(s & SLOT_MASK) * I + I_FLAGS] & F_USED) !== 0) this.#place(s);
    } else this.#place(slot);
    this.#count++;
  }

  #place(slot: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = this.#hashOf(slot) & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slot + 1;
  }

  /** Take a slot out of the table (backward-shift deletion: no tombstones, probes stay short). */
  #leave(slot: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = this.#hashOf(slot) & mask;
    while (table[i] !== slot + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashOf(table[j] - 1) & mask;
      // the entry at j may move back to i unless its home lies in (i, j] (cyclically)
      const stays = i <= j ? i < home && home <= j : home > i || home <= j;
      if (!stays) {
        table[i] = table[j];
        i = j;
      }
    }
    table[i] = 0;
    this.#count--;
  }

  // ---- roles --------------------------------------------------------------------------------

  putRole(id: string, grants: readonly string[]): void {
    const r = this.roles.get(id);
    if (r) r.grants = compileGrants(grants);
    else this.roles.set(id, { id, grants: compileGrants(grants) });
    this.version++;
  }

  /** A role row that is gone: its object stays (delegations point at it) and grants nothing. */
  removeRole(id: string): void {
    const r = this.roles.get(id);
    if (r) r.grants = NO_GRANTS;
    this.version++;
  }

  role(id: string): SnapRole {
    let r = this.roles.get(id);
    if (!r) this.roles.set(id, (r = { id, grants: NO_GRANTS }));
    return r;
  }

  // ---- users --------------------------------------------------------------------------------

  putUser(u: UserInput): void {
    let tenants: ReadonlyMap<string, string> | null = null;
    if (u.tenants) {
      // later entries win, as `new Map(entries)` did
      const kv: string[] = [];
      for (const [t, role] of u.tenants) {
        const tenantId = this.tenants.get(t)?.id ?? t;
        let i = 0;
        while (i < kv.length && kv[i] !== tenantId) i += 2;
        kv[i] = tenantId;
        kv[i + 1] = this.#intern(role);
      }
      if (kv.length > 0 && kv.length <= 8) tenants = new SmallMap(kv);
      else if (kv.length > 0) {
        const m = new Map<string, string>();
        for (let i = 0; i < kv.length; i += 2) m.set(kv[i], kv[i + 1]);
        tenants = m;
      }
    }
    const partner = u.partner ? this.partner(u.partner.partnerId) : null;
    const user: SnapUser = {
      id: u.id,
      active: u.status === 'active',
      status: this.#intern(u.status),
      platformRole: u.platformRole ? this.#intern(u.platformRole) : (u.platformRole ?? null),
      tenants,
      partner,
      byTenant: partner ? partner.byTenant : null,
      partnerRole: u.partner ? this.#intern(u.partner.role) : null,
      partnerMemberActive: u.partner ? u.partner.status === 'active' : false,
      memberRole: u.partner?.memberRole ? this.role(u.partner.memberRole) : null,
    };
    this.users.set(u.id, user);
    this.#refreshApprover(u.id, user);
    this.version++;
  }

  removeUser(id: string): void {
    this.users.delete(id);
    this.#refreshApprover(id, undefined);
    this.version++;
  }

  /**
   * Does the approver still count for a delegation of `tenant`: its account active and
   * TENANT_ADMIN of that tenant. Remembered for the last tenant asked (an admin approves for its
   * own tenant), until its user changes.
   */
  #stands(a: Approver, tenant: SnapTenant): boolean {
    if (a.tenant === tenant) return a.stands;
    const u = a.user;
    a.tenant = tenant;
    return (a.stands = u !== undefined && u.active && u.tenants?.get(tenant.id) === TENANT_ADMIN);
  }

  /** A user changed (or went): re-evaluate every delegation it approved (off the decision path). */
  #refreshApprover(userId: string, user: SnapUser | undefined): void {
    const a = this.#approvers.get(userId);
    if (a === undefined) return;
    a.user = user;
    a.tenant = null;
    for (let slot = a.head; slot !== -1; ) {
      const ints = this.#ints[slot >>> PAGE_BITS];
      const o = (slot & SLOT_MASK) * I;
      const tenant = this.#refs[slot >>> PAGE_BITS][(slot & SLOT_MASK) * R + R_TENANT] as SnapTenant;
      if (this.#stands(a, tenant)) ints[o + I_FLAGS] |= F_APPROVER;
      else ints[o + I_FLAGS] &= ~F_APPROVER;
      slot = ints[o + I_NEXT];
    }
  }

  /** The record of a delegation's approver (made on its first delegation; the id as the users map holds it). */
  #approver(userId: string): Approver {
    let a = this.#approvers.get(userId);
    if (a === undefined) {
      const user = this.users.get(userId);
      const id = user?.id ?? this.#intern(userId);
      this.#approvers.set(id, (a = { id, user, head: -1, tenant: null, stands: false }));
    }
    return a;
  }

  // ---- partners and tenants -----------------------------------------------------------------

  /** The partner object for an id (an inactive placeholder when unknown). */
  partner(id: string): SnapPartner {
    let p = this.partners.get(id);
    if (!p) {
      p = { id, active: false, status: 'unknown', caps: 0, capabilities: EMPTY, disabled: EMPTY, homeTenantId: null, config: EMPTY_CONFIG, byTenant: new Map() };
      this.partners.set(id, p);
    }
    return p;
  }

  putPartner(input: PartnerInput): void {
    let caps = 0;
    for (const c of input.capabilities) caps |= CAPABILITY_BITS[c] ?? 0;
    const disabled = Object.entries(input.featureToggles ?? {})
      .filter(([, on]) => on === false)
      .map(([k]) => k);
    const p = this.partner(input.id);
    p.active = input.status === 'active';
    p.status = this.#intern(input.status);
    p.caps = caps;
    p.capabilities = input.capabilities.map((c) => this.#intern(c));
    p.disabled = disabled.length > 0 ? disabled : EMPTY;
    p.homeTenantId = input.homeTenantId ? (this.tenants.get(input.homeTenantId)?.id ?? input.homeTenantId) : null;
    p.config = input.config && Object.keys(input.config).length > 0 ? input.config : EMPTY_CONFIG;
    this.version++;
  }

  /** A partner row that is gone: its object stays (delegations and users point at it), inactive. */
  removePartner(id: string): void {
    const p = this.partners.get(id);
    if (p) {
      p.active = false;
      p.status = 'unknown';
      p.caps = 0;
    }
    this.version++;
  }

  /** The tenant object for an id (an inactive placeholder when unknown). */
  tenant(id: string): SnapTenant {
    let t = this.tenants.get(id);
    if (!t) this.tenants.set(id, (t = { id, active: false, status: 'unknown' }));
    return t;
  }

  /**
   * Is the feature on for the partner: the catalog default overlaid by the partner's
   * configuration `features` section; unknown or retired features are off. Gated code asks this.
   */
  featureEnabled(partnerId: string, key: string): boolean {
    return effectiveFeature(this.features.get(key), this.partners.get(partnerId)?.config);
  }

  setSubscriptionSuspended(tenantId: string, suspended: boolean): void {
    if (suspended) this.suspendedTenants.add(tenantId);
    else this.suspendedTenants.delete(tenantId);
    this.version++;
  }

  setCustomerPlan(tenantId: string, plan: CustomerPlan | null): void {
    if (plan) this.customerPlans.set(tenantId, plan);
    else this.customerPlans.delete(tenantId);
    this.version++;
  }

  putTenant(input: { id: string; status: string }): void {
    const t = this.tenant(input.id);
    t.active = input.status === 'active';
    t.status = this.#intern(input.status);
    this.version++;
  }

  removeTenant(id: string): void {
    const t = this.tenants.get(id);
    if (t) {
      t.active = false;
      t.status = 'unknown';
    }
    this.version++;
  }

  putBan(b: { id: string; tenantId: string; accountNumber: string; status: string }): void {
    const old = this.bans.get(b.id);
    if (old && old.accountNumber !== b.accountNumber) this.bansByNumber.delete(old.accountNumber);
    const entry: SnapBan = { id: old?.id ?? b.id, tenantId: this.tenant(b.tenantId).id, accountNumber: b.accountNumber, status: this.#intern(b.status) };
    this.bans.set(entry.id, entry);
    this.bansByNumber.set(b.accountNumber, entry);
    this.version++;
  }

  removeBan(id: string): void {
    const old = this.bans.get(id);
    if (old) this.bansByNumber.delete(old.accountNumber);
    this.bans.delete(id);
    this.version++;
  }

  /** A billing account by id or by account number. */
  ban(ref: string): SnapBan | undefined {
    return this.bans.get(ref) ?? this.bansByNumber.get(ref);
  }

  // ---- delegations --------------------------------------------------------------------------

  putDelegation(d: DelegationInput): void {
    // packed once: the lookup of a previous version and the slot's id columns share it
    const packed = packId(d.id, PACKED);
    const w0 = PACKED[0], w1 = PACKED[1], w2 = PACKED[2], w3 = PACKED[3], w4 = PACKED[4];
    const previous = this.#findPacked(d.id, packed);
    if (previous !== -1) this.#drop(previous);
    const partner = this.partner(d.partnerId);
    const tenant = this.tenant(d.tenantId);
    const origin = ORIGINS.indexOf(d.origin);
    // one lookup for the approver's id, its user and its list of delegations
    const approver = origin !== O_WHOLESALE && d.approvedBy ? this.#approver(d.approvedBy) : null;
    const slot = this.#allocate();
    const page = slot >>> PAGE_BITS;
    const at = slot & SLOT_MASK;
    const refs = this.#refs[page];
    const r = at * R;
    refs[r + R_PARTNER] = partner;
    refs[r + R_TENANT] = tenant;
    refs[r + R_POLICY] = this.#policy(d);
    refs[r + R_BANS] = d.banIds ? this.#banList(d.banIds) : null;
    refs[r + R_APPROVER] = approver;
    const times = this.#times[page];
    times[at * T] = toMs(d.startsAt);
    times[at * T + 1] = toMs(d.endsAt);
    const ints = this.#ints[page];
    const o = at * I;
    const approverStands = approver === null || this.#stands(approver, tenant);
    if (packed) {
      ints[o + I_ID] = w0;
      ints[o + I_ID + 1] = w1;
      ints[o + I_ID + 2] = w2;
      ints[o + I_ID + 3] = w3;
      ints[o + I_ID + 4] = w4;
    } else this.#oddIds.set(slot, d.id);
    ints[o + I_FLAGS] = ((DELEGATION_STATUSES.indexOf(d.status) + 1) & F_STATUS) | ((origin + 1) << F_ORIGIN_SHIFT) | (approverStands ? F_APPROVER : 0) | F_USED | (packed ? 0 : F_ODD);
    ints[o + I_PREV] = -1;
    ints[o + I_NEXT] = -1;
    this.#enter(slot);
    if (approver !== null) {
      const head = approver.head;
      if (head !== -1) {
        ints[o + I_NEXT] = head;
        this.#ints[head >>> PAGE_BITS][(head & SLOT_MASK) * I + I_PREV] = slot;
      }
      approver.head = slot;
    }
    const prev = partner.byTenant.get(tenant.id);
    if (prev === undefined) partner.byTenant.set(tenant.id, slot);
    else if (typeof prev === 'number') partner.byTenant.set(tenant.id, [prev, slot]);
    else prev.push(slot);
    this.version++;
  }

  removeDelegation(id: string): void {
    this.#unindex(id);
    this.version++;
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#nextSlot++;
    if ((slot & SLOT_MASK) === 0) {
      this.#refs.push(new Array<unknown>(PAGE_SLOTS * R).fill(null));
      const rows = new ArrayBuffer(PAGE_SLOTS * I * 4);
      this.#times.push(new Float64Array(rows));
      this.#ints.push(new Int32Array(rows));
    }
    return slot;
  }

  #unindex(id: string): void {
    const slot = this.#find(id);
    if (slot !== -1) this.#drop(slot);
  }

  /** Take a delegation's slot out of every index and give it back. */
  #drop(slot: number): void {
    this.#leave(slot);
    this.#oddIds.delete(slot);
    const page = slot >>> PAGE_BITS;
    const refs = this.#refs[page];
    const r = (slot & SLOT_MASK) * R;
    const partner = refs[r + R_PARTNER] as SnapPartner;
    const tenantId = (refs[r + R_TENANT] as SnapTenant).id;
    const approver = refs[r + R_APPROVER] as Approver | null;
    const policy = refs[r + R_POLICY] as Policy;
    if (--policy.uses === 0) this.#policies.delete(policy.key);
    const ints = this.#ints[page];
    const o = (slot & SLOT_MASK) * I;
    if (approver !== null) {
      const prev = ints[o + I_PREV];
      const next = ints[o + I_NEXT];
      if (prev === -1) {
        approver.head = next;
        if (next === -1) this.#approvers.delete(approver.id);
      } else this.#ints[prev >>> PAGE_BITS][(prev & SLOT_MASK) * I + I_NEXT] = next;
      if (next !== -1) this.#ints[next >>> PAGE_BITS][(next & SLOT_MASK) * I + I_PREV] = prev;
    }
    ints[o + I_FLAGS] = 0;
    ints[o + I_PREV] = -1;
    ints[o + I_NEXT] = -1;
    // let go of what the slot pointed at
    for (let k = 0; k < R; k++) refs[r + k] = null;
    this.#free.push(slot);

    const byTenant = partner.byTenant;
    const prev = byTenant.get(tenantId);
    if (prev === undefined) return;
    if (typeof prev === 'number') {
      if (prev === slot) byTenant.delete(tenantId);
      return;
    }
    const rest = prev.filter((x) => x !== slot);
    if (rest.length === 0) byTenant.delete(tenantId);
    else byTenant.set(tenantId, rest.length === 1 ? rest[0] : rest);
  }

  /** The delegation in a slot (from a partner's byTenant), read out of the columns. */
  at(slot: number): SnapDelegation {
    return this.#read(slot, null);
  }

  /**
   * The delegation in a slot, read into a view that only decide() uses and that the next peek()
   * overwrites: the single-delegation path (almost every decision) allocates nothing. Never keep it.
   */
  peek(slot: number): SnapDelegation {
    return this.#read(slot, null, this.#scratch);
  }

  readonly #scratch = new DelegationView();

  #read(slot: number, knownId: string | null, into: DelegationView = new DelegationView()): SnapDelegation {
    const page = slot >>> PAGE_BITS;
    const at = slot & SLOT_MASK;
    const refs = this.#refs[page];
    const r = at * R;
    const times = this.#times[page];
    const ints = this.#ints[page];
    const flags = ints[at * I + I_FLAGS];
    return into.fill(
      flags,
      times[at * T],
      times[at * T + 1],
      refs[r + R_TENANT] as SnapTenant,
      refs[r + R_POLICY] as Policy,
      refs[r + R_BANS] as readonly string[] | null,
      refs[r + R_APPROVER] as Approver | null,
      refs[r + R_PARTNER] as SnapPartner,
      knownId ?? ((flags & F_ODD) !== 0 ? this.#oddIds.get(slot)! : null),
      ints,
      at * I + I_ID,
    );
  }



  /** Tenants the partner holds any delegation for (any status; decide() says which are effective). */
  partnerTenantIds(partnerId: string): Iterable<string> {
    return this.partners.get(partnerId)?.byTenant.keys() ?? EMPTY;
  }

  /** @deprecated use partnerTenantIds(partnerId) — kept so `byPair.get(partnerId)?.keys()` keeps working. */
  readonly byPair = { get: (partnerId: string): ReadonlyMap<string, unknown> | undefined => this.partners.get(partnerId)?.byTenant };

  /** The delegations between a partner and a tenant (empty when none). Allocates; decide() reads byTenant directly. */
  pair(partnerId: string, tenantId: string): readonly SnapDelegation[] {
    const v = this.partners.get(partnerId)?.byTenant.get(tenantId);
    return v === undefined ? EMPTY_DELEGATIONS : typeof v === 'number' ? [this.at(v)] : v.map((slot) => this.at(slot));
  }

  /** The shared policy for a delegation's role, overrides, consented scopes and client. */
  #policy(d: DelegationInput): Policy {
    const clientId = d.clientId ? d.clientId : null;
    const grant = d.grant && d.grant.length > 0 ? d.grant : EMPTY;
    const deny = d.deny && d.deny.length > 0 ? d.deny : EMPTY;
    const scopes = d.scopes ?? null;
    // \u0000 between parts, \u0001 between list items: neither occurs in a permission or id (inputs refuse U+0000, ids are [a-z0-9_])
    const key = `${d.role}\u0000${clientId ?? ''}\u0000${scopes === null ? '\u0002' : scopes.join('\u0001')}\u0000${grant.join('\u0001')}\u0000${deny.join('\u0001')}`;
    let p = this.#policies.get(key);
    if (p === undefined) {
      p = {
        key,
        uses: 0,
        role: this.role(d.role),
        grant: grant.length > 0 ? this.#grants(grant) : NO_GRANTS,
        deny: deny.length > 0 ? this.#grants(deny) : NO_GRANTS,
        scopes: scopes === null ? null : this.#grants(scopes),
        clientId: clientId === null ? null : this.#intern(clientId),
      };
      this.#policies.set(key, p);
    }
    p.uses++;
    return p;
  }

  /**
   * A delegation's BAN list (ids as the snapshot holds them). A one-account list — the common
   * case — is shared by every delegation covering that account (so the lists kept are bounded by
   * the accounts); a longer list is the delegation's own and goes with it.
   */
  #banList(ids: readonly string[]): readonly string[] {
    if (ids.length === 0) return EMPTY;
    if (ids.length === 1) {
      const id = this.bans.get(ids[0])?.id ?? ids[0];
      let list = this.#banLists.get(id);
      if (list === undefined) this.#banLists.set(id, (list = Object.freeze([id])));
      return list;
    }
    const own = ids.map((b) => this.bans.get(b)?.id ?? b);
    if (own.length > 1) return Object.freeze(own);
    let list = this.#banLists.get(own[0]);
    if (list === undefined) this.#banLists.set(own[0], (list = Object.freeze(own)));
    return list;
  }

  #grants(list: readonly string[]): GrantSet {
    const key = list.join('\n');
    let g = this.#grantSets.get(key);
    if (!g) this.#grantSets.set(key, (g = compileGrants(list)));
    return g;
  }

  #intern(s: string): string {
    const v = this.#strings.get(s);
    if (v !== undefined) return v;
    this.#strings.set(s, s);
    return s;
  }
}
