/**
 * The steps every delegation write is made of, shared by creation, the transitions, the expiry
 * sweep and the invite codes: one transaction then the feed kick, loading a delegation within the
 * caller's tenant or partner, writing a change with its feed row and audit event, and the checks
 * that read the database (BANs of the tenant, an active partner, an active tenant admin).
 */
import type { Tx } from '../../platform/db/database.ts';
import { lockRows, mutateAndKick } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { authzErrors as A } from '../authz/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { capabilityProblem } from './delegation-rules.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import * as repo from './delegations.repo.ts';
import type { DelegationsDeps } from './delegations.types.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export class DelegationSteps {
  readonly #d: DelegationsDeps;
  constructor(d: DelegationsDeps) {
    this.#d = d;
  }

  get db() {
    return this.#d.db;
  }
  get feed() {
    return this.#d.feed;
  }
  get audit() {
    return this.#d.audit;
  }
  get roles() {
    return this.#d.roles;
  }
  get maxDays(): number {
    return this.#d.maxDays;
  }

  now(): Date {
    return this.#d.clock.now();
  }

  /**
   * Commit, then wait until this instance's snapshot has read the change: the caller's very next
   * request here already sees it (other instances get it through the feed fan-out).
   */
  async write<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    return mutateAndKick(this.#d.db, this.#d.feed, fn);
  }

  /**
   * The delegation a transition starts from. Guarantee: its row is locked first, so two
   * transitions of one delegation (approve and revoke, revoke and renew…) run one after the
   * other, the second deciding on what the first committed.
   */
  async load(trx: Tx, id: string, scope: { tenantId?: string; partnerId?: string }): Promise<repo.DelegationRow> {
    await lockRows(this.#d.db, trx, 'delegations', { id });
    const d = await repo.findDelegationById(trx, id);
    // Another tenant's or partner's delegation answers exactly like a missing one.
    if (!d || (scope.tenantId && d.tenant_id !== scope.tenantId) || (scope.partnerId && d.partner_id !== scope.partnerId)) {
      throw A.delegation_not_found('No such delegation.');
    }
    return d;
  }

  async update(trx: Tx, ctx: RequestContext, d: repo.DelegationRow, patch: Partial<repo.DelegationRow>, action: string, details: Record<string, unknown>): Promise<repo.DelegationRow> {
    const updated = { ...d, ...patch, updated_at: this.now().toISOString() };
    await repo.updateDelegation(trx, d.id, { ...patch, updated_at: updated.updated_at });
    await this.#d.feed.record(trx, 'delegation', d.id);
    await this.#d.audit.record(trx, ctx, { action, tenantId: d.tenant_id, partnerId: d.partner_id, targetType: 'delegation', targetId: d.id, details: { origin: d.origin, ...details } });
    return updated;
  }

  /** BANs by id or account number → ids of the tenant's accounts; null stays null (all accounts). */
  async resolveBans(trx: Tx, tenantId: string, bans: string[] | null | undefined): Promise<string[] | null> {
    if (bans === null || bans === undefined) return null;
    const accounts = await tenantQueries.listBillingAccountSummaries(trx, tenantId);
    const out: string[] = [];
    for (const [i, b] of bans.entries()) {
      const a = accounts.find((x) => x.id === b || x.account_number === b);
      if (!a) throw E.delegation_ban_invalid(PD.billingAccountDoesNot, { values: { b }, fields: [{ pointer: `/ban_ids/${i}`, detail: 'not an account of the tenant' }] });
      if (!out.includes(a.id)) out.push(a.id);
    }
    if (out.length === 0) throw E.delegation_ban_invalid(PD.banIdsMustName, { fields: [{ pointer: '/ban_ids', detail: 'empty' }] });
    return out;
  }

  async requireActivePartner(trx: Tx, partnerId: string, origin: repo.DelegationOrigin) {
    // Guarantee: the partner row is share-locked, so it cannot be suspended or terminated until
    // this transaction ends — a termination (which revokes every open delegation of the partner)
    // runs before or after it, never around it, and no delegation outlives it.
    await partnerQueries.lockPartner(this.#d.db, trx, partnerId, 'share');
    return this.activePartner(await partnerQueries.findPartnerById(trx, partnerId), origin);
  }

  /** The checks of requireActivePartner on a partner row read under its share lock. */
  activePartner(p: partnerQueries.PartnerRow | undefined, origin: repo.DelegationOrigin): partnerQueries.PartnerRow {
    if (!p) throw A.partner_inactive('The partner does not exist.');
    if (p.status !== 'active') throw A.partner_inactive(`The partner is ${p.status}.`);
    const missing = capabilityProblem(JSON.parse(p.capabilities) as string[], origin);
    if (missing) throw A.partner_capability_missing(missing);
    return p;
  }

  /**
   * A link or consent is effective only while the tenant admin who approved it stays an active
   * TENANT_ADMIN of the tenant (decided_by; see decide()'s approver check). So only such an admin
   * may approve or confirm one: an operator's approval would leave it without a tenant approver.
   */
  async requireTenantAdmin(trx: Tx, tenantId: string, ctx: RequestContext): Promise<string> {
    const userId = ctx.actor.userId;
    if (!userId || !(await repo.isActiveTenantAdmin(trx, tenantId, userId))) {
      throw E.tenant_admin_required(PD.onlyActiveTenantAdmin);
    }
    return userId;
  }
}
