/**
 * A tenant's invite code: what it gives a partner out of band so the partner can request a link
 * without knowing the tenant's slug. One live code per tenant; rotating it retires the old one.
 */
import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { DelegationSteps } from './delegation-steps.ts';
import { tenantQueries } from '../tenants/index.ts';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `LINK-XXXX-XXXX-XXXX`: 60 random bits, no look-alike characters, easy to read out. */
export function generateInviteCode(): string {
  const bytes = randomBytes(12);
  let s = '';
  for (let i = 0; i < 12; i++) s += CODE_ALPHABET[bytes[i] & 31];
  return `LINK-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

export class InviteCodes {
  readonly #s: DelegationSteps;
  constructor(steps: DelegationSteps) {
    this.#s = steps;
  }

  async get(tenantId: string): Promise<string | null> {
    return (await tenantQueries.findTenantById(this.#s.db.kysely, tenantId))?.invite_code ?? null;
  }

  /** Generate or rotate the code a tenant gives out; the previous code stops working at once. */
  rotate(ctx: RequestContext, tenantId: string): Promise<string> {
    return this.#s.write(async (trx) => {
      const code = generateInviteCode();
      const before = await tenantQueries.findTenantById(trx, tenantId);
      await tenantQueries.updateTenant(trx, tenantId, { invite_code: code, updated_at: this.#s.now().toISOString() });
      await this.#s.feed.record(trx, 'tenant', tenantId);
      await this.#s.audit.record(trx, ctx, { action: before?.invite_code ? 'tenant.invite_code_rotated' : 'tenant.invite_code_created', tenantId, targetType: 'tenant', targetId: tenantId });
      return code;
    });
  }

  clear(ctx: RequestContext, tenantId: string): Promise<void> {
    return this.#s.write(async (trx) => {
      await tenantQueries.updateTenant(trx, tenantId, { invite_code: null, updated_at: this.#s.now().toISOString() });
      await this.#s.feed.record(trx, 'tenant', tenantId);
      await this.#s.audit.record(trx, ctx, { action: 'tenant.invite_code_cleared', tenantId, targetType: 'tenant', targetId: tenantId });
    });
  }
}
