/**
 * A tenant's approval policy for access requests: how many approvers every request needs (one or
 * two), which delegation roles count as high risk (two approvers whatever the first says), how many
 * days a request waits before it expires and how many days before that the approvers still to
 * answer are reminded. A tenant without a row has DEFAULT_POLICY.
 */
import { mutate, type Executor } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { DEFAULT_POLICY, MAX_EXPIRY_DAYS, type ApprovalPolicy } from './approval-rules.ts';
import { accessRequestErrors as E } from './accessrequests.errors.ts';
import * as repo from './accessrequests.repo.ts';
import type { AccessRequestsDeps } from './accessrequests.types.ts';
import { problemDetails as PD } from './accessrequests.problem-details.ts';

export interface PolicyView extends ApprovalPolicy {
  /** false while the tenant keeps the default */
  customized: boolean;
  updated_at: string | null;
}

export function policyOf(row: repo.PolicyRow | undefined): PolicyView {
  if (!row) return { ...DEFAULT_POLICY, high_risk_roles: [...DEFAULT_POLICY.high_risk_roles], customized: false, updated_at: null };
  return { approvals_required: row.approvals_required === 2 ? 2 : 1, high_risk_roles: JSON.parse(row.high_risk_roles) as string[], expiry_days: row.expiry_days, reminder_days: row.reminder_days, customized: true, updated_at: row.updated_at };
}

export class ApprovalPolicies {
  readonly #d: AccessRequestsDeps;
  constructor(d: AccessRequestsDeps) {
    this.#d = d;
  }

  async get(tenantId: string, db: Executor = this.#d.db.kysely): Promise<PolicyView> {
    return policyOf(await repo.findPolicy(db, tenantId));
  }

  async set(ctx: RequestContext, tenantId: string, input: ApprovalPolicy): Promise<PolicyView> {
    const roles = [...new Set(input.high_risk_roles)];
    for (const [i, r] of roles.entries()) {
      if (this.#d.roles.get(r)?.catalog !== 'delegation') throw E.approval_policy_invalid(PD.notDelegationRole, { values: { r }, fields: [{ pointer: `/high_risk_roles/${i}`, detail: 'unknown role' }] });
    }
    if (input.expiry_days < 1 || input.expiry_days > MAX_EXPIRY_DAYS) throw E.approval_policy_invalid(PD.requestMayWait1, { values: { maxExpiryDays: MAX_EXPIRY_DAYS }, fields: [{ pointer: '/expiry_days', detail: `1 to ${MAX_EXPIRY_DAYS}` }] });
    if (input.reminder_days < 0 || input.reminder_days >= input.expiry_days) {
      throw E.approval_policy_invalid(PD.reminderGoesOutBefore, { fields: [{ pointer: '/reminder_days', detail: 'not before expiry' }] });
    }
    const row: repo.PolicyRow = { tenant_id: tenantId, approvals_required: input.approvals_required, high_risk_roles: JSON.stringify(roles), expiry_days: input.expiry_days, reminder_days: input.reminder_days, updated_by: ctx.actor.userId, updated_at: this.#d.clock.now().toISOString() };
    await mutate(this.#d.db, async (trx) => {
      await repo.upsertPolicy(trx, row);
      await this.#d.audit.record(trx, ctx, { action: 'access_policy.changed', tenantId, targetType: 'tenant', targetId: tenantId, details: { approvals_required: row.approvals_required, high_risk_roles: roles, expiry_days: row.expiry_days, reminder_days: row.reminder_days } });
    });
    return policyOf(row);
  }
}
