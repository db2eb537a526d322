/**
 * The in-memory index every embed request is authenticated against: keyed hash of the token →
 * token, agency and tenant, with their statuses and the form configuration. Verifying a token is
 * one HMAC and three map lookups; no database read on the request path.
 *
 * It is kept current by the change feed (entities `agency_token`, `agency`, `tenant`): a
 * rotation replaces the token's hash (the old one is gone from the map), a revocation or an
 * agency deactivation flips a status — on this instance as soon as the admin call returns (the
 * service drains the feed before answering), on every other instance within one feed delivery
 * (Redis pub/sub nudge, or the poll interval without Redis).
 *
 * A well-formed token whose hash the index does not hold — generated on another instance a moment
 * ago, before the feed delivered it here — is looked up once in the database before it is refused
 * (`authenticate`; MissLookup bounds what that costs: shared per hash, capped per instance, an
 * absent hash remembered a while). What it finds is kept unless a change of a token, agency or
 * tenant reached the index meanwhile: the rows could be older than a revocation just applied.
 */
import type { Db } from '../../platform/db/database.ts';
import type { ChangeEvent, ChangeFeed } from '../../platform/events/change-feed.ts';
import type { SecretHasher } from '../../platform/crypto.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { MissLookup } from '../../platform/miss-lookup.ts';
import { isWellFormedAgencyToken } from './agency-token.ts';
import { parseFormConfig, type FormConfig } from './form-config.ts';
import * as repo from './agencies.repo.ts';
import { tenantIndexQueries } from '../tenants/index.ts';
import { asSystem } from '../../platform/db/db-context.ts';

export interface IndexedToken {
  tokenId: string;
  tenantId: string;
  agencyId: string;
  label: string;
  status: 'active' | 'revoked';
  formConfig: FormConfig;
}

interface IndexedAgency {
  tenantId: string;
  name: string;
  status: 'active' | 'inactive';
}

interface IndexedTenant {
  name: string;
  status: string;
}

export interface AgencyPrincipal {
  tokenId: string;
  tenantId: string;
  tenantName: string;
  agencyId: string;
  agencyName: string;
  label: string;
  formConfig: FormConfig;
}

export type AgencyTokenVerdict =
  | { ok: true; principal: AgencyPrincipal }
  | { ok: false; code: 'agency_token_invalid' | 'agency_token_revoked' | 'agency_inactive' | 'agency_tenant_inactive'; detail: string };

/** A token's rows as the database has them, for a token the index did not hold. */
interface FoundToken {
  token: repo.AgencyTokenRow;
  agency: repo.AgencyRow | undefined;
  tenant: { id: string; name: string; status: string } | undefined;
}

const INVALID = { ok: false, code: 'agency_token_invalid', detail: 'The agency token is not valid. Ask the tenant that gave you this form for a new embed code.' } as const;

export class AgencyTokenIndex {
  readonly #hasher: SecretHasher;
  readonly #byHash = new Map<string, IndexedToken>();
  readonly #hashById = new Map<string, string>();
  readonly #agencies = new Map<string, IndexedAgency>();
  readonly #tenants = new Map<string, IndexedTenant>();
  /** parsed form configurations by their JSON: tokens with the same form share one object */
  readonly #forms = new Map<string, FormConfig>();
  #unsubscribe: (() => void) | null = null;
  /** the database read for a well-formed token the index does not hold (see the header) */
  readonly missing: MissLookup<FoundToken>;
  #db: Db | null = null;
  /** counts the feed's token, agency and tenant changes applied here (see `authenticate`) */
  #changes = 0;

  constructor(hasher: SecretHasher, opts: { clock?: Clock; onError?: (err: unknown) => void } = {}) {
    this.#hasher = hasher;
    // Which tenant's token is this? The index answers that for every tenant: it reads as the system.
    this.missing = new MissLookup({ clock: opts.clock ?? systemClock, lookup: (hash) => asSystem(() => this.#find(hash)), onError: opts.onError });
  }

  /** Token → verdict. Pure in-memory work: format check, one keyed hash, map lookups. */
  verify(token: string): AgencyTokenVerdict {
    if (!isWellFormedAgencyToken(token)) return INVALID;
    const t = this.#byHash.get(this.#hasher.hash(token));
    if (!t) return INVALID;
    return this.#verdict(t, this.#agencies.get(t.agencyId), this.#tenants.get(t.tenantId));
  }

  /**
   * Token → verdict: from memory, or — for a well-formed token whose hash the index does not
   * hold — after one database lookup (a promise only then).
   */
  authenticate(token: string): AgencyTokenVerdict | Promise<AgencyTokenVerdict> {
    if (!isWellFormedAgencyToken(token)) return INVALID;
    const hash = this.#hasher.hash(token);
    const t = this.#byHash.get(hash);
    if (t) return this.#verdict(t, this.#agencies.get(t.agencyId), this.#tenants.get(t.tenantId));
    if (this.#db === null) return INVALID;
    const mark = this.#changes;
    return this.missing.get(hash).then((f) => {
      if (f === undefined) return INVALID;
      // kept only if nothing of tokens, agencies or tenants was applied since the read
      if (mark === this.#changes) {
        if (f.tenant) this.putTenant(f.tenant.id, { name: f.tenant.name, status: f.tenant.status });
        if (f.agency) this.putAgency(f.agency);
        this.putToken(f.token);
      }
      const a = f.agency && { tenantId: f.agency.tenant_id, name: f.agency.name, status: f.agency.status };
      return this.#verdict(this.#indexed(f.token), a, f.tenant);
    });
  }

  #verdict(t: IndexedToken, a: IndexedAgency | undefined, tenant: IndexedTenant | undefined): AgencyTokenVerdict {
    if (t.status !== 'active') return { ok: false, code: 'agency_token_revoked', detail: 'This agency token has been revoked by the tenant. Ask them for a new embed code.' };
    if (!a || a.tenantId !== t.tenantId) return INVALID;
    if (a.status !== 'active') return { ok: false, code: 'agency_inactive', detail: 'This agency has been deactivated by the tenant.' };
    if (!tenant) return INVALID;
    if (tenant.status !== 'active') return { ok: false, code: 'agency_tenant_inactive', detail: 'The tenant behind this form is not active.' };
    return {
      ok: true,
      principal: { tokenId: t.tokenId, tenantId: t.tenantId, tenantName: tenant.name, agencyId: t.agencyId, agencyName: a.name, label: t.label, formConfig: t.formConfig },
    };
  }

  /** The token with this hash, its agency and its tenant, from the database. */
  async #find(hash: string): Promise<FoundToken | undefined> {
    const k = this.#db!.kysely;
    const token = await repo.findTokenByHash(k, hash);
    if (!token) return undefined;
    const [agency] = await repo.findAgenciesByIds(k, [token.partner_agency_id]);
    const [tenant] = await tenantIndexQueries.findTenantStatuses(k, [token.tenant_id]);
    return { token, agency, tenant };
  }

  get size(): number {
    return this.#byHash.size;
  }

  // ---- keeping it current ---------------------------------------------------------------------

  /**
   * Subscribe to the feed, then read every token, agency and tenant. Call after `feed.head()` and
   * before `feed.start(head)` so what commits during the load is replayed (re-reading is harmless).
   */
  async load(db: Db, feed: ChangeFeed): Promise<void> {
    if (!this.#unsubscribe) this.#unsubscribe = feed.subscribe((events) => this.apply(db, events));
    this.#db = db;
    const k = db.kysely;
    const [tenants, agencies, tokens] = await Promise.all([
      tenantIndexQueries.listTenantStatuses(k),
      k.selectFrom('partner_agencies').selectAll().execute(),
      k.selectFrom('partner_tokens').selectAll().execute(),
    ]);
    for (const t of tenants) this.#tenants.set(t.id, { name: t.name, status: t.status });
    for (const a of agencies) this.putAgency(a);
    for (const t of tokens) this.putToken(t);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Re-read the entities a feed batch names. */
  async apply(db: Db, events: ChangeEvent[]): Promise<void> {
    const ids = (entity: string) => [...new Set(events.filter((e) => e.entity === entity).map((e) => e.entityId))];
    const tenantIds = ids('tenant');
    const agencyIds = ids('agency');
    const tokenIds = ids('agency_token');
    if (tenantIds.length + agencyIds.length + tokenIds.length > 0) this.#changes++;
    const k = db.kysely;
    if (tenantIds.length) {
      const rows = await tenantIndexQueries.findTenantStatuses(k, tenantIds);
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) this.#tenants.set(r.id, { name: r.name, status: r.status });
      for (const id of tenantIds) if (!found.has(id)) this.#tenants.delete(id);
    }
    const seenTenants = new Set<string>();
    if (agencyIds.length) {
      const rows = await repo.findAgenciesByIds(k, agencyIds);
      for (const r of rows) seenTenants.add(r.tenant_id);
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) this.putAgency(r);
      for (const id of agencyIds) if (!found.has(id)) this.#agencies.delete(id);
    }
    if (tokenIds.length) {
      const rows = await repo.findTokensByIds(k, tokenIds);
      for (const r of rows) seenTenants.add(r.tenant_id);
      const found = new Set(rows.map((r) => r.id));
      for (const r of rows) this.putToken(r);
      for (const id of tokenIds) if (!found.has(id)) this.#dropToken(id);
    }
    // A tenant this instance has not heard of (created by a writer that recorded no `tenant`
    // change): read it now, off the request path, rather than refuse its agencies' tokens.
    const unknownTenants = [...seenTenants].filter((id) => !this.#tenants.has(id));
    if (unknownTenants.length) {
      const rows = await tenantIndexQueries.findTenantStatuses(k, unknownTenants);
      for (const r of rows) this.#tenants.set(r.id, { name: r.name, status: r.status });
    }
  }

  putTenant(id: string, t: IndexedTenant): void {
    this.#tenants.set(id, t);
  }

  putAgency(a: Pick<repo.AgencyRow, 'id' | 'tenant_id' | 'name' | 'status'>): void {
    this.#agencies.set(a.id, { tenantId: a.tenant_id, name: a.name, status: a.status });
  }

  /** Insert or replace a token; a rotated token's previous hash stops matching at once. */
  putToken(t: Pick<repo.AgencyTokenRow, 'id' | 'tenant_id' | 'partner_agency_id' | 'label' | 'status' | 'token_hash' | 'form_config'>): void {
    this.#dropToken(t.id);
    this.#byHash.set(t.token_hash, this.#indexed(t));
    this.#hashById.set(t.id, t.token_hash);
    this.missing.forget(t.token_hash);
  }

  #indexed(t: Pick<repo.AgencyTokenRow, 'id' | 'tenant_id' | 'partner_agency_id' | 'label' | 'status' | 'form_config'>): IndexedToken {
    return { tokenId: t.id, tenantId: t.tenant_id, agencyId: t.partner_agency_id, label: t.label, status: t.status, formConfig: this.#form(t.form_config) };
  }

  #form(json: string): FormConfig {
    let f = this.#forms.get(json);
    if (!f) {
      if (this.#forms.size > 10_000) this.#forms.clear();
      f = Object.freeze(parseFormConfig(json)) as FormConfig;
      this.#forms.set(json, f);
    }
    return f;
  }

  #dropToken(id: string): void {
    const old = this.#hashById.get(id);
    if (old !== undefined) {
      this.#byHash.delete(old);
      this.#hashById.delete(id);
    }
  }
}
