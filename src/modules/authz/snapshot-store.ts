/**
 * How the snapshot stores a delegation (the layout snapshot.ts's AuthzSnapshot writes and reads):
 * numbered slots in pages, a refs column and one 48-byte row per slot, the id packed into five
 * int32s and hashed for the open-addressing table, and the view a slot is read into for decide().
 * Also the flat tenant → role map most users get. No state here: the columns live in the snapshot.
 */
import { NO_GRANTS, type GrantSet } from './grant-set.ts';
import { toMs, type Approver, type DelegationInput, type DelegationSlots, type Policy, type SnapDelegation, type SnapPartner, type SnapRole, type SnapTenant } from './snapshot-model.ts';

// ---- delegation columns ---------------------------------------------------------------------------

/** Rows a putDelegations group looks up before it puts them: their entries (a few cache lines each) stay in cache between the passes. */
export const GROUP = 32;

/** A putDelegations group (AuthzSnapshot): its inputs, and what the first pass found for them. */
export class RowGroup {
  readonly inputs: (DelegationInput | null)[] = new Array<DelegationInput | null>(GROUP).fill(null);
  readonly tenants: (SnapTenant | null)[] = new Array<SnapTenant | null>(GROUP).fill(null);
  /** each input's home in the id table */
  readonly homes = new Int32Array(GROUP);
  /** each input's start and end (epoch ms), two an input */
  readonly times = new Float64Array(2 * GROUP);
  /** what the first pass read, kept so the compiler cannot drop the reads */
  readonly warmth = new Int32Array(1);

  /**
   * Take up to GROUP rows from `from` as the group's inputs; returns how many. With `toInput` the
   * inputs are made here, a group at a time: a whole chunk's inputs made before the build read
   * them (20,000–50,000 objects and their lists) outlived a scavenge or two, copied and promoted
   * for nothing; a group's die in the young generation.
   */
  take(rows: readonly unknown[], from: number, toInput: ((row: unknown) => DelegationInput) | undefined): number {
    const n = Math.min(rows.length - from, GROUP);
    const inputs = this.inputs;
    if (toInput === undefined) for (let k = 0; k < n; k++) inputs[k] = rows[from + k] as DelegationInput;
    else for (let k = 0; k < n; k++) inputs[k] = toInput(rows[from + k]);
    return n;
  }

  /** The times of inputs 0..n-1. */
  readTimes(n: number): void {
    const { inputs, times } = this;
    for (let k = 0; k < n; k++) {
      const d = inputs[k]!;
      times[2 * k] = toMs(d.startsAt);
      times[2 * k + 1] = toMs(d.endsAt);
    }
  }

  /** Let go of the last group's inputs and tenants. */
  clear(): void {
    this.inputs.fill(null);
    this.tenants.fill(null);
  }
}

/** Slots come in pages of 4,096, so a column never grows by copying a million entries (nor holds a half-empty doubling). */
export const PAGE_BITS = 12;
export const PAGE_SLOTS = 1 << PAGE_BITS;
export const SLOT_MASK = PAGE_SLOTS - 1;
/** refs column, per slot: partner, tenant, policy, BAN list, approver id */
export const R = 5;
export const R_PARTNER = 0;
export const R_TENANT = 1;
export const R_POLICY = 2;
export const R_BANS = 3;
export const R_APPROVER = 4;
/**
 * The row column, per slot, 48 bytes read as doubles (times) or as int32 (ints) over one buffer:
 * starts and ends (epoch ms, doubles 0-1), the flags (int 4), the packed id (ints 5-9), and the
 * previous and next slot in the approver's list (ints 10-11, -1 = none). Everything a decision
 * reads of a slot besides its refs — its id included — is one row, not three columns' cache misses.
 */
export const T = 6;
export const I = 12;
export const I_FLAGS = 4;
export const I_ID = 5;
export const I_PREV = 10;
export const I_NEXT = 11;
/**
 * flags: status + 1 (bits 0-2), origin + 1 (bits 3-4), approver stands (bit 5), in use (bit 6),
 * odd id (bit 7), distributor access (bit 8).
 * Status and origin are stored plus one so an unknown name (indexOf → -1) reads back as -1, as it
 * did when it was a field: decide() treats it as it always has.
 */
export const F_STATUS = 7;
export const F_ORIGIN_SHIFT = 3;
export const F_APPROVER = 32;
export const F_USED = 64;
/** the id is not `dlg_` + 26 base32 characters: kept as a string (oddIds), not packed */
export const F_ODD = 128;
/** the customer lets the partner's distributor act through this link (two-tier partners) */
export const F_CHAIN = 256;

/** Add a slot to a tenant → slot(s) map (a partner's byTenant, a distributor's chain). */
export function addSlot(m: Map<string, DelegationSlots>, tenantId: string, slot: number): void {
  const prev = m.get(tenantId);
  if (prev === undefined) m.set(tenantId, slot);
  else if (typeof prev === 'number') m.set(tenantId, [prev, slot]);
  else prev.push(slot);
}

/** Take a slot out of a tenant → slot(s) map. */
export function removeSlot(m: Map<string, DelegationSlots>, tenantId: string, slot: number): void {
  const prev = m.get(tenantId);
  if (prev === undefined) return;
  if (typeof prev === 'number') {
    if (prev === slot) m.delete(tenantId);
    return;
  }
  const rest = prev.filter((x) => x !== slot);
  if (rest.length === 0) m.delete(tenantId);
  else m.set(tenantId, rest.length === 1 ? rest[0] : rest);
}

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
export const PACKED = new Int32Array(W);

/** Pack a canonical delegation id into out[0..4]; false when the id is not canonical. */
export function packId(id: string, out: Int32Array): boolean {
  return packIdAs(ID_PREFIX, id, out, 0);
}

/**
 * Pack a canonical id of any kind — `prefix` (four characters: `tnt_`, `dlg_`) then 26 characters
 * of the ids' alphabet — into out[o..o + 4]; false when the id is not one.
 */
export function packIdAs(prefix: string, id: string, out: Int32Array, o: number): boolean {
  if (id.length !== ID_LENGTH || !id.startsWith(prefix)) return false;
  for (let k = 0, i = ID_PREFIX.length; k < W; k++) {
    let w = 0;
    for (let j = 0; j < 6 && i < ID_LENGTH; j++, i++) {
      const c = id.charCodeAt(i);
      const v = c < 128 ? CHAR_VALUE[c] : -1;
      if (v < 0) return false;
      w = (w << 5) | v;
    }
    out[o + k] = w;
  }
  return true;
}

export function unpackId(words: Int32Array, o: number): string {
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

export function hashWords(words: Int32Array, o: number): number {
  let h = 0x9e3779b9 | 0;
  for (let k = 0; k < W; k++) {
    h = Math.imul(h ^ words[o + k], 0x85ebca6b);
    h ^= h >>> 13;
  }
  return h;
}

/** FNV-1a, for the ids that are not packed */
export function hashString(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** A tenant → role map of one or two entries as a flat array (a Map costs ~180 bytes; most users belong to one tenant). */
export class SmallMap implements ReadonlyMap<string, string> {
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
const UNKNOWN_TENANT: SnapTenant = { id: '', active: false, status: 'unknown', lastApprover: null, lastBans: null };
const UNKNOWN_ROLE: SnapRole = { id: '', grants: NO_GRANTS };
const NO_WORDS = new Int32Array(0);

/**
 * A delegation read out of the snapshot's columns. Its id (unpacked from five words) and its
 * partner's id (one more object to fetch from memory) are read only when asked for: a decision
 * that refuses before naming the delegation, or a caller that already holds the id, pays for
 * neither. Fields are in the order decide() reads them (one hidden class for every delegation).
 */
export class DelegationView implements SnapDelegation {
  status = 0;
  startsMs = 0;
  endsMs = 0;
  approverActive = false;
  distributorAccess = false;
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
    this.distributorAccess = (flags & F_CHAIN) !== 0;
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

  get owner(): SnapPartner {
    return this.#partner!;
  }
}

/** Where a view's idOrWords() leaves the packed words of its id (read them before the next call). */
export const ID_WORDS = new Int32Array(W);
