/**
 * Fills an AuthzSnapshot from the database and keeps it current from change-feed batches: each
 * changed entity is re-read (never trusted from the message), and a row that is gone is removed.
 * Entity kinds: user (status, platform role, tenant and partner memberships), tenant, partner,
 * billing_account, delegation, role. Other kinds belong to other modules and are ignored here.
 */
import type { Db, Executor } from '../../platform/db/database.ts';
import type { ChangeEvent } from '../../platform/events/change-feed.ts';
import type { AuthzSnapshot, DelegationInput, DelegationStatusName, OriginName } from './snapshot.ts';
import { parsePartnerConfig } from './partner-config.ts';
import type { DelegationsTable, PartnersTable } from '../../platform/db/schema.ts';
import type { Selectable } from 'kysely';
import { SUBSCRIPTION_ENTITY, applySuspendedTenants, loadSuspendedTenants } from './subscription-suspensions.ts';
import { FEATURE_ENTITY, loadFeatures } from './feature-catalog.ts';
import { loadJit } from './jit-loader.ts';
import { loadLinkLimits } from './link-limits-loader.ts';
import { chunks } from '../../platform/db/in-chunks.ts';
import { forEachChunk } from '../../platform/db/read-in-chunks.ts';

const PAGE = 20_000;

export const SNAPSHOT_ENTITIES = ['user', 'tenant', 'partner', 'billing_account', 'delegation', 'role', SUBSCRIPTION_ENTITY, FEATURE_ENTITY] as const;

/** A JSON list of strings (null when the text is not one; exported for its test). */
export function parseList(s: string | null): string[] | null {
  if (s === null) return null;
  const one = oneItem(s);
  if (one !== null) return [one];
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;
  } catch {
    return null;
  }
}

/**
 * The item of a list of one plain string, `["…"]` with no escape, quote or control character in it
 * (a delegation's one billing account, 2M of them at a 10M build): what JSON.parse would return as
 * its one item, without parsing. Null for anything else (JSON.parse decides).
 */
function oneItem(s: string): string | null {
  const end = s.length - 2;
  if (end < 2 || s.charCodeAt(0) !== 91 /* [ */ || s.charCodeAt(1) !== 34 /* " */ || s.charCodeAt(end) !== 34 || s.charCodeAt(end + 1) !== 93 /* ] */) return null;
  for (let i = 2; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 92 /* \\ */ || c < 32) return null;
  }
  return s.slice(2, end);
}

function parseOverrides(text: string): { grant: readonly string[]; deny: readonly string[] } {
  let grant: string[] = [];
  let deny: string[] = [];
  try {
    const o = JSON.parse(text) as { grant?: unknown; deny?: unknown };
    if (Array.isArray(o.grant)) grant = o.grant.filter((x): x is string => typeof x === 'string');
    if (Array.isArray(o.deny)) deny = o.deny.filter((x): x is string => typeof x === 'string');
  } catch {
    // A corrupt overrides column grants nothing extra and denies nothing: the role alone applies.
  }
  return { grant, deny };
}

/**
 * Parsed overrides and scope lists by their JSON text. At 1M rows JSON.parse was a large share of
 * a load, and most delegations share a handful of texts (no overrides, an app's usual scopes).
 * The parsed lists are shared between inputs, so they are frozen (the snapshot copies what it
 * keeps); the memo is bounded and simply starts over when full.
 */
const MEMO_MAX = 4096;
const overridesMemo = new Map<string, { grant: readonly string[]; deny: readonly string[] }>();
const scopesMemo = new Map<string, readonly string[] | null>();

function memo<T>(m: Map<string, T>, text: string, parse: (text: string) => T): T {
  let v = m.get(text);
  if (v === undefined) {
    if (m.size >= MEMO_MAX) m.clear();
    m.set(text, (v = parse(text)));
  }
  return v;
}

const frozenOverrides = (text: string) => {
  const o = parseOverrides(text);
  return Object.freeze({ grant: Object.freeze(o.grant), deny: Object.freeze(o.deny) });
};
const frozenList = (text: string) => {
  const l = parseList(text);
  return l === null ? null : Object.freeze(l);
};

/**
 * The columns a delegation's decisions need: at 1M rows the rest (the request's justification and
 * times, who revoked, …) would be a quarter more bytes read, sent and parsed on every start.
 */
const DELEGATION_COLUMNS = ['id', 'partner_id', 'tenant_id', 'origin', 'role', 'scopes', 'ban_ids', 'overrides', 'status', 'starts_at', 'ends_at', 'client_id', 'decided_by', 'distributor_access'] as const;
type DelegationRow = Pick<Selectable<DelegationsTable>, (typeof DELEGATION_COLUMNS)[number]>;

export function delegationInput(r: DelegationRow): DelegationInput {
  const { grant, deny } = memo(overridesMemo, r.overrides, frozenOverrides);
  return {
    id: r.id,
    partnerId: r.partner_id,
    tenantId: r.tenant_id,
    origin: r.origin as OriginName,
    role: r.role,
    scopes: r.scopes === null ? null : memo(scopesMemo, r.scopes, frozenList),
    banIds: parseList(r.ban_ids),
    grant,
    deny,
    status: r.status as DelegationStatusName,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    clientId: r.client_id,
    approvedBy: r.decided_by,
    distributorAccess: Number(r.distributor_access) === 1,
  };
}

function partnerInput(r: Selectable<PartnersTable>) {
  let toggles: Record<string, boolean> = {};
  try {
    toggles = JSON.parse(r.feature_toggles) as Record<string, boolean>;
  } catch {
    toggles = {};
  }
  return { id: r.id, status: r.status, capabilities: parseList(r.capabilities) ?? [], featureToggles: toggles, homeTenantId: r.home_tenant_id, config: parsePartnerConfig(r.config), parentId: r.parent_partner_id };
}

/** Every delegation in id order, or the page after `after` (forEachChunk's read). */
function allDelegations(db: Executor, after: string | null, limit: number | null) {
  const q = db.selectFrom('delegations').select(DELEGATION_COLUMNS);
  const paged = after === null ? q : q.where('id', '>', after);
  return limit === null ? paged.orderBy('id') : paged.orderBy('id').limit(limit);
}

/**
 * Told of the delegations a change-feed batch re-read (with their purposes, which the snapshot
 * does not keep), and of the ids it found gone: another index of delegations kept by the same
 * read, not a read of its own on every link write.
 */
export type DelegationsReread = (ids: readonly string[], rows: readonly { id: string; status: string; purposes: string | null }[]) => void;

export class SnapshotLoader {
  readonly #db: Db;
  readonly #snap: AuthzSnapshot;
  readonly #rereadListeners: DelegationsReread[] = [];
  constructor(db: Db, snap: AuthzSnapshot) {
    this.#db = db;
    this.#snap = snap;
  }

  onDelegationsReread(fn: DelegationsReread): void {
    this.#rereadListeners.push(fn);
  }

  /** Read everything. Call before the feed starts delivering (see ChangeFeed.head()). */
  async loadAll(): Promise<void> {
    const db = this.#db.kysely;
    const s = this.#snap;
    for (const r of await db.selectFrom('roles').select(['id', 'grants']).execute()) s.putRole(r.id, parseList(r.grants) ?? []);
    for (const r of await db.selectFrom('partners').selectAll().execute()) s.putPartner(partnerInput(r));
    for (const r of await db.selectFrom('tenants').select(['id', 'status']).execute()) s.putTenant(r);
    for (const r of await db.selectFrom('billing_accounts').select(['id', 'tenant_id', 'account_number', 'status']).execute()) {
      s.putBan({ id: r.id, tenantId: r.tenant_id, accountNumber: r.account_number, status: r.status });
    }
    await this.#loadUsers(db, null);
    await loadSuspendedTenants(db, s);
    await loadFeatures(db, s.features, null);
    for (const r of await db.selectFrom('mfa_policies').selectAll().execute()) s.mfa.set(r.scope_type, r.scope_id, r.require_mfa === 'required');
    // The largest table by far (1M rows in bench:startup): read by one cursor and built chunk by
    // chunk (read-in-chunks.ts says why not keyset pages: 1.4–1.6 s of sorting per page under
    // row-level security), never held whole.
    await forEachChunk(this.#db, allDelegations, PAGE, (rows) => {
      s.putDelegations(rows, delegationInput);
    });
    await loadJit(db, s.jit, null);
    await loadLinkLimits(db, s.linkLimits, null);
  }

  /** Users with their memberships; `ids` null = all. */
  async #loadUsers(db: Executor, ids: string[] | null): Promise<void> {
    const s = this.#snap;
    let uq = db.selectFrom('users').select(['id', 'status', 'platform_role']);
    let tq = db.selectFrom('tenant_members').select(['user_id', 'tenant_id', 'role']);
    let pq = db.selectFrom('partner_members').select(['user_id', 'partner_id', 'role', 'status', 'member_role']);
    if (ids) {
      uq = uq.where('id', 'in', ids);
      tq = tq.where('user_id', 'in', ids);
      pq = pq.where('user_id', 'in', ids);
    }
    const [users, tms, pms] = await Promise.all([uq.execute(), tq.execute(), pq.execute()]);
    const tenantsOf = new Map<string, [string, string][]>();
    for (const m of tms) {
      let l = tenantsOf.get(m.user_id);
      if (!l) tenantsOf.set(m.user_id, (l = []));
      l.push([m.tenant_id, m.role]);
    }
    const partnerOf = new Map(pms.map((m) => [m.user_id, { partnerId: m.partner_id, role: m.role, status: m.status, memberRole: m.member_role }]));
    const seen = new Set<string>();
    for (const u of users) {
      seen.add(u.id);
      s.putUser({ id: u.id, status: u.status, platformRole: u.platform_role, tenants: tenantsOf.get(u.id), partner: partnerOf.get(u.id) ?? null });
    }
    if (ids) for (const id of ids) if (!seen.has(id)) s.removeUser(id);
  }

  /** Apply one change-feed batch: re-read every changed entity once. */
  async apply(events: ChangeEvent[]): Promise<void> {
    const byKind = new Map<string, Set<string>>();
    for (const e of events) {
      let set = byKind.get(e.entity);
      if (!set) byKind.set(e.entity, (set = new Set()));
      set.add(e.entityId);
    }
    const db = this.#db.kysely;
    const s = this.#snap;
    // Partners and tenants first, so delegations and BANs re-read in the same batch reuse their id strings.
    for (const ids of chunks([...(byKind.get('partner') ?? [])])) {
      const rows = await db.selectFrom('partners').selectAll().where('id', 'in', ids).execute();
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) s.putPartner(partnerInput(r));
      for (const id of ids) if (!found.has(id)) s.removePartner(id);
    }
    for (const ids of chunks([...(byKind.get('tenant') ?? [])])) {
      const rows = await db.selectFrom('tenants').select(['id', 'status']).where('id', 'in', ids).execute();
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) s.putTenant(r);
      for (const id of ids) if (!found.has(id)) s.removeTenant(id);
    }
    for (const ids of chunks([...(byKind.get('billing_account') ?? [])])) {
      const rows = await db.selectFrom('billing_accounts').select(['id', 'tenant_id', 'account_number', 'status']).where('id', 'in', ids).execute();
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) s.putBan({ id: r.id, tenantId: r.tenant_id, accountNumber: r.account_number, status: r.status });
      for (const id of ids) if (!found.has(id)) s.removeBan(id);
    }
    for (const ids of chunks([...(byKind.get('user') ?? [])])) await this.#loadUsers(db, ids);
    // 'mfa_policy' entity ids are `<scope_type>:<scope_id>`
    for (const key of byKind.get('mfa_policy') ?? []) {
      const i = key.indexOf(':');
      const scopeType = key.slice(0, i) as 'platform' | 'partner' | 'tenant';
      const scopeId = key.slice(i + 1);
      const r = await db.selectFrom('mfa_policies').select('require_mfa').where('scope_type', '=', scopeType).where('scope_id', '=', scopeId).executeTakeFirst();
      s.mfa.set(scopeType, scopeId, r?.require_mfa === 'required');
    }
    for (const ids of chunks([...(byKind.get('delegation') ?? [])])) {
      const rows = await db
        .selectFrom('delegations')
        .select([...DELEGATION_COLUMNS, 'purposes'])
        .where('id', 'in', ids)
        .execute();
      const found = new Set(rows.map((r) => r.id));
      s.putDelegations(rows, delegationInput);
      for (const id of ids) if (!found.has(id)) s.removeDelegation(id);
      for (const fn of this.#rereadListeners) fn(ids, rows);
    }
    for (const ids of chunks([...(byKind.get(SUBSCRIPTION_ENTITY) ?? [])])) await applySuspendedTenants(db, s, ids);
    for (const keys of chunks([...(byKind.get(FEATURE_ENTITY) ?? [])])) {
      await loadFeatures(db, s.features, keys);
      s.version++;
    }
    // 'delegation_jit': an eligible link's settings or activations changed (entity id = the delegation's)
    for (const ids of chunks([...(byKind.get('delegation_jit') ?? [])])) await loadJit(db, s.jit, ids);
    // 'delegation_limits': a customer changed its own limits on a link (entity id = the delegation's)
    for (const ids of chunks([...(byKind.get('delegation_limits') ?? [])])) await loadLinkLimits(db, s.linkLimits, ids);
    for (const ids of chunks([...(byKind.get('role') ?? [])])) {
      const rows = await db.selectFrom('roles').select(['id', 'grants']).where('id', 'in', ids).execute();
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) s.putRole(r.id, parseList(r.grants) ?? []);
      for (const id of ids) if (!found.has(id)) s.removeRole(id);
    }
  }
}
