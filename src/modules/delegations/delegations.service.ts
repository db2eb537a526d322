/**
 * Delegations: the only thing that lets a partner touch tenant data (ARCHITECTURE §1).
 *
 * One table, three origins. `link` (seed 001, MSP / enterprise HQ) is requested by a partner and
 * becomes active only when a tenant admin approves it; `consent` (created by the OAuth module when
 * a tenant admin approves an app) and `wholesale` (created by the gateway/wholesale flow when a
 * wholesaler provisions a resold tenant) are born active through `createDelegation(trx, ctx, …)`.
 *
 * Every step commits with its audit event (tenant_id AND partner_id set, so both sides see it)
 * and a change-feed row, so every instance's decision snapshot re-reads the delegation.
 */
import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../../platform/db/database.ts';
import { asSystem, tenantContext } from '../../platform/db/db-context.ts';
import { enterDbContext, lockRows, mutate } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { systemContext, type RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { authzErrors as A, grantCovers, isGrant, type RoleCatalog } from '../authz/index.ts';
import { tenantErrors } from '../tenants/index.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import * as repo from './delegations.repo.ts';

export type { DelegationRow, DelegationView, DelegationStatus, DelegationOrigin } from './delegations.repo.ts';

export interface Overrides {
  grant: string[];
  deny: string[];
}

/** Which partner capability each origin needs (ARCHITECTURE §1). */
export const ORIGIN_CAPABILITY = { link: 'managed_services', consent: 'delegated', wholesale: 'wholesale' } as const;

/** Top-level permission namespaces a delegation may grant: the customer resource APIs. */
const RESOURCE_NAMESPACES = new Set(['billing', 'orders', 'services', 'support', 'reports', 'alerts', 'vouchers']);

export interface CreateDelegationInput {
  partnerId: string;
  tenantId: string;
  origin: repo.DelegationOrigin;
  /** a role of the delegation catalog */
  role: string;
  /** consent: the permission grants the customer approved (token scopes mapped to permissions) */
  scopes?: string[] | null;
  /** billing account ids (or account numbers) covered; null/absent = all of the tenant's */
  banIds?: string[] | null;
  overrides?: Partial<Overrides> | null;
  justification?: string | null;
  /** ISO time; default now */
  startsAt?: string | null;
  /** ISO time; required, capped by config.delegationMaxDays */
  endsAt: string;
  /** link: 'requested' (default); consent and wholesale: 'active' (default) */
  status?: 'requested' | 'active';
  /** consent: the OAuth client the delegation is bound to */
  clientId?: string | null;
  /** wholesale: the BAN (of the wholesaler) billed for what is ordered */
  billToBanId?: string | null;
  /** default ctx.actor.userId */
  requestedBy?: string | null;
  /** for delegations born active: who approved (default ctx.actor.userId) */
  decidedBy?: string | null;
}

export interface DelegationsDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
  roles: RoleCatalog;
  /** config.delegationMaxDays */
  maxDays: number;
  onError?: (err: unknown) => void;
}

export type Side = 'tenant' | 'partner' | 'operator';

/** Who revokes (the side, and the tenant or partner the delegation must belong to) and why. */
export interface RevokeBy {
  side: Side;
  tenantId?: string;
  partnerId?: string;
  reason: string;
}

const DAY_MS = 86_400_000;

export class DelegationsService {
  readonly #d: DelegationsDeps;
  #sweep: NodeJS.Timeout | null = null;
  constructor(d: DelegationsDeps) {
    this.#d = d;
  }

  /** Every minute, mark lapsed delegations expired (every instance may run it: the update is idempotent). */
  startExpirySweep(intervalMs = 60_000): void {
    if (this.#sweep) return;
    const ctx = systemContext('delegation-expiry');
    this.#sweep = setInterval(() => {
      asSystem(() => this.expireLapsed(ctx)).catch((e) => this.#d.onError?.(e));
    }, intervalMs);
    this.#sweep.unref();
  }

  stopExpirySweep(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  /**
   * Commit, then wait until this instance's snapshot has read the change: the caller's very next
   * request here already sees it (other instances get it through the feed fan-out).
   */
  async #write<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    try {
      return await mutate(this.#d.db, fn);
    } finally {
      await this.#d.feed.kick();
    }
  }

  get maxDays(): number {
    return this.#d.maxDays;
  }

  // ---- validation ---------------------------------------------------------------------------

  /**
   * Overrides are validated, never silently ignored: a malformed name, or a well-formed one that
   * names no known permission (a typo in a deny would leave access open), is 400 invalid_permission.
   * A grant may only widen access to the customer resource APIs.
   */
  validateOverrides(input: Partial<Overrides> | null | undefined): Overrides {
    const known = [...this.#d.roles.permissions.keys()];
    const check = (list: string[] | undefined, kind: 'grant' | 'deny'): string[] => {
      const out: string[] = [];
      for (const [i, g] of (list ?? []).entries()) {
        const pointer = `/overrides/${kind}/${i}`;
        if (typeof g !== 'string' || !isGrant(g)) {
          throw A.invalid_permission(`"${String(g)}" is not a permission name (dotted lowercase segments, optionally ending in .*).`, { fields: [{ pointer, detail: 'malformed permission' }] });
        }
        const covered = known.filter((p) => grantCovers(g, p));
        if (covered.length === 0) {
          throw A.invalid_permission(`"${g}" names no known permission (GET /api/v1/permissions lists them).`, { fields: [{ pointer, detail: 'unknown permission' }] });
        }
        if (kind === 'grant' && (g === '*' || covered.some((p) => !RESOURCE_NAMESPACES.has(p.split('.')[0])))) {
          throw A.invalid_permission(`"${g}" reaches beyond the customer resource APIs; a delegation can grant only ${[...RESOURCE_NAMESPACES].map((n) => n + '.*').join(', ')}.`, {
            fields: [{ pointer, detail: 'not a resource permission' }],
          });
        }
        if (!out.includes(g)) out.push(g);
      }
      return out;
    };
    return { grant: check(input?.grant, 'grant'), deny: check(input?.deny, 'deny') };
  }

  /** Scopes of a consent delegation are permission grants too. */
  #validateScopes(scopes: string[] | null | undefined): string[] | null {
    if (scopes === null || scopes === undefined) return null;
    for (const [i, s] of scopes.entries()) {
      if (!isGrant(s)) throw A.invalid_permission(`Scope "${s}" is not a permission grant.`, { fields: [{ pointer: `/scopes/${i}`, detail: 'malformed permission' }] });
    }
    return [...new Set(scopes)];
  }

  #validateRole(role: string, origin: repo.DelegationOrigin): void {
    const r = this.#d.roles.get(role);
    if (!r || r.catalog !== 'delegation') {
      const names = this.#d.roles.list('delegation').map((x) => x.id);
      throw E.delegation_role_invalid(`"${role}" is not a delegation role (${names.join(', ')}).`, { fields: [{ pointer: '/role', detail: 'unknown role' }] });
    }
    if (origin === 'link' && role === 'WHOLESALE') {
      throw E.delegation_role_invalid('WHOLESALE is only for wholesale delegations.', { fields: [{ pointer: '/role', detail: 'not a link role' }] });
    }
  }

  /** Start and end: end after start, in the future, at most maxDays from now. Returns ISO strings. */
  #validateWindow(startsAt: string | null | undefined, endsAt: string, now: Date): { starts: string; ends: string } {
    const start = startsAt ? Date.parse(startsAt) : now.getTime();
    const end = Date.parse(endsAt);
    if (Number.isNaN(start) || Number.isNaN(end)) throw E.delegation_window_invalid('starts_at and ends_at must be ISO-8601 date-times.');
    if (end <= now.getTime()) throw E.delegation_window_invalid('ends_at must be in the future.', { fields: [{ pointer: '/ends_at', detail: 'in the past' }] });
    if (end <= start) throw E.delegation_window_invalid('ends_at must be after starts_at.', { fields: [{ pointer: '/ends_at', detail: 'before the start' }] });
    if (end - now.getTime() > this.#d.maxDays * DAY_MS) {
      throw E.delegation_too_long(`A delegation may last at most ${this.#d.maxDays} days from now; ends_at is later.`, { fields: [{ pointer: '/ends_at', detail: `more than ${this.#d.maxDays} days away` }] });
    }
    return { starts: new Date(start).toISOString(), ends: new Date(end).toISOString() };
  }

  /** BANs by id or account number → ids of the tenant's accounts; null stays null (all accounts). */
  async #resolveBans(trx: Tx, tenantId: string, bans: string[] | null | undefined): Promise<string[] | null> {
    if (bans === null || bans === undefined) return null;
    const accounts = await repo.listBillingAccountIds(trx, tenantId);
    const out: string[] = [];
    for (const [i, b] of bans.entries()) {
      const a = accounts.find((x) => x.id === b || x.account_number === b);
      if (!a) throw E.delegation_ban_invalid(`Billing account ${b} does not belong to the tenant.`, { fields: [{ pointer: `/ban_ids/${i}`, detail: 'not an account of the tenant' }] });
      if (!out.includes(a.id)) out.push(a.id);
    }
    if (out.length === 0) throw E.delegation_ban_invalid('ban_ids must name at least one billing account, or be omitted for all of them.', { fields: [{ pointer: '/ban_ids', detail: 'empty' }] });
    return out;
  }

  async #requireActivePartner(trx: Tx, partnerId: string, origin: repo.DelegationOrigin) {
    // Guarantee: the partner row is share-locked, so it cannot be suspended or terminated until
    // this transaction ends — a termination (which revokes every open delegation of the partner)
    // runs before or after it, never around it, and no delegation outlives it.
    await lockRows(this.#d.db, trx, 'partners', { id: partnerId }, 'share');
    const p = await repo.findPartnerById(trx, partnerId);
    if (!p) throw A.partner_inactive('The partner does not exist.');
    if (p.status !== 'active') throw A.partner_inactive(`The partner is ${p.status}.`);
    const caps = JSON.parse(p.capabilities) as string[];
    const need = ORIGIN_CAPABILITY[origin];
    if (!caps.includes(need)) throw A.partner_capability_missing(`A ${origin} delegation needs the partner capability ${need}.`);
    return p;
  }

  // ---- creation (all origins) ---------------------------------------------------------------

  /**
   * Create a delegation inside the caller's transaction: validates role, window, BANs, overrides
   * and scopes; checks the partner is active with the capability of the origin and the tenant is
   * active; records the feed row and the audit event (`delegation.requested` for a link request,
   * `delegation.created` for one born active). The caller kicks the feed after commit
   * (`services.feed.kick()`), as for any write.
   */
  async createDelegation(trx: Tx, ctx: RequestContext, input: CreateDelegationInput): Promise<repo.DelegationRow> {
    const now = this.#now();
    const nowIso = now.toISOString();
    this.#validateRole(input.role, input.origin);
    const overrides = this.validateOverrides(input.overrides);
    const scopes = this.#validateScopes(input.scopes);
    const { starts, ends } = this.#validateWindow(input.startsAt, input.endsAt, now);
    await this.#requireActivePartner(trx, input.partnerId, input.origin);
    // Guarantee: the tenant row is share-locked (no suspension or closing in between).
    await lockRows(this.#d.db, trx, 'tenants', { id: input.tenantId }, 'share');
    const tenant = await repo.findTenantById(trx, input.tenantId);
    if (!tenant) throw tenantErrors.tenant_not_found('No such tenant.');
    if (tenant.status !== 'active') throw A.tenant_inactive(`The tenant is ${tenant.status}.`);
    const banIds = await this.#resolveBans(trx, input.tenantId, input.banIds);
    const status = input.status ?? (input.origin === 'link' ? 'requested' : 'active');
    // Guarantee: the unique partial index delegations_partner_id_tenant_id_key (migration 0002)
    // holds one open link per partner and tenant when two requests race past this check.
    if (input.origin === 'link' && (await repo.findOpenLink(trx, input.partnerId, input.tenantId))) {
      throw E.delegation_exists('This partner already has an open (requested or active) link to this tenant; renew it or revoke it first.');
    }
    const row: repo.DelegationRow = {
      id: newId('dlg', now.getTime()),
      partner_id: input.partnerId,
      tenant_id: input.tenantId,
      origin: input.origin,
      role: input.role,
      scopes: scopes ? JSON.stringify(scopes) : null,
      ban_ids: banIds ? JSON.stringify(banIds) : null,
      overrides: JSON.stringify(overrides),
      status,
      justification: input.justification ?? null,
      starts_at: starts,
      ends_at: ends,
      client_id: input.clientId ?? null,
      bill_to_ban_id: input.billToBanId ?? null,
      requested_by: input.requestedBy === undefined ? ctx.actor.userId : input.requestedBy,
      requested_at: nowIso,
      decided_by: status === 'active' ? (input.decidedBy === undefined ? ctx.actor.userId : input.decidedBy) : null,
      decided_at: status === 'active' ? nowIso : null,
      revoked_by: null,
      revoked_at: null,
      revoke_reason: null,
      renewal_ends_at: null,
      last_used_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    };
    await repo.insertDelegation(trx, row);
    await this.#d.feed.record(trx, 'delegation', row.id);
    await this.#d.audit.record(trx, ctx, {
      action: status === 'requested' ? 'delegation.requested' : 'delegation.created',
      tenantId: row.tenant_id,
      partnerId: row.partner_id,
      targetType: 'delegation',
      targetId: row.id,
      details: {
        origin: row.origin,
        role: row.role,
        ban_ids: banIds,
        overrides,
        scopes,
        starts_at: starts,
        ends_at: ends,
        client_id: row.client_id,
        justification: row.justification,
      },
    });
    return row;
  }

  /** createDelegation in its own transaction. */
  create(ctx: RequestContext, input: CreateDelegationInput): Promise<repo.DelegationRow> {
    return this.#write((trx) => this.createDelegation(trx, ctx, input));
  }

  /** Seed 001: a partner asks for a link to a tenant it names by slug or by the tenant's invite code. */
  async requestLink(
    ctx: RequestContext,
    partnerId: string,
    input: { tenant_slug?: string; invite_code?: string; role: string; ban_ids?: string[] | null; overrides?: Partial<Overrides> | null; justification: string; starts_at?: string; ends_at: string },
  ): Promise<repo.DelegationRow> {
    if (!input.tenant_slug === !input.invite_code) throw E.tenant_reference_required('Give exactly one of tenant_slug and invite_code.');
    return this.#write(async (trx) => {
      const tenant = input.invite_code ? await repo.findTenantByInviteCode(trx, input.invite_code) : await repo.findTenantBySlug(trx, input.tenant_slug!);
      if (!tenant) throw input.invite_code ? E.invite_code_not_found('No tenant has this invite code; ask the tenant admin for a current one.') : tenantErrors.tenant_not_found('No tenant has this slug.');
      // The partner files a request in the queue of the tenant it named: the request (and the
      // check of the accounts it names) is written in that tenant's context. It grants nothing
      // until a tenant admin approves it.
      await enterDbContext(this.#d.db, trx, tenantContext(tenant.id));
      return this.createDelegation(trx, ctx, {
        partnerId,
        tenantId: tenant.id,
        origin: 'link',
        role: input.role,
        banIds: input.ban_ids ?? null,
        overrides: input.overrides ?? null,
        justification: input.justification,
        startsAt: input.starts_at ?? null,
        endsAt: input.ends_at,
        status: 'requested',
      });
    });
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * The delegation a transition starts from. Guarantee: its row is locked first, so two
   * transitions of one delegation (approve and revoke, revoke and renew…) run one after the
   * other, the second deciding on what the first committed.
   */
  async #load(trx: Tx, id: string, scope: { tenantId?: string; partnerId?: string }): Promise<repo.DelegationRow> {
    await lockRows(this.#d.db, trx, 'delegations', { id });
    const d = await repo.findDelegationById(trx, id);
    // Another tenant's or partner's delegation answers exactly like a missing one.
    if (!d || (scope.tenantId && d.tenant_id !== scope.tenantId) || (scope.partnerId && d.partner_id !== scope.partnerId)) {
      throw A.delegation_not_found('No such delegation.');
    }
    return d;
  }

  async #update(trx: Tx, ctx: RequestContext, d: repo.DelegationRow, patch: Partial<repo.DelegationRow>, action: string, details: Record<string, unknown>): Promise<repo.DelegationRow> {
    const updated = { ...d, ...patch, updated_at: this.#now().toISOString() };
    await repo.updateDelegation(trx, d.id, { ...patch, updated_at: updated.updated_at });
    await this.#d.feed.record(trx, 'delegation', d.id);
    await this.#d.audit.record(trx, ctx, { action, tenantId: d.tenant_id, partnerId: d.partner_id, targetType: 'delegation', targetId: d.id, details: { origin: d.origin, ...details } });
    return updated;
  }

  /** Tenant admin approves a requested link; it may narrow the BANs and set overrides as it does. */
  approve(ctx: RequestContext, tenantId: string, id: string, input: { ban_ids?: string[] | null; overrides?: Partial<Overrides> } = {}): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      // Locks in one order everywhere — partner, then delegation — as a termination takes them
      // (the partner's row, then its delegations'): approve share-locks the partner first.
      const peek = await repo.findDelegationById(trx, id);
      if (peek) await lockRows(this.#d.db, trx, 'partners', { id: peek.partner_id }, 'share');
      const d = await this.#load(trx, id, { tenantId });
      if (d.status !== 'requested') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be approved.`);
      const now = this.#now();
      if (Date.parse(d.ends_at) <= now.getTime()) throw E.delegation_window_invalid('The requested end date has passed; the partner must request the link again.');
      // DELEGATION_MAX_DAYS may have been lowered since the request: the cap applies when access starts, not only when it is asked for.
      if (Date.parse(d.ends_at) - now.getTime() > this.#d.maxDays * DAY_MS) {
        throw E.delegation_too_long(`The requested end date ${d.ends_at} is more than ${this.#d.maxDays} days away (the platform's current limit); the partner must request the link again with an earlier end date.`);
      }
      await this.#requireTenantAdmin(trx, tenantId, ctx);
      await this.#requireActivePartner(trx, d.partner_id, d.origin);
      const patch: Partial<repo.DelegationRow> = { status: 'active', decided_by: ctx.actor.userId, decided_at: now.toISOString() };
      if (input.ban_ids !== undefined) patch.ban_ids = JSON.stringify(await this.#resolveBans(trx, tenantId, input.ban_ids));
      if (input.ban_ids === null) patch.ban_ids = null;
      if (input.overrides !== undefined) patch.overrides = JSON.stringify(this.validateOverrides(input.overrides));
      return this.#update(trx, ctx, d, patch, 'delegation.approved', {
        role: d.role,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        ban_ids: JSON.parse(patch.ban_ids ?? d.ban_ids ?? 'null'),
        overrides: JSON.parse(patch.overrides ?? d.overrides),
      });
    });
  }

  /**
   * A link or consent is effective only while the tenant admin who approved it stays an active
   * TENANT_ADMIN of the tenant (decided_by; see decide()'s approver check). So only such an admin
   * may approve or confirm one: an operator's approval would leave it without a tenant approver.
   */
  async #requireTenantAdmin(trx: Tx, tenantId: string, ctx: RequestContext): Promise<string> {
    const userId = ctx.actor.userId;
    if (!userId || !(await repo.isActiveTenantAdmin(trx, tenantId, userId))) {
      throw E.tenant_admin_required('Only an active tenant admin of this tenant can approve or confirm a delegation: it stays effective only while its approver remains one.');
    }
    return userId;
  }

  /**
   * A current tenant admin re-confirms an active link or consent whose approver left, was demoted
   * or deactivated (decide() refuses it with delegation_approver_inactive): decided_by becomes the
   * confirming admin and the delegation is effective again from the next request.
   */
  reconfirm(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { tenantId });
      if (d.origin === 'wholesale') throw E.invalid_delegation_transition('A wholesale delegation has no tenant approver to confirm.');
      if (d.status !== 'active') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be confirmed.`);
      const userId = await this.#requireTenantAdmin(trx, tenantId, ctx);
      return this.#update(trx, ctx, d, { decided_by: userId, decided_at: this.#now().toISOString() }, 'delegation.reconfirmed', { previous_approver: d.decided_by, approver: userId });
    });
  }

  reject(ctx: RequestContext, tenantId: string, id: string, reason: string | null): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { tenantId });
      if (d.status !== 'requested') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be rejected.`);
      const now = this.#now().toISOString();
      return this.#update(trx, ctx, d, { status: 'rejected', decided_by: ctx.actor.userId, decided_at: now, revoke_reason: reason }, 'delegation.rejected', { reason });
    });
  }

  /**
   * Revoke inside the caller's transaction (the OAuth module revokes consent delegations through
   * this). A requested link is withdrawn the same way. Takes effect on the very next request: the
   * feed row reaches every instance's snapshot.
   */
  async revokeDelegation(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    const d = await this.#load(trx, id, { tenantId: by.tenantId, partnerId: by.partnerId });
    if (d.status !== 'active' && d.status !== 'requested') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be revoked.`);
    return this.#revoke(trx, ctx, d, by);
  }

  /**
   * Revoke inside the caller's transaction if the delegation is still open; one that has ended
   * already (revoked, expired, rejected) stays as it is and null is returned. For the paths that
   * end access as a consequence of something else — a grant revoked twice, two disconnects
   * racing: ending what has ended is a no-op, not an error. Decided on the row read inside the
   * transaction (under the delegation's row lock), not on an earlier read.
   */
  async revokeDelegationIfOpen(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    const d = await this.#load(trx, id, { tenantId: by.tenantId, partnerId: by.partnerId });
    if (d.status !== 'active' && d.status !== 'requested') return null;
    return this.#revoke(trx, ctx, d, by);
  }

  #revoke(trx: Tx, ctx: RequestContext, d: repo.DelegationRow, by: RevokeBy): Promise<repo.DelegationRow> {
    const now = this.#now().toISOString();
    return this.#update(trx, ctx, d, { status: 'revoked', revoked_by: ctx.actor.userId, revoked_at: now, revoke_reason: by.reason, renewal_ends_at: null }, 'delegation.revoked', {
      side: by.side,
      reason: by.reason,
      was: d.status,
    });
  }

  revoke(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    return this.#write((trx) => this.revokeDelegation(trx, ctx, id, by));
  }

  /** revokeDelegationIfOpen in a transaction of its own: null when the delegation had ended already. */
  revokeIfOpen(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    return this.#write((trx) => this.revokeDelegationIfOpen(trx, ctx, id, by));
  }

  /** The tenant edits what an open delegation allows: overrides and covered BANs. */
  updateAccess(ctx: RequestContext, tenantId: string, id: string, input: { overrides?: Partial<Overrides>; ban_ids?: string[] | null }): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { tenantId });
      if (d.status !== 'active' && d.status !== 'requested') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be changed.`);
      const patch: Partial<repo.DelegationRow> = {};
      const details: Record<string, unknown> = {};
      if (input.overrides !== undefined) {
        patch.overrides = JSON.stringify(this.validateOverrides(input.overrides));
        details.overrides = { from: JSON.parse(d.overrides), to: JSON.parse(patch.overrides) };
      }
      if (input.ban_ids !== undefined) {
        const bans = await this.#resolveBans(trx, tenantId, input.ban_ids);
        patch.ban_ids = bans ? JSON.stringify(bans) : null;
        details.ban_ids = { from: JSON.parse(d.ban_ids ?? 'null'), to: bans };
      }
      if (Object.keys(patch).length === 0) return d;
      return this.#update(trx, ctx, d, patch, 'delegation.access_changed', details);
    });
  }

  /** The partner asks to extend an active delegation; the tenant approves the new end date. */
  requestRenewal(ctx: RequestContext, partnerId: string, id: string, endsAt: string): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { partnerId });
      if (d.status !== 'active') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be renewed; request a new link.`);
      const now = this.#now();
      const { ends } = this.#validateWindow(d.starts_at, endsAt, now);
      if (ends <= d.ends_at) throw E.delegation_window_invalid('A renewal must end later than the current end date.', { fields: [{ pointer: '/ends_at', detail: 'not later than the current end' }] });
      return this.#update(trx, ctx, d, { renewal_ends_at: ends }, 'delegation.renewal_requested', { ends_at: d.ends_at, requested_ends_at: ends });
    });
  }

  approveRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { tenantId });
      if (!d.renewal_ends_at) throw E.renewal_not_requested('The partner has not asked to renew this delegation.');
      if (d.status !== 'active') throw E.invalid_delegation_transition(`A ${d.status} delegation cannot be renewed.`);
      const { ends } = this.#validateWindow(d.starts_at, d.renewal_ends_at, this.#now());
      return this.#update(trx, ctx, d, { ends_at: ends, renewal_ends_at: null }, 'delegation.renewed', { from: d.ends_at, to: ends });
    });
  }

  rejectRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    return this.#write(async (trx) => {
      const d = await this.#load(trx, id, { tenantId });
      if (!d.renewal_ends_at) throw E.renewal_not_requested('The partner has not asked to renew this delegation.');
      return this.#update(trx, ctx, d, { renewal_ends_at: null }, 'delegation.renewal_rejected', { requested_ends_at: d.renewal_ends_at });
    });
  }

  /**
   * Inside a partner's termination (PartnersService.onStatusChange): every open delegation of the
   * partner is revoked for good, audited on both sides. (Suspension needs nothing here: the
   * engine refuses an inactive partner, and reactivation brings its access back.)
   */
  async revokeAllOfPartner(trx: Tx, ctx: RequestContext, partnerId: string, reason: string): Promise<string[]> {
    const open = await repo.listOpenOfPartner(trx, partnerId);
    const revoked: string[] = [];
    // one revoked meanwhile by someone else stays as it is (decided under its row lock)
    for (const d of open) if (await this.revokeDelegationIfOpen(trx, ctx, d.id, { side: 'operator', reason })) revoked.push(d.id);
    return revoked;
  }

  /**
   * Break-glass: revoke every open delegation (all origins) of one partner — on one tenant (a
   * tenant admin for its own tenant) or everywhere (the operator) — in one transaction.
   */
  breakGlass(ctx: RequestContext, input: { partnerId: string; tenantId?: string; reason: string; side: 'tenant' | 'operator' }): Promise<{ revoked: string[] }> {
    return this.#write(async (trx) => {
      const open = await repo.listOpenOfPartner(trx, input.partnerId, input.tenantId);
      const revoked: string[] = [];
      for (const d of open) {
        if (await this.revokeDelegationIfOpen(trx, ctx, d.id, { side: input.side, reason: `break-glass: ${input.reason}` })) revoked.push(d.id);
      }
      await this.#d.audit.record(trx, ctx, {
        action: 'delegation.break_glass',
        tenantId: input.tenantId ?? null,
        partnerId: input.partnerId,
        targetType: 'partner',
        targetId: input.partnerId,
        details: { side: input.side, reason: input.reason, revoked },
      });
      return { revoked };
    });
  }

  /**
   * Mark active delegations past their end date as expired (audited). The decision engine
   * already refuses them by time; this keeps the stored status and the lists honest.
   */
  async expireLapsed(ctx: RequestContext, limit = 500): Promise<number> {
    const nowIso = this.#now().toISOString();
    const lapsed = await repo.listLapsed(this.#d.db.kysely, nowIso, limit);
    if (lapsed.length === 0) return 0;
    return this.#write(async (trx) => {
      let n = 0;
      for (const l of lapsed) {
        await lockRows(this.#d.db, trx, 'delegations', { id: l.id });
        const d = await repo.findDelegationById(trx, l.id);
        if (!d || d.status !== 'active' || d.ends_at > nowIso) continue;
        await this.#update(trx, ctx, d, { status: 'expired', renewal_ends_at: null }, 'delegation.expired', { ends_at: d.ends_at });
        n++;
      }
      return n;
    });
  }

  // ---- reads -----------------------------------------------------------------------------------

  list(f: repo.DelegationFilter): Promise<repo.DelegationView[]> {
    return repo.listDelegations(this.#d.db.kysely, f);
  }

  async get(id: string, scope: { tenantId?: string; partnerId?: string } = {}): Promise<repo.DelegationView> {
    const d = await repo.findDelegationView(this.#d.db.kysely, id);
    if (!d || (scope.tenantId && d.tenant_id !== scope.tenantId) || (scope.partnerId && d.partner_id !== scope.partnerId)) throw A.delegation_not_found('No such delegation.');
    return d;
  }

  /** The tenant's accounts, for the detail views. */
  billingAccounts(tenantId: string) {
    return repo.listBillingAccountIds(this.#d.db.kysely, tenantId);
  }

  tenant(tenantId: string) {
    return repo.findTenantById(this.#d.db.kysely, tenantId);
  }

  // ---- invite codes ----------------------------------------------------------------------------

  async getInviteCode(tenantId: string): Promise<string | null> {
    return (await repo.findTenantById(this.#d.db.kysely, tenantId))?.invite_code ?? null;
  }

  /** Generate or rotate the code a tenant gives out; the previous code stops working at once. */
  rotateInviteCode(ctx: RequestContext, tenantId: string): Promise<string> {
    return this.#write(async (trx) => {
      const code = generateInviteCode();
      const before = await repo.findTenantById(trx, tenantId);
      await repo.setInviteCode(trx, tenantId, code, this.#now().toISOString());
      await this.#d.feed.record(trx, 'tenant', tenantId);
      await this.#d.audit.record(trx, ctx, { action: before?.invite_code ? 'tenant.invite_code_rotated' : 'tenant.invite_code_created', tenantId, targetType: 'tenant', targetId: tenantId });
      return code;
    });
  }

  clearInviteCode(ctx: RequestContext, tenantId: string): Promise<void> {
    return this.#write(async (trx) => {
      await repo.setInviteCode(trx, tenantId, null, this.#now().toISOString());
      await this.#d.feed.record(trx, 'tenant', tenantId);
      await this.#d.audit.record(trx, ctx, { action: 'tenant.invite_code_cleared', tenantId, targetType: 'tenant', targetId: tenantId });
    });
  }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `LINK-XXXX-XXXX-XXXX`: 60 random bits, no look-alike characters, easy to read out. */
export function generateInviteCode(): string {
  const bytes = randomBytes(12);
  let s = '';
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[bytes[i] & 31];
  return `LINK-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

export function parseOverrides(s: string): Overrides {
  try {
    const o = JSON.parse(s) as Partial<Overrides>;
    return { grant: Array.isArray(o.grant) ? o.grant : [], deny: Array.isArray(o.deny) ? o.deny : [] };
  } catch {
    return { grant: [], deny: [] };
  }
}

export function toDelegationDto(d: repo.DelegationRow | repo.DelegationView) {
  const v = d as Partial<repo.DelegationView>;
  return {
    id: d.id,
    partner: { id: d.partner_id, name: v.partner_name ?? null, slug: v.partner_slug ?? null },
    tenant: { id: d.tenant_id, name: v.tenant_name ?? null, slug: v.tenant_slug ?? null },
    origin: d.origin,
    role: d.role,
    scopes: d.scopes ? (JSON.parse(d.scopes) as string[]) : null,
    ban_ids: d.ban_ids ? (JSON.parse(d.ban_ids) as string[]) : null,
    overrides: parseOverrides(d.overrides),
    status: d.status,
    justification: d.justification,
    starts_at: d.starts_at,
    ends_at: d.ends_at,
    renewal_ends_at: d.renewal_ends_at,
    client_id: d.client_id,
    bill_to_ban_id: d.bill_to_ban_id,
    requested_by: d.requested_by,
    requested_at: d.requested_at,
    decided_by: d.decided_by,
    decided_at: d.decided_at,
    revoked_by: d.revoked_by,
    revoked_at: d.revoked_at,
    revoke_reason: d.revoke_reason,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}
