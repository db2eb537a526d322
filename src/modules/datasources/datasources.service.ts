/**
 * Data sources: the operator registers the provider's systems (name, the record kinds each owns,
 * the customers and partners it may write for) and gives each a token — shown once, stored only as
 * a keyed hash with SecretHasher, as API and SCIM tokens are. Batches of sync lines are applied
 * line by line (sync-apply.ts), audited by their counts (never their contents), and what they
 * change follows downstream: held lines waiting for a billing account that appeared are applied,
 * and the referring partners of customers whose invoices changed get their earnings recomputed.
 */
import { mutate, type Db } from '../../platform/db/database.ts';
import { asSystem } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newSecret, type SecretHasher } from '../../platform/crypto.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import { heldLinesNowResolvable } from './held-line-reads.ts';
import * as repo from './datasources.repo.ts';
import { RecentTenantStates } from './sync-state-memo.ts';
import { SyncApplier, type LineResult, type SyncLineInput, type SyncSource } from './sync-apply.ts';
import { checkSyncLines, type CheckedLine } from './sync-check.ts';
import { SOURCE_KINDS, displayVersion, type SourceKind } from './sync-lines.ts';
import type { EmitRecordEvents } from './sync-events.ts';
import { problemDetails as PD } from './datasources.problem-details.ts';

export const SYNC_TOKEN_PREFIX = 'pgsync';
export const DEMO_SOURCE_ID = 'dsrc_00000000000000000000000dem';
/** how many rejected lines a batch keeps, with their reasons, for the portal */
const REJECTIONS_KEPT = 50;
/** held lines tried again after each batch (the rest wait for the next) */
const RETRY_PAGE = 500;

export interface DataSourcesDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  hasher: SecretHasher;
  /** the tenants a partner may act on now (the decision snapshot): a partner in a source's scope means these */
  partnerTenants: (partnerId: string) => readonly string[];
  /** the partners that referred these customers (the partner program), each once */
  referrersOf: (tenantIds: readonly string[]) => Promise<string[]>;
  /** writes the events of the records a batch changed in its transaction (the notifications outbox) */
  emitEvents: EmitRecordEvents;
  /** recompute a referral partner's earnings from its customers' paid invoices */
  computeEarnings: (ctx: RequestContext, partnerId: string) => Promise<unknown>;
  /** customer and partner names, for the portal */
  tenantNames: (ids: string[]) => Promise<Map<string, string>>;
  partnerNames: (ids: string[]) => Promise<Map<string, string>>;
}

export interface SourceInput {
  name: string;
  kinds: SourceKind[];
  scope: { all: boolean; tenant_ids: string[]; partner_ids: string[] };
}

export interface BatchSummary {
  batch_id: string;
  lines: number;
  applied: number;
  unchanged: number;
  held: number;
  rejected: number;
  results: LineResult[];
}

const json = <T>(s: string): T => JSON.parse(s) as T;

export class DataSourcesService {
  readonly #d: DataSourcesDeps;
  /** customers' last sync times this instance wrote within the last minute (see sync-state-memo.ts) */
  readonly #recentStates = new RecentTenantStates();
  constructor(d: DataSourcesDeps) {
    this.#d = d;
  }

  get #k() {
    return this.#d.db.kysely;
  }
  #now() {
    return this.#d.clock.now().toISOString();
  }

  // ---- sources -------------------------------------------------------------------------------

  list() {
    return repo.listSources(this.#k);
  }

  async require(id: string): Promise<repo.SourceRow> {
    const s = await repo.findSource(this.#k, id);
    if (!s) throw E.data_source_not_found();
    return s;
  }

  kindStates(sourceId?: string) {
    return repo.kindStates(this.#k, sourceId);
  }

  heldCounts() {
    return repo.countHeld(this.#k);
  }

  listHeld(sourceId: string, limit = 100) {
    return repo.listHeld(this.#k, { sourceId, status: 'held', limit });
  }

  listBatches(sourceId: string, limit = 20) {
    return repo.listBatches(this.#k, sourceId, limit);
  }

  tenantNames(ids: string[]) {
    return this.#d.tenantNames(ids);
  }
  partnerNames(ids: string[]) {
    return this.#d.partnerNames(ids);
  }

  async #checkScope(scope: SourceInput['scope']) {
    if (scope.all) return;
    const [t, p] = await Promise.all([this.#d.tenantNames(scope.tenant_ids), this.#d.partnerNames(scope.partner_ids)]);
    const missing = [...scope.tenant_ids.filter((id) => !t.has(id)), ...scope.partner_ids.filter((id) => !p.has(id))];
    if (missing.length > 0) throw E.data_source_scope_unknown(PD.theseNotCustomersPartners, { values: { missing: missing.join(', ') } });
  }

  /** Register a source; its token is returned once. */
  async create(ctx: RequestContext, input: SourceInput): Promise<{ source: repo.SourceRow; token: string }> {
    await this.#checkScope(input.scope);
    const id = newId('dsrc');
    const token = newSecret(SYNC_TOKEN_PREFIX);
    const now = this.#now();
    const kinds = SOURCE_KINDS.filter((k) => input.kinds.includes(k));
    await mutate(this.#d.db, async (trx) => {
      await repo.insertSource(trx, {
        id,
        name: input.name.trim(),
        kinds: JSON.stringify(kinds),
        scope_all: input.scope.all ? 1 : 0,
        scope_tenant_ids: JSON.stringify(input.scope.all ? [] : [...new Set(input.scope.tenant_ids)]),
        scope_partner_ids: JSON.stringify(input.scope.all ? [] : [...new Set(input.scope.partner_ids)]),
        built_in: 0,
        status: 'active',
        token_hash: this.#d.hasher.hash(token),
        token_prefix: token.slice(0, SYNC_TOKEN_PREFIX.length + 5),
        token_created_at: now,
        created_at: now,
        created_by: ctx.actor.userId,
        revoked_at: null,
        last_batch_at: null,
      });
      await this.#d.audit.record(trx, ctx, { action: 'data_source.created', targetType: 'data_source', targetId: id, details: { kinds, scope_all: input.scope.all, tenants: input.scope.tenant_ids.length, partners: input.scope.partner_ids.length } });
    });
    return { source: await this.require(id), token };
  }

  /** A new token; the previous one stops working at once. */
  async rotate(ctx: RequestContext, id: string): Promise<{ source: repo.SourceRow; token: string }> {
    const s = await this.require(id);
    if (s.built_in) throw E.data_source_built_in();
    const token = newSecret(SYNC_TOKEN_PREFIX);
    await mutate(this.#d.db, async (trx) => {
      await repo.updateSource(trx, id, { token_hash: this.#d.hasher.hash(token), token_prefix: token.slice(0, SYNC_TOKEN_PREFIX.length + 5), token_created_at: this.#now(), status: 'active', revoked_at: null });
      await this.#d.audit.record(trx, ctx, { action: 'data_source.token_rotated', targetType: 'data_source', targetId: id });
    });
    return { source: await this.require(id), token };
  }

  /** Revoke: the token is forgotten and refused from the next batch; the records stay. */
  async revoke(ctx: RequestContext, id: string): Promise<repo.SourceRow> {
    const s = await this.require(id);
    if (s.built_in) throw E.data_source_built_in();
    if (s.status === 'revoked') return s;
    await mutate(this.#d.db, async (trx) => {
      await repo.updateSource(trx, id, { token_hash: null, status: 'revoked', revoked_at: this.#now() });
      await this.#d.audit.record(trx, ctx, { action: 'data_source.revoked', targetType: 'data_source', targetId: id });
    });
    return this.require(id);
  }

  /** The active source a token belongs to. */
  async authenticate(token: string): Promise<repo.SourceRow | null> {
    if (!token.startsWith(SYNC_TOKEN_PREFIX + '_')) return null;
    const s = await repo.findSourceByTokenHash(this.#k, this.#d.hasher.hash(token));
    return s && s.status === 'active' ? s : null;
  }

  /** What the applier knows of a source: its kinds and the customers it may write for now. */
  syncSource(s: repo.SourceRow): SyncSource {
    if (s.scope_all) return { id: s.id, name: s.name, kinds: json<string[]>(s.kinds), tenantIds: null };
    const tenants = new Set(json<string[]>(s.scope_tenant_ids));
    for (const p of json<string[]>(s.scope_partner_ids)) for (const t of this.#d.partnerTenants(p)) tenants.add(t);
    return { id: s.id, name: s.name, kinds: json<string[]>(s.kinds), tenantIds: tenants };
  }

  // ---- applying ------------------------------------------------------------------------------

  /**
   * What applying decoded lines would do, one result per line in order, with nothing written
   * (sync-check.ts): ready, unchanged, held (and what for) or rejected — the applier's own checks,
   * with earlier lines of the same batch counted as made.
   */
  async checkSyncLines(s: repo.SourceRow, lines: readonly unknown[], requestId: string): Promise<CheckedLine[]> {
    const inputs = lines.map((value, i) => ({ line: i + 1, value }));
    return asSystem(() => checkSyncLines(this.#d.db, this.syncSource(s), inputs, requestId));
  }

  /**
   * The internal entry point (the sync API, and the Stripe webhook and CSV import built on it):
   * apply decoded lines for a source and return one result per line, in order. Audited and
   * recorded as one batch (counts only).
   */
  async applySyncLines(source: repo.SourceRow | string, lines: readonly unknown[], ctx?: RequestContext): Promise<LineResult[]> {
    const s = typeof source === 'string' ? await this.require(source) : source;
    const inputs = lines.map((value, i) => ({ line: i + 1, value }));
    return (await this.receiveBatch(ctx ?? sourceContext(s, 'internal'), s, inputs)).results;
  }

  async receiveBatch(ctx: RequestContext, s: repo.SourceRow, inputs: readonly SyncLineInput[]): Promise<BatchSummary> {
    return asSystem(async () => {
      const source = this.syncSource(s);
      const batchId = newId('syb');
      const applier = new SyncApplier(this.#d.db, () => this.#now(), ctx.requestId, this.#d.emitEvents, this.#recentStates);
      const outcome = await applier.apply(source, inputs, batchId);
      // what this batch made appear lets lines held for it go
      const retried = await this.#retryHeld(ctx, s, { bans: outcome.newBans, invoices: outcome.newInvoices });
      for (const t of retried) outcome.invoiceTenants.add(t);
      const counts = { applied: 0, unchanged: 0, held: 0, rejected: 0 };
      for (const r of outcome.results) counts[r.status]++;
      const rejections = outcome.results
        .filter((r) => r.status === 'rejected')
        .slice(0, REJECTIONS_KEPT)
        .map((r) => ({ line: r.line, kind: r.kind, external_id: r.external_id, code: r.problem!.code, detail: r.problem!.detail }));
      const now = this.#now();
      await mutate(this.#d.db, async (trx) => {
        await repo.insertBatch(trx, { id: batchId, source_id: s.id, received_at: now, lines: inputs.length, ...counts, rejections: JSON.stringify(rejections) });
        await repo.updateSource(trx, s.id, { last_batch_at: now });
        await this.#d.audit.record(trx, ctx, { action: 'data_source.batch_applied', targetType: 'data_source', targetId: s.id, details: { batch_id: batchId, lines: inputs.length, ...counts } });
      });
      await this.#earnings(ctx, outcome.invoiceTenants);
      return { batch_id: batchId, lines: inputs.length, ...counts, results: outcome.results };
    });
  }

  /**
   * Apply held lines again: those waiting for the given billing accounts and invoices, and any whose
   * billing account exists by now (made by any means). Returns the customers whose invoices changed.
   */
  async #retryHeld(ctx: RequestContext, s: repo.SourceRow, f: { bans: Set<string>; invoices: Set<string>; ids?: string[] }): Promise<Set<string>> {
    const keys = [...[...f.bans].map((b) => `ban:${b}`), ...f.invoices];
    const held = new Map<string, repo.HeldLineRow>();
    if (f.ids) {
      for (const h of await repo.listHeld(this.#k, { sourceId: s.id, status: 'held', limit: 10_000 })) if (f.ids.includes(h.id)) held.set(h.id, h);
    } else {
      if (keys.length) for (const h of await repo.listHeld(this.#k, { sourceId: s.id, status: 'held', missingKeys: keys, limit: RETRY_PAGE })) held.set(h.id, h);
      for (const h of await heldLinesNowResolvable(this.#k, s.id, RETRY_PAGE)) held.set(h.id, h);
    }
    const changed = new Set<string>();
    if (held.size === 0) return changed;
    const applier = new SyncApplier(this.#d.db, () => this.#now(), ctx.requestId, this.#d.emitEvents, this.#recentStates);
    const source = this.syncSource(s);
    const rows = [...held.values()];
    const outcome = await applier.apply(source, rows.map((h) => ({ line: h.line_no, value: JSON.parse(h.body) as unknown })), null);
    for (const t of outcome.invoiceTenants) changed.add(t);
    for (let i = 0; i < rows.length; i++) {
      const r = outcome.results[i];
      if (r.status === 'held') continue;
      const words = r.status === 'rejected' ? `Refused when tried again: ${r.problem!.detail}` : r.status === 'applied' ? 'Applied once what it named appeared.' : (r.reason ?? 'Nothing to change.');
      await repo.resolveHeld(this.#k, rows[i].id, r.status === 'rejected' ? 'rejected' : 'applied', words, this.#now());
    }
    // what the retried lines made appear (a billing account) lets further lines go
    if (outcome.newBans.size || outcome.newInvoices.size) for (const t of await this.#retryHeld(ctx, s, { bans: outcome.newBans, invoices: outcome.newInvoices })) changed.add(t);
    return changed;
  }

  /** The operator applies one held line again, or all of a source's. */
  async retryHeldLines(ctx: RequestContext, sourceId: string, heldId?: string): Promise<{ applied: number; still_held: number; rejected: number }> {
    return asSystem(async () => {
      const s = await this.require(sourceId);
      const before = await repo.listHeld(this.#k, { sourceId, status: 'held', limit: 10_000 });
      if (heldId && !before.some((h) => h.id === heldId)) throw E.held_line_not_found();
      const ids = heldId ? [heldId] : before.map((h) => h.id);
      const changed = await this.#retryHeld(ctx, s, { bans: new Set(), invoices: new Set(), ids });
      const after = await repo.listHeld(this.#k, { sourceId, limit: 10_000 });
      const tried = after.filter((h) => ids.includes(h.id));
      const result = { applied: tried.filter((h) => h.status === 'applied').length, still_held: tried.filter((h) => h.status === 'held').length, rejected: tried.filter((h) => h.status === 'rejected').length };
      await mutate(this.#d.db, (trx) => this.#d.audit.record(trx, ctx, { action: 'data_source.held_lines_retried', targetType: 'data_source', targetId: sourceId, details: result }));
      await this.#earnings(ctx, changed);
      return result;
    });
  }

  /** The operator sets a held line aside (it will not be applied). */
  async dismissHeld(ctx: RequestContext, sourceId: string, heldId: string): Promise<void> {
    const h = (await repo.listHeld(this.#k, { sourceId, status: 'held', limit: 10_000 })).find((x) => x.id === heldId);
    if (!h) throw E.held_line_not_found();
    await mutate(this.#d.db, async (trx) => {
      await repo.resolveHeld(trx, heldId, 'dismissed', 'Set aside by the operator.', this.#now());
      await this.#d.audit.record(trx, ctx, { action: 'data_source.held_line_dismissed', targetType: 'data_source', targetId: sourceId, details: { held_line_id: heldId } });
    });
  }

  async #earnings(ctx: RequestContext, tenants: Set<string>) {
    // one read for the batch's customers, then each referring partner once
    if (tenants.size === 0) return;
    for (const p of await this.#d.referrersOf([...tenants])) await this.#d.computeEarnings(ctx, p);
  }

  // ---- reading back --------------------------------------------------------------------------

  /** Per kind of line: the highest version applied, the last sync and the record count (to resume). */
  async state(sourceId: string) {
    const rows = await repo.kindStates(this.#k, sourceId);
    return rows.map((r) => ({ kind: r.kind, last_version: displayVersion(r.last_version), last_synced_at: r.last_synced_at, records: r.records }));
  }

  /** For the records of these customers, per source kind: which source they came from and when it last synced. */
  async freshness(tenantIds: readonly string[]) {
    const rows = await asSystem(() => repo.freshnessOf(this.#k, tenantIds));
    const byKind = new Map<string, { kind: string; sources: { source_id: string; source_name: string; last_synced_at: string }[] }>();
    for (const r of rows.sort((a, b) => b.last_synced_at.localeCompare(a.last_synced_at))) {
      const e = byKind.get(r.kind) ?? { kind: r.kind, sources: [] };
      e.sources.push({ source_id: r.source_id, source_name: r.source_name, last_synced_at: r.last_synced_at });
      byKind.set(r.kind, e);
    }
    return SOURCE_KINDS.filter((k) => byKind.has(k)).map((k) => byKind.get(k)!);
  }

  /** The demo world's records belong to the built-in "Demo data" source: its counts and sync time. */
  async markDemoData(): Promise<void> {
    await asSystem(async () => {
      const now = this.#now();
      const tables = { billing_accounts: 'billing_accounts', invoices: 'invoices', services: 'provisioned_services', orders: 'orders', tickets: 'support_tickets', usage: 'usage_records', sla: 'sla_records', subscribers: 'subscribers' } as const;
      await mutate(this.#d.db, async (trx) => {
        for (const [kind, table] of Object.entries(tables)) {
          const rows = await trx.selectFrom(table).select((eb) => ['tenant_id', eb.fn.countAll<number>().as('n')]).groupBy('tenant_id').execute();
          for (const r of rows) await repo.touchTenantState(trx, DEMO_SOURCE_ID, r.tenant_id, kind, now);
          await repo.setKindState(trx, DEMO_SOURCE_ID, kind, now, rows.reduce((a, r) => a + Number(r.n), 0));
        }
        await repo.updateSource(trx, DEMO_SOURCE_ID, { last_batch_at: now });
      });
    });
  }
}

/** The audit context of a source's own request: the source acts, no person. */
export function sourceContext(s: { id: string }, requestId: string, ip: string | null = null, userAgent: string | null = null): RequestContext {
  return { requestId, ip, userAgent, actor: { type: 'system', userId: null, partnerId: null, clientId: s.id, agencyId: null } };
}
export type { HeldLineRow, SourceRow } from './datasources.repo.ts';
