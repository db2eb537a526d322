/**
 * A delegation's lifecycle after creation: approve / reject a requested link, re-confirm an
 * approver, change access, renew, revoke (one, all of a terminated partner, break-glass) and
 * expire. Each step checks the status it may start from, then writes the change with its audit
 * event (tenant_id AND partner_id set, so both sides see it) and a change-feed row.
 */
import type { Tx } from '../../platform/db/database.ts';
import { lockRows } from '../../platform/db/database.ts';
import { partnerQueries } from '../partners/index.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { DAY_MS, isOpen, validateOverrides, validateWindow, type Overrides } from './delegation-rules.ts';
import type { DelegationSteps } from './delegation-steps.ts';
import { delegationErrors as E } from './delegations.errors.ts';
import * as repo from './delegations.repo.ts';
import type { RevokeBy } from './delegations.types.ts';
import { problemDetails as PD } from './delegations.problem-details.ts';

export class DelegationTransitions {
  readonly #s: DelegationSteps;
  constructor(steps: DelegationSteps) {
    this.#s = steps;
  }

  /** Tenant admin approves a requested link; it may narrow the BANs and set overrides as it does. */
  approve(ctx: RequestContext, tenantId: string, id: string, input: { ban_ids?: string[] | null; overrides?: Partial<Overrides> } = {}): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      // Locks in one order everywhere — partner, then delegation — as a termination takes them
      // (the partner's row, then its delegations'): approve share-locks the partner first.
      const peek = await repo.findDelegationById(trx, id);
      if (peek) await partnerQueries.lockPartner(s.db, trx, peek.partner_id, 'share');
      const d = await s.load(trx, id, { tenantId });
      if (d.status !== 'requested') throw E.invalid_delegation_transition(PD.delegationCannotApproved, { values: { status: d.status } });
      const now = s.now();
      if (Date.parse(d.ends_at) <= now.getTime()) throw E.delegation_window_invalid(PD.requestedEndDateHas);
      // DELEGATION_MAX_DAYS may have been lowered since the request: the cap applies when access starts, not only when it is asked for.
      if (Date.parse(d.ends_at) - now.getTime() > s.maxDays * DAY_MS) {
        throw E.delegation_too_long(PD.requestedEndDateMore, { values: { ends_at: d.ends_at, maxDays: s.maxDays } });
      }
      await s.requireTenantAdmin(trx, tenantId, ctx);
      await s.requireActivePartner(trx, d.partner_id, d.origin);
      const patch: Partial<repo.DelegationRow> = { status: 'active', decided_by: ctx.actor.userId, decided_at: now.toISOString() };
      if (input.ban_ids !== undefined) patch.ban_ids = JSON.stringify(await s.resolveBans(trx, tenantId, input.ban_ids));
      if (input.ban_ids === null) patch.ban_ids = null;
      if (input.overrides !== undefined) patch.overrides = JSON.stringify(validateOverrides(s.roles, input.overrides));
      return s.update(trx, ctx, d, patch, 'delegation.approved', {
        role: d.role,
        starts_at: d.starts_at,
        ends_at: d.ends_at,
        ban_ids: JSON.parse(patch.ban_ids ?? d.ban_ids ?? 'null'),
        overrides: JSON.parse(patch.overrides ?? d.overrides),
      });
    });
  }

  /**
   * A current tenant admin re-confirms an active link or consent whose approver left, was demoted
   * or deactivated (decide() refuses it with delegation_approver_inactive): decided_by becomes the
   * confirming admin and the delegation is effective again from the next request.
   */
  reconfirm(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { tenantId });
      if (d.origin === 'wholesale') throw E.invalid_delegation_transition(PD.wholesaleDelegationHasNo);
      if (d.status !== 'active') throw E.invalid_delegation_transition(PD.delegationCannotConfirmed, { values: { status: d.status } });
      const userId = await s.requireTenantAdmin(trx, tenantId, ctx);
      return s.update(trx, ctx, d, { decided_by: userId, decided_at: s.now().toISOString() }, 'delegation.reconfirmed', { previous_approver: d.decided_by, approver: userId });
    });
  }

  reject(ctx: RequestContext, tenantId: string, id: string, reason: string | null): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { tenantId });
      if (d.status !== 'requested') throw E.invalid_delegation_transition(PD.delegationCannotRejected, { values: { status: d.status } });
      const now = s.now().toISOString();
      return s.update(trx, ctx, d, { status: 'rejected', decided_by: ctx.actor.userId, decided_at: now, revoke_reason: reason }, 'delegation.rejected', { reason });
    });
  }

  /**
   * Revoke inside the caller's transaction (the OAuth module revokes consent delegations through
   * this). A requested link is withdrawn the same way. Takes effect on the very next request: the
   * feed row reaches every instance's snapshot.
   */
  async revokeDelegation(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    const d = await this.#s.load(trx, id, { tenantId: by.tenantId, partnerId: by.partnerId });
    if (!isOpen(d.status)) throw E.invalid_delegation_transition(PD.delegationCannotRevoked, { values: { status: d.status } });
    return this.#revoke(trx, ctx, d, by);
  }

  /**
   * Revoke inside the caller's transaction if the delegation is still open; one that has ended
   * already (revoked, expired, rejected) stays as it is and null is returned. For the paths that
   * end access as a consequence of something else — a grant revoked twice, two disconnects
   * racing: ending what has ended is a no-op, not an error. Decided on the row read inside the
   * transaction (under the write lock), not on an earlier read.
   */
  async revokeDelegationIfOpen(trx: Tx, ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    const d = await this.#s.load(trx, id, { tenantId: by.tenantId, partnerId: by.partnerId });
    if (!isOpen(d.status)) return null;
    return this.#revoke(trx, ctx, d, by);
  }

  #revoke(trx: Tx, ctx: RequestContext, d: repo.DelegationRow, by: RevokeBy): Promise<repo.DelegationRow> {
    const now = this.#s.now().toISOString();
    return this.#s.update(trx, ctx, d, { status: 'revoked', revoked_by: ctx.actor.userId, revoked_at: now, revoke_reason: by.reason, renewal_ends_at: null, renewal_requested_by: null }, 'delegation.revoked', {
      side: by.side,
      reason: by.reason,
      was: d.status,
    });
  }

  revoke(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow> {
    return this.#s.write((trx) => this.revokeDelegation(trx, ctx, id, by));
  }

  /** revokeDelegationIfOpen in a transaction of its own: null when the delegation had ended already. */
  revokeIfOpen(ctx: RequestContext, id: string, by: RevokeBy): Promise<repo.DelegationRow | null> {
    return this.#s.write((trx) => this.revokeDelegationIfOpen(trx, ctx, id, by));
  }

  /** The tenant edits what an open delegation allows: overrides and covered BANs. */
  updateAccess(ctx: RequestContext, tenantId: string, id: string, input: { overrides?: Partial<Overrides>; ban_ids?: string[] | null }): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { tenantId });
      if (!isOpen(d.status)) throw E.invalid_delegation_transition(PD.delegationCannotChanged, { values: { status: d.status } });
      const patch: Partial<repo.DelegationRow> = {};
      const details: Record<string, unknown> = {};
      if (input.overrides !== undefined) {
        patch.overrides = JSON.stringify(validateOverrides(s.roles, input.overrides));
        details.overrides = { from: JSON.parse(d.overrides), to: JSON.parse(patch.overrides) };
      }
      if (input.ban_ids !== undefined) {
        const bans = await s.resolveBans(trx, tenantId, input.ban_ids);
        patch.ban_ids = bans ? JSON.stringify(bans) : null;
        details.ban_ids = { from: JSON.parse(d.ban_ids ?? 'null'), to: bans };
      }
      if (Object.keys(patch).length === 0) return d;
      return s.update(trx, ctx, d, patch, 'delegation.access_changed', details);
    });
  }

  /** The partner asks to extend an active delegation; the tenant approves the new end date. */
  requestRenewal(ctx: RequestContext, partnerId: string, id: string, endsAt: string): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { partnerId });
      if (d.status !== 'active') throw E.invalid_delegation_transition(PD.delegationCannotRenewedRequest, { values: { status: d.status } });
      const { ends } = validateWindow(d.starts_at, endsAt, s.now(), s.maxDays);
      if (ends <= d.ends_at) throw E.delegation_window_invalid(PD.renewalMustEndLater, { fields: [{ pointer: '/ends_at', detail: 'not later than the current end' }] });
      // The requester is kept with the request: they may never approve it (approveRenewal).
      return s.update(trx, ctx, d, { renewal_ends_at: ends, renewal_requested_by: ctx.actor.userId ?? null }, 'delegation.renewal_requested', { ends_at: d.ends_at, requested_ends_at: ends });
    });
  }

  approveRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { tenantId });
      if (!d.renewal_ends_at) throw E.renewal_not_requested(PD.partnerHasNotAsked);
      if (d.status !== 'active') throw E.invalid_delegation_transition(PD.delegationCannotRenewed, { values: { status: d.status } });
      // Separation of duties: someone who is both a partner member and a tenant admin asked for it
      // on the partner's side; another admin of the tenant must approve it (it waits until one does).
      if (d.renewal_requested_by !== null && d.renewal_requested_by === ctx.actor.userId) {
        throw E.self_approval_forbidden(PD.askedRenewalSoCannot);
      }
      const { ends } = validateWindow(d.starts_at, d.renewal_ends_at, s.now(), s.maxDays);
      return s.update(trx, ctx, d, { ends_at: ends, renewal_ends_at: null, renewal_requested_by: null }, 'delegation.renewed', { from: d.ends_at, to: ends });
    });
  }

  rejectRenewal(ctx: RequestContext, tenantId: string, id: string): Promise<repo.DelegationRow> {
    const s = this.#s;
    return s.write(async (trx) => {
      const d = await s.load(trx, id, { tenantId });
      if (!d.renewal_ends_at) throw E.renewal_not_requested(PD.partnerHasNotAsked);
      return s.update(trx, ctx, d, { renewal_ends_at: null, renewal_requested_by: null }, 'delegation.renewal_rejected', { requested_ends_at: d.renewal_ends_at });
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
    const s = this.#s;
    return s.write(async (trx) => {
      const open = await repo.listOpenOfPartner(trx, input.partnerId, input.tenantId);
      const revoked: string[] = [];
      for (const d of open) {
        if (await this.revokeDelegationIfOpen(trx, ctx, d.id, { side: input.side, reason: `break-glass: ${input.reason}` })) revoked.push(d.id);
      }
      await s.audit.record(trx, ctx, {
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

  /** An active delegation past its end becomes expired (audited); false when it no longer is one. */
  async expire(trx: Tx, ctx: RequestContext, id: string, nowIso: string): Promise<boolean> {
    await lockRows(this.#s.db, trx, 'delegations', { id });
    const d = await repo.findDelegationById(trx, id);
    if (!d || d.status !== 'active' || d.ends_at > nowIso) return false;
    await this.#s.update(trx, ctx, d, { status: 'expired', renewal_ends_at: null, renewal_requested_by: null }, 'delegation.expired', { ends_at: d.ends_at });
    return true;
  }
}
