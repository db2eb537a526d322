/**
 * Access requests: a partner asks a tenant for a template's access (on some or all billing
 * accounts, for some days, with a justification); the tenant's admins approve or reject it as a
 * whole. Under a two-approver policy the first approval leaves it pending and the second creates
 * the delegation — through the delegations module's createDelegation, in the approval's own
 * transaction, so its role, window, BAN, partner and tenant checks are the ones every link passes.
 * Whoever asked can never approve (a person both in the tenant and the partner). Every step is
 * audited with the tenant and the partner, so both sides read it.
 */
import { enterDbContext, lockRows, mutateAndKick, type Tx } from '../../platform/db/database.ts';
import { tenantContext } from '../../platform/db/db-context.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { authzErrors as A } from '../authz/index.ts';
import { delegationErrors as DE, delegationQueries } from '../delegations/index.ts';
import { partnerQueries } from '../partners/index.ts';
import { tenantErrors, tenantQueries } from '../tenants/index.ts';
import { approvalsRequired, DAY_MS, requestTimes } from './approval-rules.ts';
import { accessRequestErrors as E } from './accessrequests.errors.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessRequestsDeps } from './accessrequests.types.ts';
import type { ApprovalPolicies } from './policies.ts';
import { problemDetails as PD } from './accessrequests.problem-details.ts';

export interface AccessRequestInput {
  template_id: string;
  tenant_slug?: string;
  invite_code?: string;
  /** billing account ids or account numbers; absent or null: all of the tenant's */
  ban_ids?: string[] | null;
  duration_days: number;
  justification: string;
}

export class AccessRequests {
  readonly #d: AccessRequestsDeps;
  readonly #policies: ApprovalPolicies;
  constructor(d: AccessRequestsDeps, policies: ApprovalPolicies) {
    this.#d = d;
    this.#policies = policies;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  /** The partner (from the caller's session) asks; answers the pending request. */
  async request(ctx: RequestContext, partnerId: string, input: AccessRequestInput): Promise<repo.RequestRow> {
    if (!input.tenant_slug === !input.invite_code) throw DE.tenant_reference_required('Give exactly one of tenant_slug and invite_code.');
    const template = await repo.findTemplate(this.#d.db.kysely, input.template_id);
    if (!template || (template.partner_id !== null && template.partner_id !== partnerId)) throw E.access_template_not_found(PD.noSuchAccessTemplate, { fields: [{ pointer: '/template_id', detail: 'not a template you may use' }] });
    if (template.status !== 'active') throw E.access_template_archived(PD.templateArchived, { values: { name: template.name } });
    const maxDays = Math.min(template.max_days, this.#d.delegations.maxDays);
    if (input.duration_days > maxDays) throw E.access_duration_too_long(PD.lastsMostDays, { values: { name: template.name, maxDays }, fields: [{ pointer: '/duration_days', detail: `at most ${maxDays}` }] });
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const tenant = input.invite_code ? await tenantQueries.findTenantByInviteCode(trx, input.invite_code) : await tenantQueries.findTenantBySlug(trx, input.tenant_slug!);
      if (!tenant) throw input.invite_code ? DE.invite_code_not_found('No tenant has this invite code; ask the tenant admin for a current one.') : tenantErrors.tenant_not_found(PD.noTenantHasSlug);
      if (tenant.status !== 'active') throw A.tenant_inactive(`The tenant is ${tenant.status}.`);
      // the request is filed in the queue of the tenant it names, in that tenant's context (like a link request)
      await enterDbContext(this.#d.db, trx, tenantContext(tenant.id));
      await this.#requirePartner(trx, partnerId);
      const bans = await this.#resolveBans(trx, tenant.id, input.ban_ids ?? null);
      if (await delegationQueries.findOpenLink(trx, partnerId, tenant.id)) {
        throw DE.delegation_exists('Your organization already has an open link to this tenant; ask the tenant to change it, or end it first.');
      }
      const policy = await this.#policies.get(tenant.id, trx);
      const now = this.#now();
      const { expiresAt, remindAt } = requestTimes(policy, now);
      const nowIso = now.toISOString();
      const row: repo.RequestRow = {
        id: newId('areq', now.getTime()),
        tenant_id: tenant.id,
        partner_id: partnerId,
        template_id: template.id,
        template_name: template.name,
        role: template.role,
        grants: template.grants,
        ban_ids: bans ? JSON.stringify(bans.map((b) => b.id)) : null,
        ban_numbers: bans ? JSON.stringify(bans.map((b) => b.account_number)) : null,
        duration_days: input.duration_days,
        justification: input.justification.trim(),
        status: 'pending',
        approvals_required: approvalsRequired(policy, template.role),
        requested_by: ctx.actor.userId ?? '',
        requested_at: nowIso,
        expires_at: expiresAt,
        remind_at: remindAt,
        reminded_at: null,
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        delegation_id: null,
        updated_at: nowIso,
      };
      await repo.insertRequest(trx, row);
      await this.#audit(trx, ctx, row, 'access_request.created', { template: template.name, role: row.role, ban_ids: bans?.map((b) => b.id) ?? null, duration_days: row.duration_days, approvals_required: row.approvals_required, expires_at: expiresAt });
      return row;
    });
  }

  async #requirePartner(trx: Tx, partnerId: string): Promise<void> {
    const p = await partnerQueries.findPartnerById(trx, partnerId);
    if (!p || p.status !== 'active') throw A.partner_inactive(`The partner is ${p?.status ?? 'unknown'}.`);
    if (!(JSON.parse(p.capabilities) as string[]).includes('managed_services')) throw A.partner_capability_missing('Asking a customer for access needs the partner capability managed_services.');
  }

  /** Billing accounts by id or account number → the tenant's accounts; null stays null (all of them). */
  async #resolveBans(trx: Tx, tenantId: string, bans: string[] | null): Promise<{ id: string; account_number: string }[] | null> {
    if (bans === null) return null;
    const accounts = await tenantQueries.listBillingAccountSummaries(trx, tenantId);
    const out: { id: string; account_number: string }[] = [];
    for (const [i, b] of bans.entries()) {
      const a = accounts.find((x) => x.id === b || x.account_number === b);
      if (!a) throw DE.delegation_ban_invalid(`Billing account ${b} does not belong to the tenant.`, { fields: [{ pointer: `/ban_ids/${i}`, detail: 'not an account of the tenant' }] });
      if (!out.some((x) => x.id === a.id)) out.push({ id: a.id, account_number: a.account_number });
    }
    if (out.length === 0) throw DE.delegation_ban_invalid('ban_ids must name at least one billing account, or be left out for all of them.', { fields: [{ pointer: '/ban_ids', detail: 'empty' }] });
    return out;
  }

  /** The pending request a tenant answers, row-locked (two approvers answering at once decide one after the other). */
  async #loadPending(trx: Tx, tenantId: string, id: string): Promise<repo.RequestRow> {
    await lockRows(this.#d.db, trx, 'access_requests', { id });
    const r = await repo.findRequest(trx, id);
    if (!r || r.tenant_id !== tenantId) throw E.access_request_not_found();
    if (r.status !== 'pending') throw E.access_request_closed(PD.request, { values: { status: r.status } });
    if (r.expires_at <= this.#now().toISOString()) throw E.access_request_closed(PD.requestHasExpiredPartner);
    return r;
  }

  async #requireApprover(trx: Tx, r: repo.RequestRow, ctx: RequestContext): Promise<string> {
    const userId = ctx.actor.userId;
    if (!userId || !(await delegationQueries.isActiveTenantAdmin(trx, r.tenant_id, userId))) throw DE.tenant_admin_required('Only an active tenant admin of this tenant can answer an access request.');
    return userId;
  }

  /**
   * One approval. While fewer than the policy's approvers have approved, the request stays
   * pending; the last approval creates the delegation (origin link, active at once, approved by
   * this admin, asked for by the requester) and closes the request.
   */
  async approve(ctx: RequestContext, tenantId: string, id: string): Promise<repo.RequestRow> {
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const r = await this.#loadPending(trx, tenantId, id);
      const userId = await this.#requireApprover(trx, r, ctx);
      if (userId === r.requested_by) throw E.self_approval(PD.askedAccessAnotherAdmin);
      const approvals = await repo.listApprovals(trx, [r.id]);
      if (approvals.some((a) => a.user_id === userId)) throw E.already_approved();
      const nowIso = this.#now().toISOString();
      await repo.insertApproval(trx, { request_id: r.id, tenant_id: r.tenant_id, user_id: userId, approved_at: nowIso });
      const count = approvals.length + 1;
      await this.#audit(trx, ctx, r, 'access_request.approved', { approvals: count, approvals_required: r.approvals_required });
      if (count < r.approvals_required) return { ...r, updated_at: nowIso };
      const d = await this.#d.delegations.createDelegation(trx, ctx, {
        partnerId: r.partner_id,
        tenantId: r.tenant_id,
        origin: 'link',
        role: r.role,
        banIds: r.ban_ids ? (JSON.parse(r.ban_ids) as string[]) : null,
        overrides: { grant: JSON.parse(r.grants) as string[], deny: [] },
        justification: r.justification,
        endsAt: new Date(this.#now().getTime() + r.duration_days * DAY_MS).toISOString(),
        status: 'active',
        requestedBy: r.requested_by,
        decidedBy: userId,
      });
      const patch = { status: 'approved' as const, decided_by: userId, decided_at: nowIso, delegation_id: d.id, updated_at: nowIso };
      await repo.closeRequest(trx, r.id, patch);
      await this.#audit(trx, ctx, r, 'access_request.granted', { delegation_id: d.id, ends_at: d.ends_at });
      return { ...r, ...patch };
    });
  }

  async reject(ctx: RequestContext, tenantId: string, id: string, reason: string | null): Promise<repo.RequestRow> {
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      const r = await this.#loadPending(trx, tenantId, id);
      const userId = await this.#requireApprover(trx, r, ctx);
      const nowIso = this.#now().toISOString();
      const patch = { status: 'rejected' as const, decided_by: userId, decided_at: nowIso, decision_reason: reason, updated_at: nowIso };
      await repo.closeRequest(trx, r.id, patch);
      await this.#audit(trx, ctx, r, 'access_request.rejected', { reason });
      return { ...r, ...patch };
    });
  }

  /** The partner takes its request back while it waits. */
  async withdraw(ctx: RequestContext, partnerId: string, id: string): Promise<repo.RequestRow> {
    return mutateAndKick(this.#d.db, this.#d.feed, async (trx) => {
      await lockRows(this.#d.db, trx, 'access_requests', { id });
      const r = await repo.findRequest(trx, id);
      if (!r || r.partner_id !== partnerId) throw E.access_request_not_found();
      if (r.status !== 'pending') throw E.access_request_closed(PD.request, { values: { status: r.status } });
      const nowIso = this.#now().toISOString();
      const patch = { status: 'withdrawn' as const, decided_by: ctx.actor.userId, decided_at: nowIso, updated_at: nowIso };
      await repo.closeRequest(trx, r.id, patch);
      await this.#audit(trx, ctx, r, 'access_request.withdrawn', {});
      return { ...r, ...patch };
    });
  }

  async #audit(trx: Tx, ctx: RequestContext, r: repo.RequestRow, action: string, details: Record<string, unknown>): Promise<void> {
    await this.#d.audit.record(trx, ctx, { action, tenantId: r.tenant_id, partnerId: r.partner_id, targetType: 'access_request', targetId: r.id, details: { template: r.template_name, ...details } });
  }
}
