/**
 * The in-memory state the decision engine reads: users (status, platform role, memberships),
 * partners (status, capabilities, feature toggles), tenants (status), billing accounts,
 * delegations and roles. No I/O here: the loader (snapshot-loader.ts) fills it from the database
 * and keeps it current from the change feed. The entries' types live in snapshot-model.ts, the
 * people and organizations in snapshot-entities.ts, the parts delegations share (policies, BAN
 * lists) in snapshot-shared.ts, the delegation row layout in snapshot-store.ts.
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
import { DELEGATION_STATUSES, EMPTY, EMPTY_DELEGATIONS, O_WHOLESALE, ORIGINS, TENANT_ADMIN, toMs, type Approver, type DelegationInput, type Policy, type SnapDelegation, type SnapPartner, type SnapTenant, type SnapUser } from './snapshot-model.ts';
import {
  addSlot, DelegationView, GROUP, RowGroup, F_APPROVER, F_CHAIN, F_ODD, removeSlot, F_ORIGIN_SHIFT, F_STATUS, F_USED, hashString, hashWords, I, I_FLAGS, I_ID, I_NEXT, I_PREV,
  PACKED, PAGE_BITS, PAGE_SLOTS, packId, R, R_APPROVER, R_BANS, R_PARTNER, R_POLICY, R_TENANT, SLOT_MASK, T, unpackId, type DelegationsById,
} from './snapshot-store.ts';
import { SharedParts } from './snapshot-shared.ts';

// what callers imported from here before the snapshot was split into its files
export {
  D_REQUESTED, D_ACTIVE, D_EXPIRED, D_REVOKED, D_REJECTED, DELEGATION_STATUSES, O_LINK, O_CONSENT, O_WHOLESALE, ORIGINS,
  CAP_MANAGED_SERVICES, CAP_DELEGATED, CAP_WHOLESALE, CAP_REFERRAL, CAPABILITY_BITS, CAP_FOR_ORIGIN, CAP_NAME_FOR_ORIGIN, TENANT_ADMIN, toMs,
  type DelegationStatusName, type OriginName, type SnapRole, type SnapTenant, type DelegationSlots, type SnapPartner, type SnapUser, type SnapBan,
  type SnapDelegation, type DelegationInput, type UserInput, type CustomerPlan, type PartnerInput,
} from './snapshot-model.ts';
export { idFromWords, ID_WORDS, type DelegationsById } from './snapshot-store.ts';
export { MfaPolicies } from './snapshot-entities.ts';

/**
 * An id-table entry holds the slot + 1 in its low 26 bits and the top 6 bits of the id's hash above
 * them: a probe that meets another id's entry skips it without reading that slot's row (a cache
 * miss at a random place in the rows) 63 times in 64.
 */
const TAG_SHIFT = 26;
const ENTRY_SLOT = (1 << TAG_SHIFT) - 1;

export class AuthzSnapshot extends SharedParts {
  /**
   * delegation id → slot: open addressing with linear probing over the packed ids (slot + 1 and the
   * top bits of the id's hash, TAG_SHIFT; 0 = empty), at most half full — 8 bytes a delegation where a Map took ~30.
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
    const h = packed ? hashWords(PACKED, 0) : hashString(id);
    const tag = h >>> TAG_SHIFT;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = table[i];
      if (e === 0) return -1;
      // another id's entry (its hash's top bits differ): no need to read its row
      if (e >>> TAG_SHIFT !== tag) continue;
      const slot = (e & ENTRY_SLOT) - 1;
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
    const h = this.#hashOf(slot);
    let i = h & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = (slot + 1) | ((h >>> TAG_SHIFT) << TAG_SHIFT);
  }

  /** Take a slot out of the table (backward-shift deletion: no tombstones, probes stay short). */
  #leave(slot: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let i = this.#hashOf(slot) & mask;
    while ((table[i] & ENTRY_SLOT) !== slot + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashOf((table[j] & ENTRY_SLOT) - 1) & mask;
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

  // ---- approvers ----------------------------------------------------------------------------

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
  protected override userChanged(userId: string, user: SnapUser | undefined): void {
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
      const id = user?.id ?? this.intern(userId);
      this.#approvers.set(id, (a = { id, user, head: -1, tenant: null, stands: false }));
    }
    return a;
  }

  // ---- delegations --------------------------------------------------------------------------

  putDelegation(d: DelegationInput): void {
    const origin = ORIGINS.indexOf(d.origin);
    const tenant = this.tenant(d.tenantId);
    this.#put(d, origin, tenant, origin !== O_WHOLESALE && d.approvedBy ? this.#approverOf(tenant, d.approvedBy) : null, toMs(d.startsAt), toMs(d.endsAt));
  }

  /**
   * Many delegations at once (a loader's chunk), with the same result as putDelegation on each in
   * order. The build is bound by memory latency: each row's tenant, approver and id-table entry sit
   * at random places in structures of hundreds of megabytes. Rows are taken in groups: a first pass
   * over the group only looks up those entries (#lookUpGroup), the second puts each row with its
   * entries already in cache. A loader hands its raw rows and `toInput`, so that a group's inputs
   * are made just before it is put and die young (RowGroup.take says why).
   */
  putDelegations(rows: readonly DelegationInput[]): void;
  putDelegations<Row>(rows: readonly Row[], toInput: (row: Row) => DelegationInput): void;
  putDelegations(rows: readonly unknown[], toInput?: (row: unknown) => DelegationInput): void {
    const g = this.#group;
    for (let from = 0; from < rows.length; from += GROUP) {
      const n = g.take(rows, from, toInput);
      this.#lookUpGroup(n);
      for (let k = 0; k < n; k++) {
        const d = g.inputs[k]!;
        const origin = ORIGINS.indexOf(d.origin);
        const tenant = g.tenants[k]!;
        this.#put(d, origin, tenant, origin !== O_WHOLESALE && d.approvedBy ? this.#approverOf(tenant, d.approvedBy) : null, g.times[2 * k], g.times[2 * k + 1]);
      }
    }
    g.clear();
  }

  /**
   * The first pass over a group of inputs: their tenants, their times, then each row's approver, its
   * newest row and the row's id-table entry, read in stages — every row's packed ids first, then
   * every row's table entries, then every tenant's entry — so that the reads of a stage do not wait
   * on each other and the processor overlaps their cache misses.
   */
  #lookUpGroup(n: number): void {
    const { inputs, tenants, homes } = this.#group;
    const index = this.tenantIndex;
    const table = this.#table;
    const mask = table.length - 1;
    for (let k = 0; k < n; k++) {
      const d = inputs[k]!;
      index.stage(k, d.tenantId);
      homes[k] = (packId(d.id, PACKED) ? hashWords(PACKED, 0) : hashString(d.id)) & mask;
    }
    // the tenant table's entries and the id table's (is a row a new version of a delegation held)
    let warm = index.touch(n);
    for (let k = 0; k < n; k++) warm += table[homes[k]];
    // the times while those reads are under way
    this.#group.readTimes(n);
    for (let k = 0; k < n; k++) tenants[k] = index.found(k) ?? null;
    // tenants not in the index (new, or an id that is not canonical): through the map, once every staged lookup is read
    for (let k = 0; k < n; k++) if (tenants[k] === null) tenants[k] = this.tenant(inputs[k]!.tenantId);
    for (let k = 0; k < n; k++) {
      const d = inputs[k]!;
      const t = tenants[k]!;
      // the tenant's id string: the partner's index hashes it (its hash is in the string's header)
      warm += t.id.length;
      if (d.approvedBy) {
        const last = t.lastApprover;
        const a = last !== null && last.id === d.approvedBy ? last : this.#approvers.get(d.approvedBy);
        // the approver's newest row: this row goes before it
        if (a !== undefined && a.head !== -1) warm += this.#ints[a.head >>> PAGE_BITS][(a.head & SLOT_MASK) * I + I_NEXT];
      }
    }
    this.#group.warmth[0] = warm;
  }

  readonly #group = new RowGroup();

  /**
   * The approver of a delegation of `tenant`: most of a tenant's links are approved by its one
   * admin, so the tenant remembers the last one (one object read instead of a lookup in a map of a
   * million). A record whose list emptied has left the map (head -1) and is not used again.
   */
  #approverOf(tenant: SnapTenant, userId: string): Approver {
    const last = tenant.lastApprover;
    if (last !== null && last.head !== -1 && last.id === userId) return last;
    return (tenant.lastApprover = this.#approver(userId));
  }

  /** A row's partner: a loader's rows come in runs of one partner's, so the last one is remembered (partner objects are never replaced). */
  #partnerOf(id: string): SnapPartner {
    const last = this.#lastPartner;
    if (last !== null && last.id === id) return last;
    return (this.#lastPartner = this.partner(id));
  }

  #lastPartner: SnapPartner | null = null;

  #put(d: DelegationInput, origin: number, tenant: SnapTenant, found: Approver | null, startsMs: number, endsMs: number): void {
    let approver = found;
    // packed once: the lookup of a previous version and the slot's id columns share it
    const packed = packId(d.id, PACKED);
    const w0 = PACKED[0], w1 = PACKED[1], w2 = PACKED[2], w3 = PACKED[3], w4 = PACKED[4];
    const previous = this.#findPacked(d.id, packed);
    if (previous !== -1) {
      this.#drop(previous);
      // the old version may have been its approver's last row: the record it was looked up as has then left the map
      if (approver !== null && approver.head === -1) approver = this.#approver(approver.id);
    }
    const partner = this.#partnerOf(d.partnerId);
    const slot = this.#allocate();
    const page = slot >>> PAGE_BITS;
    const at = slot & SLOT_MASK;
    const refs = this.#refs[page];
    const r = at * R;
    refs[r + R_PARTNER] = partner;
    refs[r + R_TENANT] = tenant;
    refs[r + R_POLICY] = this.policy(d);
    refs[r + R_BANS] = d.banIds ? this.tenantBanList(tenant, d.banIds) : null;
    refs[r + R_APPROVER] = approver;
    const times = this.#times[page];
    times[at * T] = startsMs;
    times[at * T + 1] = endsMs;
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
    const chain = d.distributorAccess === true;
    ints[o + I_FLAGS] = ((DELEGATION_STATUSES.indexOf(d.status) + 1) & F_STATUS) | ((origin + 1) << F_ORIGIN_SHIFT) | (approverStands ? F_APPROVER : 0) | F_USED | (packed ? 0 : F_ODD) | (chain ? F_CHAIN : 0);
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
    addSlot(partner.byTenant, tenant.id, slot);
    if (chain && partner.parent !== null) addSlot((partner.parent.chain ??= new Map()), tenant.id, slot);
    this.version++;
  }

  /** A reseller moved to another distributor (or to none): its links with distributor access follow it. */
  protected override parentChanged(p: SnapPartner, from: SnapPartner | null, to: SnapPartner | null): void {
    for (const [tenantId, v] of p.byTenant) {
      for (const slot of typeof v === 'number' ? [v] : [...v]) {
        if ((this.#ints[slot >>> PAGE_BITS][(slot & SLOT_MASK) * I + I_FLAGS] & F_CHAIN) === 0) continue;
        if (from !== null && from.chain !== null) removeSlot(from.chain, tenantId, slot);
        if (to !== null) addSlot((to.chain ??= new Map()), tenantId, slot);
      }
    }
  }

  removeDelegation(id: string): void {
    this.#unindex(id);
    this.version++;
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    const slot = this.#nextSlot++;
    if (slot + 1 > ENTRY_SLOT) throw new Error(`the decision snapshot holds at most ${ENTRY_SLOT.toLocaleString('en')} delegations`);
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
    this.releasePolicy(policy);
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
    if ((ints[o + I_FLAGS] & F_CHAIN) !== 0 && partner.parent !== null && partner.parent.chain !== null) removeSlot(partner.parent.chain, tenantId, slot);
    ints[o + I_FLAGS] = 0;
    ints[o + I_PREV] = -1;
    ints[o + I_NEXT] = -1;
    // let go of what the slot pointed at
    for (let k = 0; k < R; k++) refs[r + k] = null;
    this.#free.push(slot);
    removeSlot(partner.byTenant, tenantId, slot);
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

  /**
   * Tenants the partner holds any delegation for (any status; decide() says which are effective),
   * and for a distributor (no parent of its own) the tenants of its resellers' links it may act through.
   */
  partnerTenantIds(partnerId: string): Iterable<string> {
    const p = this.partners.get(partnerId);
    if (p === undefined) return EMPTY;
    if (p.parent !== null || p.chain === null || p.chain.size === 0) return p.byTenant.keys();
    return new Set([...p.byTenant.keys(), ...p.chain.keys()]);
  }

  /** The delegations of a distributor's resellers on a tenant it may act through (empty when none, or when it is a reseller itself). */
  chainPair(partnerId: string, tenantId: string): readonly SnapDelegation[] {
    const p = this.partners.get(partnerId);
    const v = p === undefined || p.parent !== null ? undefined : p.chain?.get(tenantId);
    return v === undefined ? EMPTY_DELEGATIONS : typeof v === 'number' ? [this.at(v)] : v.map((slot) => this.at(slot));
  }

  /** @deprecated use partnerTenantIds(partnerId) — kept so `byPair.get(partnerId)?.keys()` keeps working. */
  readonly byPair = { get: (partnerId: string): ReadonlyMap<string, unknown> | undefined => this.partners.get(partnerId)?.byTenant };

  /** The delegations between a partner and a tenant (empty when none). Allocates; decide() reads byTenant directly. */
  pair(partnerId: string, tenantId: string): readonly SnapDelegation[] {
    const v = this.partners.get(partnerId)?.byTenant.get(tenantId);
    return v === undefined ? EMPTY_DELEGATIONS : typeof v === 'number' ? [this.at(v)] : v.map((slot) => this.at(slot));
  }
}
