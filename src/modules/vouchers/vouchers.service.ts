/**
 * Vouchers: issue, look up, list, redeem and void, always inside one tenant. Used by the agency
 * embed API (issuer = an agency, lookups limited to that agency's vouchers), the tenant admin
 * API, and the gateway's reference resource service (/resources/v1/vouchers).
 *
 * The caller has already decided that its principal may act; this service records who did
 * (from ctx.actor), writes the voucher with its audit event and change-feed row in one
 * transaction, and never lets a lookup cross a tenant (or an agency, when scoped to one).
 */
import type { Db, Tx } from '../../platform/db/database.ts';
import { mutate, mutateAndKick } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { ChangeFeed } from '../../platform/events/change-feed.ts';
import type { AuditLog } from '../audit/index.ts';
import { voucherErrors as E } from './vouchers.errors.ts';
import { newVoucherCode, normalizeVoucherCode } from './voucher-code.ts';
import { voucherType } from './voucher-types.ts';
import * as repo from './vouchers.repo.ts';
import { takePage } from '../../platform/http/pagination.ts';

export interface VouchersDeps {
  db: Db;
  audit: AuditLog;
  feed: ChangeFeed;
  clock: Clock;
}

export interface IssueVoucherInput {
  tenantId: string;
  type: string;
  recipientName?: string | null;
  recipientEmail?: string | null;
  reference?: string | null;
  billingAccountId?: string | null;
  /** the agency the voucher is attributed to; set by the embed API from the token */
  partnerAgencyId?: string | null;
  /** the agency token (form) it was issued through */
  issuedByTokenId?: string | null;
}

export interface LookupScope {
  /** only vouchers this agency issued */
  partnerAgencyId?: string;
  /** record the lookup in the audit log (success, or failure when nothing matched) */
  audit?: boolean;
}

export class VouchersService {
  readonly #d: VouchersDeps;
  constructor(d: VouchersDeps) {
    this.#d = d;
  }

  readonly #write = <T>(fn: (trx: Tx) => Promise<T>) => mutateAndKick(this.#d.db, this.#d.feed, fn);

  /** Issue one voucher. Pass `trx` to issue inside a caller's transaction. */
  async issue(ctx: RequestContext, input: IssueVoucherInput, trx?: Tx): Promise<repo.VoucherRow> {
    const t = voucherType(input.type);
    if (!t) throw E.voucher_type_unknown(`There is no voucher type "${input.type}".`);
    const now = this.#d.clock.now();
    const at = now.toISOString();
    const row: repo.VoucherRow = {
      id: newId('vch', now.getTime()),
      tenant_id: input.tenantId,
      code: newVoucherCode(),
      type: t.id,
      description: t.name,
      amount: t.amount,
      currency: t.currency,
      status: 'issued',
      partner_agency_id: input.partnerAgencyId ?? null,
      billing_account_id: input.billingAccountId ?? null,
      issued_by_type: ctx.actor.type === 'anonymous' ? 'system' : ctx.actor.type,
      issued_by_user_id: ctx.actor.userId,
      issued_by_partner_id: ctx.actor.partnerId,
      issued_by_client_id: ctx.actor.clientId,
      issued_by_token_id: input.issuedByTokenId ?? null,
      recipient_name: input.recipientName ?? null,
      recipient_email: input.recipientEmail ? input.recipientEmail.toLowerCase() : null,
      reference: input.reference ?? null,
      expires_at: new Date(now.getTime() + t.validity_days * 86_400_000).toISOString(),
      created_at: at,
      updated_at: at,
      redeemed_at: null,
      voided_at: null,
    };
    const work = async (x: Tx) => {
      await repo.insertVoucher(x, row);
      await this.#d.feed.record(x, 'voucher', row.id);
      await this.#d.audit.record(x, ctx, {
        action: 'voucher.issued',
        tenantId: row.tenant_id,
        partnerId: ctx.actor.partnerId,
        targetType: 'voucher',
        targetId: row.id,
        details: { type: row.type, amount: row.amount, currency: row.currency, partner_agency_id: row.partner_agency_id, token_id: row.issued_by_token_id, billing_account_id: row.billing_account_id },
      });
      return row;
    };
    return trx ? work(trx) : this.#write(work);
  }

  /**
   * Find a voucher by the code a person typed, inside one tenant (and one agency when scoped).
   * Anything that does not match — a malformed code, another tenant's or another agency's
   * voucher, no voucher at all — is the same `voucher_not_found`.
   */
  async lookupByCode(ctx: RequestContext, tenantId: string, code: string, scope: LookupScope = {}): Promise<repo.VoucherRow> {
    const canonical = normalizeVoucherCode(code);
    const row = canonical ? await repo.findVoucherByCode(this.#d.db.kysely, tenantId, canonical, scope.partnerAgencyId) : undefined;
    if (scope.audit) {
      await mutate(this.#d.db, (trx) =>
        this.#d.audit.record(trx, ctx, {
          action: 'voucher.looked_up',
          tenantId,
          partnerId: ctx.actor.partnerId,
          targetType: 'voucher',
          targetId: row?.id ?? null,
          outcome: row ? 'success' : 'failure',
          details: row ? { partner_agency_id: row.partner_agency_id } : { found: false },
        }),
      );
    }
    if (!row) throw E.voucher_not_found(NOT_FOUND_DETAIL);
    return row;
  }

  async require(tenantId: string, id: string): Promise<repo.VoucherRow> {
    const row = await repo.findVoucherById(this.#d.db.kysely, tenantId, id);
    if (!row) throw E.voucher_not_found(NOT_FOUND_DETAIL);
    return row;
  }

  /** Newest first; `next_cursor` continues the list. */
  async list(f: repo.VoucherListFilter): Promise<{ data: repo.VoucherRow[]; nextCursor: string | null }> {
    const rows = await repo.listVouchers(this.#d.db.kysely, f);
    const page = takePage(rows, f.limit, (r) => r.id);
    return { data: page.rows, nextCursor: page.nextCursor };
  }

  async redeem(ctx: RequestContext, tenantId: string, id: string): Promise<repo.VoucherRow> {
    return this.#transition(ctx, tenantId, id, 'redeemed');
  }

  async void(ctx: RequestContext, tenantId: string, id: string): Promise<repo.VoucherRow> {
    return this.#transition(ctx, tenantId, id, 'void');
  }

  async #transition(ctx: RequestContext, tenantId: string, id: string, to: 'redeemed' | 'void'): Promise<repo.VoucherRow> {
    return this.#write(async (trx) => {
      const v = await repo.findVoucherById(trx, tenantId, id);
      if (!v) throw E.voucher_not_found(NOT_FOUND_DETAIL);
      if (v.status !== 'issued') throw E.voucher_not_redeemable(`The voucher is ${v.status}.`);
      const now = this.#d.clock.now().toISOString();
      if (to === 'redeemed' && v.expires_at && v.expires_at <= now) throw E.voucher_not_redeemable('The voucher has expired.');
      const patch = to === 'redeemed' ? { status: 'redeemed' as const, redeemed_at: now, updated_at: now } : { status: 'void' as const, voided_at: now, updated_at: now };
      await repo.updateVoucher(trx, tenantId, id, patch);
      await this.#d.feed.record(trx, 'voucher', id);
      await this.#d.audit.record(trx, ctx, {
        action: to === 'redeemed' ? 'voucher.redeemed' : 'voucher.voided',
        tenantId,
        partnerId: ctx.actor.partnerId,
        targetType: 'voucher',
        targetId: id,
        details: { partner_agency_id: v.partner_agency_id },
      });
      return { ...v, ...patch };
    });
  }
}

const NOT_FOUND_DETAIL = 'No voucher with this code is visible to you.';

/** What tenant members, partners and operators see of a voucher. */
export function toVoucherDto(v: repo.VoucherRow, now?: string) {
  return {
    id: v.id,
    tenant_id: v.tenant_id,
    code: v.code,
    type: v.type,
    description: v.description,
    amount: v.amount,
    currency: v.currency,
    status: effectiveStatus(v, now),
    partner_agency_id: v.partner_agency_id,
    billing_account_id: v.billing_account_id,
    issued_by: { type: v.issued_by_type, user_id: v.issued_by_user_id, partner_id: v.issued_by_partner_id, client_id: v.issued_by_client_id, token_id: v.issued_by_token_id },
    recipient_name: v.recipient_name,
    recipient_email: v.recipient_email,
    reference: v.reference,
    expires_at: v.expires_at,
    created_at: v.created_at,
    redeemed_at: v.redeemed_at,
    voided_at: v.voided_at,
  };
}

/** An issued voucher past its expiry reads as expired; the stored status only changes on redeem/void. */
export function effectiveStatus(v: repo.VoucherRow, now: string = new Date().toISOString()): 'issued' | 'redeemed' | 'void' | 'expired' {
  if (v.status === 'issued' && v.expires_at && v.expires_at <= now) return 'expired';
  return v.status;
}
