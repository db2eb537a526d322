/**
 * The purpose catalog and the purposes gateway routes require. Both are held in memory on every
 * instance (loaded at boot, reloaded when the change feed reports a change), so the consent
 * screen, the token endpoint and the gateway ask them without a database read. The catalog is the
 * operator's: built-in purposes are seeded, others added, any renamed or retired (a retired purpose
 * is offered to no one any more; what was granted for it stays visible and revocable).
 */
import type { Clock } from '../../platform/clock.ts';
import { mutateAndKick, type Db } from '../../platform/db/database.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { purposeErrors as E } from './purposes.errors.ts';
import * as repo from './purposes.repo.ts';
import { problemDetails as PD } from './purposes.problem-details.ts';

export const PURPOSE_ENTITY = 'purpose';
export const ROUTE_PURPOSE_ENTITY = 'gateway_route_purpose';

export interface PurposesDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  feed: ChangeFeed;
}

export interface PurposeDto {
  id: string;
  name: string;
  description: string;
  status: 'active' | 'retired';
  built_in: boolean;
  /** the W3C DPV purpose term CAMARA's `dpv:<Purpose>#<scope>` scopes name it by; null: none */
  dpv: string | null;
  created_at: string;
  updated_at: string;
}

/** A gateway route as the operator's page lists it (the gateway tells which routes exist). */
export interface KnownRoute {
  method: string;
  pattern: string;
  permission: string | null;
  upstream: string;
  /** the purpose the route table declares for it (GATEWAY_ROUTES); the operator's choice wins */
  declared?: string | null;
}

export function routeKey(method: string, pattern: string): string {
  return `${method.toUpperCase()} ${pattern}`;
}

function toDto(r: repo.PurposeRow): PurposeDto {
  return { id: r.id, name: r.name, description: r.description, status: r.status, built_in: r.built_in === 1, dpv: r.dpv ?? null, created_at: r.created_at, updated_at: r.updated_at };
}

export class PurposeCatalog {
  readonly #d: PurposesDeps;
  #purposes = new Map<string, PurposeDto>();
  #routes = new Map<string, string>();
  #routeListeners = new Set<() => void>();
  #knownRoutes: () => KnownRoute[] = () => [];
  #unsubscribe: (() => void) | null = null;

  constructor(d: PurposesDeps) {
    this.#d = d;
  }

  async load(): Promise<void> {
    await this.#reload();
    this.#unsubscribe ??= this.#d.feed.subscribe(async (events) => {
      if (events.some((e) => e.entity === PURPOSE_ENTITY || e.entity === ROUTE_PURPOSE_ENTITY)) await this.#reload();
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  async #reload(): Promise<void> {
    const [purposes, routes] = await Promise.all([repo.listPurposes(this.#d.db.kysely), repo.listRoutePurposes(this.#d.db.kysely)]);
    this.#purposes = new Map(purposes.map((p) => [p.id, toDto(p)]));
    this.#routes = new Map(routes.map((r) => [r.route, r.purpose_id]));
    for (const l of this.#routeListeners) l();
  }

  // ---- from memory ----------------------------------------------------------------------------

  /** The catalog, active purposes first (retired ones only when asked). */
  list(includeRetired = false): PurposeDto[] {
    return [...this.#purposes.values()].filter((p) => includeRetired || p.status === 'active');
  }

  get(id: string): PurposeDto | undefined {
    return this.#purposes.get(id);
  }

  /** The catalog's active ids among `ids`, in the catalog's order (unknown and retired ones dropped). */
  activeAmong(ids: Iterable<string>): string[] {
    const wanted = new Set(ids);
    return this.list().filter((p) => wanted.has(p.id)).map((p) => p.id);
  }

  /** The active purpose that answers to a DPV term (`FraudPreventionAndDetection`), if any. */
  byDpv(term: string): PurposeDto | undefined {
    return this.list().find((p) => p.dpv === term);
  }

  /** `ids` when each is an active purpose of the catalog (deduplicated); else purpose_invalid. */
  validate(ids: readonly string[]): string[] {
    const out = [...new Set(ids)];
    const bad = out.filter((id) => this.#purposes.get(id)?.status !== 'active');
    if (bad.length > 0) throw E.purpose_invalid(PD.notActivePurposeCatalog, { values: { bad: bad.join(', ') } });
    return out;
  }

  /** The purpose a route requires (its method and pattern), or null. */
  requiredFor(method: string, pattern: string): string | null {
    return this.#routes.get(routeKey(method, pattern)) ?? null;
  }

  /** Called after every reload of the route requirements (the gateway copies them onto its route table). */
  onRoutesChanged(listener: () => void): () => void {
    this.#routeListeners.add(listener);
    return () => this.#routeListeners.delete(listener);
  }

  /** Which routes exist (the gateway's route table), for the operator's page and to check a route named. */
  listRoutesFrom(routes: () => KnownRoute[]): void {
    this.#knownRoutes = routes;
  }

  routes(): (KnownRoute & { purpose: string | null })[] {
    return this.#knownRoutes().map((r) => this.#withPurpose(r));
  }

  /** A route and the purpose it requires now: the operator's choice, else the route table's. */
  #withPurpose(r: KnownRoute): KnownRoute & { purpose: string | null } {
    const { declared = null, ...route } = r;
    return { ...route, purpose: this.requiredFor(r.method, r.pattern) ?? declared };
  }

  // ---- the operator's changes ------------------------------------------------------------------

  async create(ctx: RequestContext, input: { id: string; name: string; description: string; dpv?: string | null }): Promise<PurposeDto> {
    const now = this.#d.clock.now().toISOString();
    const dpv = input.dpv ?? null;
    await this.#write(async (trx) => {
      if (await repo.findPurpose(trx, input.id)) throw E.purpose_exists(PD.catalogHasPurposeAlready, { values: { id: input.id } });
      await this.#checkDpvFree(trx, dpv, input.id);
      await repo.insertPurpose(trx, { id: input.id, name: input.name, description: input.description, dpv, status: 'active', built_in: 0, created_by: ctx.actor.userId, created_at: now, updated_at: now });
      await this.#d.feed.record(trx, PURPOSE_ENTITY, input.id);
      await this.#d.audit.record(trx, ctx, { action: 'purpose.created', targetType: 'purpose', targetId: input.id, details: { name: input.name, description: input.description, dpv } });
    });
    return this.#purposes.get(input.id)!;
  }

  async update(ctx: RequestContext, id: string, input: { name?: string; description?: string; dpv?: string | null }): Promise<PurposeDto> {
    await this.#write(async (trx) => {
      const row = await repo.findPurpose(trx, id);
      if (!row) throw E.purpose_not_found(PD.catalogHasNoPurpose, { values: { id } });
      if (input.dpv !== undefined) await this.#checkDpvFree(trx, input.dpv, id);
      await repo.updatePurpose(trx, id, { ...input, updated_at: this.#d.clock.now().toISOString() });
      await this.#d.feed.record(trx, PURPOSE_ENTITY, id);
      await this.#d.audit.record(trx, ctx, { action: 'purpose.updated', targetType: 'purpose', targetId: id, details: { before: { name: row.name, description: row.description, dpv: row.dpv }, after: input } });
    });
    return this.#purposes.get(id)!;
  }

  /** Retire a purpose: no consent screen or link offers it any more, and no route can require it. */
  async retire(ctx: RequestContext, id: string): Promise<PurposeDto> {
    await this.#write(async (trx) => {
      const row = await repo.findPurpose(trx, id);
      if (!row) throw E.purpose_not_found(PD.catalogHasNoPurpose, { values: { id } });
      if (row.status === 'retired') throw E.purpose_retired(PD.retiredAlready, { values: { name: row.name } });
      const requiredBy = (await repo.listRoutePurposes(trx)).filter((r) => r.purpose_id === id).map((r) => r.route);
      if (requiredBy.length > 0) throw E.purpose_retired(PD.gatewayRoutesStillRequire, { values: { name: row.name, requiredBy: requiredBy.join(', ') } });
      await repo.updatePurpose(trx, id, { status: 'retired', updated_at: this.#d.clock.now().toISOString() });
      await this.#d.feed.record(trx, PURPOSE_ENTITY, id);
      await this.#d.audit.record(trx, ctx, { action: 'purpose.retired', targetType: 'purpose', targetId: id, details: { name: row.name } });
    });
    return this.#purposes.get(id)!;
  }

  /**
   * The purpose a gateway route requires, enforced by every instance from its next request. Null
   * drops the operator's choice: the route requires what the route table declares (often none).
   */
  async setRoutePurpose(ctx: RequestContext, method: string, pattern: string, purposeId: string | null): Promise<KnownRoute & { purpose: string | null }> {
    const route = this.#knownRoutes().find((r) => r.method === method.toUpperCase() && r.pattern === pattern);
    if (!route) throw E.gateway_route_not_found(PD.gatewayHasNoRoute, { values: { route: routeKey(method, pattern) } });
    if (purposeId !== null) this.validate([purposeId]);
    const key = routeKey(route.method, route.pattern);
    const before = this.#routes.get(key) ?? null;
    await this.#write(async (trx) => {
      if (purposeId === null) await repo.deleteRoutePurpose(trx, key);
      else await repo.upsertRoutePurpose(trx, { route: key, purpose_id: purposeId, updated_by: ctx.actor.userId, updated_at: this.#d.clock.now().toISOString() });
      await this.#d.feed.record(trx, ROUTE_PURPOSE_ENTITY, key);
      await this.#d.audit.record(trx, ctx, { action: 'gateway.route_purpose_changed', targetType: 'route', targetId: key, details: { before, after: purposeId } });
    });
    return this.#withPurpose(route);
  }

  /** One purpose per DPV term: a CAMARA scope names exactly one. */
  async #checkDpvFree(trx: Parameters<typeof repo.findPurposeByDpv>[0], dpv: string | null, id: string): Promise<void> {
    if (dpv === null) return;
    const holder = await repo.findPurposeByDpv(trx, dpv);
    if (holder && holder.id !== id) throw E.purpose_exists(PD.answersDpvPurposeAlready, { values: { name: holder.name, dpv } });
  }

  #write(fn: Parameters<typeof mutateAndKick>[2]): Promise<unknown> {
    return mutateAndKick(this.#d.db, this.#d.feed, fn);
  }
}
