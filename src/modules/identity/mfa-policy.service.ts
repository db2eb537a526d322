/**
 * MFA policies: the operator requires a second factor of partner people platform-wide
 * or per partner; a tenant requires it of the partner people acting on it. The rows live in
 * mfa_policies; the decision snapshot holds them whole (authz snapshot.mfa, fed by the change
 * feed's `mfa_policy` entity), so the gateway and decide() refuse a credential without "mfa" in
 * its amr (mfa_required) on the very next request, with no database read.
 */
import { mutate } from '../../platform/db/database.ts';
import type { Principal } from '../../platform/http/principal.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { IdentityDeps } from './identity.types.ts';
import * as mfaRepo from './mfa.repo.ts';
import { organizationNames } from './organization-names.ts';

export type PolicyScope = 'platform' | 'partner' | 'tenant';

export class MfaPolicyService {
  readonly #d: IdentityDeps;
  constructor(deps: IdentityDeps) {
    this.#d = deps;
  }

  async partnerExists(partnerId: string): Promise<boolean> {
    return (await organizationNames(this.#d.db.kysely, 'partner', [partnerId])).has(partnerId);
  }

  async required(scopeType: PolicyScope, scopeId: string): Promise<boolean> {
    return (await mfaRepo.findMfaPolicy(this.#d.db.kysely, scopeType, scopeId))?.require_mfa === 'required';
  }

  /** The operator's view: the platform-wide requirement and every partner that has one. */
  async operatorView(): Promise<{ platform_required: boolean; partners: { partner_id: string; name: string; updated_at: string }[]; tenants_requiring: number }> {
    const db = this.#d.db.kysely;
    const rows = await mfaRepo.listMfaPolicies(db);
    const partnerIds = rows.filter((r) => r.scope_type === 'partner' && r.require_mfa === 'required').map((r) => r.scope_id);
    const nameOf = await organizationNames(db, 'partner', partnerIds);
    return {
      platform_required: rows.some((r) => r.scope_type === 'platform' && r.require_mfa === 'required'),
      partners: rows
        .filter((r) => r.scope_type === 'partner' && r.require_mfa === 'required' && nameOf.has(r.scope_id))
        .map((r) => ({ partner_id: r.scope_id, name: nameOf.get(r.scope_id)!, updated_at: r.updated_at }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      tenants_requiring: rows.filter((r) => r.scope_type === 'tenant' && r.require_mfa === 'required').length,
    };
  }

  /** Set one requirement; audited, and in every instance's snapshot before the next request here. */
  async set(ctx: RequestContext, by: Principal, scopeType: PolicyScope, scopeId: string, required: boolean): Promise<void> {
    const now = this.#d.clock.now().toISOString();
    await mutate(this.#d.db, async (trx) => {
      const before = (await mfaRepo.findMfaPolicy(trx, scopeType, scopeId))?.require_mfa === 'required';
      await mfaRepo.setMfaPolicy(trx, { scope_type: scopeType, scope_id: scopeId, require_mfa: required ? 'required' : 'optional', updated_at: now, updated_by: by.userId });
      await this.#d.feed.record(trx, 'mfa_policy', `${scopeType}:${scopeId}`);
      await this.#d.audit.record(trx, ctx, {
        action: 'mfa_policy.changed',
        tenantId: scopeType === 'tenant' ? scopeId : null,
        partnerId: scopeType === 'partner' ? scopeId : null,
        targetType: scopeType === 'platform' ? 'platform' : scopeType,
        targetId: scopeType === 'platform' ? null : scopeId,
        details: { scope: scopeType, required, was_required: before },
      });
    });
    await this.#d.feed.kick();
  }
}
