/**
 * Where writes go: per record kind that can be written (orders, tickets), the operator picks the
 * reference service (no row; the write lands here at once) or a gateway route of the provider's
 * system together with the data source its records come back through. A write sent there is kept
 * here as provisional and bound to the id the provider answered with (or, when it named none, to the
 * Idempotency-Key it was sent with), so the first line its source sends for that id replaces it.
 *
 * The sending itself is the gateway's (ProviderSend, installed once the gateway's route table
 * exists); this service decides where, checks the choice against the configured routes and the
 * source, and keeps the bindings (sync_records is this module's table).
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { AuditLog } from '../audit/index.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { dataSourceErrors as E } from './datasources.errors.ts';
import * as repo from './write-routes.repo.ts';
import { problemDetails as PD } from './datasources.problem-details.ts';

export const WRITABLE_KINDS = ['orders', 'tickets'] as const;
export type WritableKind = (typeof WRITABLE_KINDS)[number];

/** The calls each kind's writes make, relative to the route's prefix. */
const NEEDS: Record<WritableKind, { method: string; test: RegExp; words: string }[]> = {
  orders: [
    { method: 'POST', test: /^\/orders$/, words: 'POST /orders' },
    { method: 'POST', test: /^\/orders\/:[^/]+\/cancel$/, words: 'POST /orders/:order_id/cancel' },
  ],
  tickets: [
    { method: 'POST', test: /^\/tickets$/, words: 'POST /tickets' },
    { method: 'PATCH', test: /^\/tickets\/:[^/]+$/, words: 'PATCH /tickets/:ticket_id' },
  ],
};

/** A configured gateway route (GATEWAY_ROUTES), as far as this service reads it. */
export interface ConfiguredRoute {
  name: string;
  prefix: string;
  rules: readonly { method: string; path: string }[];
}

export interface AvailableRoute {
  name: string;
  prefix: string;
  /** per kind: the calls the route has no rule for (empty: it takes that kind's writes) */
  missing: Record<WritableKind, string[]>;
}

export interface WriteTarget {
  kind: WritableKind;
  routeName: string;
  sourceId: string;
  /** the provider's system in words, as the portal says it */
  sourceName: string;
  confirmWithinMinutes: number;
}

/** Who the write is for, as the gateway verified it (the resources' caller). */
export interface WriteIdentity {
  tenantId: string;
  bans: readonly string[] | null;
  ban?: string | null;
  partnerId: string | null;
  userId: string | null;
  clientId: string | null;
  delegationId: string | null;
  persona: string | null;
  billTo: string | null;
}

/** The gateway's forwarding of one write (gateway/provider-writes.ts). */
export type ProviderSend = (w: {
  routeName: string;
  providerName: string;
  method: 'POST' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  identity: { partnerId: string | null; userId: string | null; clientId: string | null; tenantId: string | null; ban: string | null; bans: readonly string[] | null; billTo: string | null; delegationId: string | null; scopes: readonly string[] | null; persona: string | null };
  requestId: string;
  idempotencyKey: string;
}) => Promise<{ status: number; externalId: string | null }>;

export interface WriteRoutesDeps {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  routes: readonly ConfiguredRoute[];
}

const norm = (p: string) => '/' + p.replace(/^\/+/, '').replace(/\/+$/, '');

export class WriteRoutesService {
  readonly #d: WriteRoutesDeps;
  #send: ProviderSend | null = null;

  constructor(d: WriteRoutesDeps) {
    this.#d = d;
  }

  /** The gateway's forwarding, once its route table is built (build-app). */
  attach(send: ProviderSend): void {
    this.#send = send;
  }

  availableRoutes(): AvailableRoute[] {
    return this.#d.routes.map((r) => ({
      name: r.name,
      prefix: r.prefix,
      missing: Object.fromEntries(WRITABLE_KINDS.map((k) => [k, NEEDS[k].filter((n) => !r.rules.some((x) => x.method.toUpperCase() === n.method && n.test.test(norm(x.path)))).map((n) => n.words)])) as Record<WritableKind, string[]>,
    }));
  }

  async list() {
    const rows = await repo.listWriteRoutes(this.#d.db.kysely);
    return WRITABLE_KINDS.map((kind) => {
      const r = rows.find((x) => x.kind === kind);
      return { kind, target: r ? this.#target(r) : null, source_status: r?.source_status ?? null, updated_at: r?.updated_at ?? null };
    });
  }

  #target(r: repo.WriteRouteRow & { source_name: string }): WriteTarget {
    return { kind: r.kind, routeName: r.route_name, sourceId: r.source_id, sourceName: r.source_name, confirmWithinMinutes: r.confirm_within_minutes };
  }

  /** Where a kind's writes go now: a provider's route, or null for the reference service. */
  async targetFor(kind: WritableKind): Promise<WriteTarget | null> {
    const r = (await repo.listWriteRoutes(this.#d.db.kysely)).find((x) => x.kind === kind);
    return r ? this.#target(r) : null;
  }

  /** The operator's choice for a kind: a route and the source its records come back through, or null for the reference service. Audited. */
  async set(ctx: RequestContext, kind: WritableKind, choice: { route_name: string; source_id: string; confirm_within_minutes?: number } | null): Promise<void> {
    const now = this.#d.clock.now().toISOString();
    if (choice === null) {
      await mutate(this.#d.db, async (trx) => {
        if (await repo.deleteWriteRoute(trx, kind)) await this.#d.audit.record(trx, ctx, { action: 'record_writes.routed', targetType: 'record_kind', targetId: kind, details: { to: 'reference_service' } });
      });
      return;
    }
    const route = this.availableRoutes().find((r) => r.name === choice.route_name);
    if (!route) throw E.write_route_unknown(PD.noGatewayRouteNamed, { values: { route_name: choice.route_name }, fields: [{ pointer: '/body/route_name', detail: 'is not a configured gateway route' }] });
    if (route.missing[kind].length > 0) {
      throw E.write_route_unknown(`The gateway route ${route.name} has no rule for ${route.missing[kind].join(' and ')}: add them to its rules first.`, { fields: [{ pointer: '/body/route_name', detail: `has no rule for ${route.missing[kind].join(', ')}` }] });
    }
    const source = await repo.findSourceForWrites(this.#d.db.kysely, choice.source_id);
    if (!source) throw E.write_source_unfit(PD.noSuchDataSource, { fields: [{ pointer: '/body/source_id', detail: 'is not a data source' }] });
    if (source.status !== 'active' || source.built_in === 1 || !(JSON.parse(source.kinds) as string[]).includes(kind)) {
      throw E.write_source_unfit(PD.cannotBringBackPick, { values: { name: source.name, kind }, fields: [{ pointer: '/body/source_id', detail: `does not send ${kind}` }] });
    }
    await mutate(this.#d.db, async (trx) => {
      await repo.upsertWriteRoute(trx, { kind, route_name: route.name, source_id: source.id, confirm_within_minutes: choice.confirm_within_minutes ?? 60, updated_at: now, updated_by: ctx.actor.userId ?? null });
      await this.#d.audit.record(trx, ctx, { action: 'record_writes.routed', targetType: 'record_kind', targetId: kind, details: { to: 'provider', route_name: route.name, source_id: source.id, confirm_within_minutes: choice.confirm_within_minutes ?? 60 } });
    });
  }

  /**
   * Send one write through the gateway to the target's route. Throws the gateway's refusals
   * (problem+json, in words the person can act on); a refusal is audited first, as a failure: who sent
   * it, what kind of record, which one, and what went wrong in the same words.
   */
  async send(t: WriteTarget, w: { method: 'POST' | 'PATCH'; path: string; body: Record<string, unknown>; caller: WriteIdentity; requestId: string; idempotencyKey: string; recordId?: string | null }) {
    try {
      return await this.#forward(t, w);
    } catch (e) {
      if (e instanceof AppError) await this.#auditFailure(t, w, e);
      throw e;
    }
  }

  async #auditFailure(t: WriteTarget, w: { method: string; path: string; caller: WriteIdentity; requestId: string; recordId?: string | null }, e: AppError) {
    const c = w.caller;
    const ctx: RequestContext = { requestId: w.requestId, ip: null, userAgent: null, actor: { type: c.userId ? 'user' : c.clientId ? 'app' : 'system', userId: c.userId, partnerId: c.partnerId, clientId: c.clientId, agencyId: null } };
    // the record: the one here (when the caller names it), else the provider's id in the path (a reply, a cancellation)
    const theirs = /^\/(?:orders|tickets)\/([^/]+)/.exec(w.path)?.[1];
    const record = t.kind === 'orders' ? 'order' : 'ticket';
    await mutate(this.#d.db, (trx) =>
      this.#d.audit.record(trx, ctx, {
        action: 'record_writes.send_failed',
        outcome: 'failure',
        tenantId: c.tenantId,
        partnerId: c.partnerId,
        targetType: record,
        targetId: w.recordId ?? null,
        details: { kind: record, provider: t.sourceName, route_name: t.routeName, method: w.method, path: w.path, external_id: theirs ? decodeURIComponent(theirs) : null, code: e.code, failure: e.detail },
      }),
    );
  }

  #forward(t: WriteTarget, w: { method: 'POST' | 'PATCH'; path: string; body: Record<string, unknown>; caller: WriteIdentity; requestId: string; idempotencyKey: string }) {
    const c = w.caller;
    if (this.#send === null) throw new Error('the gateway has not attached its forwarding');
    return this.#send({
      routeName: t.routeName,
      providerName: t.sourceName,
      method: w.method,
      path: w.path,
      body: w.body,
      identity: { partnerId: c.partnerId, userId: c.userId, clientId: c.clientId, tenantId: c.tenantId, ban: c.ban ?? null, bans: c.bans, billTo: c.billTo, delegationId: c.delegationId, scopes: null, persona: c.persona },
      requestId: w.requestId,
      idempotencyKey: w.idempotencyKey,
    });
  }

  /** Bind a record sent to the provider to its id there, in the write's transaction. */
  bind(trx: Tx, t: WriteTarget, kind: 'order' | 'ticket', externalId: string, recordId: string, tenantId: string): Promise<void> {
    return repo.bindSentRecord(trx, { source_id: t.sourceId, kind, external_id: externalId, record_id: recordId, tenant_id: tenantId, now: this.#d.clock.now().toISOString() });
  }

  /** The target source's id of a record; null when the record is not that source's (it stays the reference service's to change). */
  externalIdOf(t: WriteTarget, kind: 'order' | 'ticket', recordId: string): Promise<string | null> {
    return repo.externalIdOf(this.#d.db.kysely, t.sourceId, kind, recordId);
  }
}
