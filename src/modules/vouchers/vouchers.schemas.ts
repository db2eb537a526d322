import { Type, Strict, Id, Nullable, PageQuery } from '../../platform/http/schemas.ts';

export const VoucherStatus = Type.Union([Type.Literal('issued'), Type.Literal('redeemed'), Type.Literal('void'), Type.Literal('expired')], {
  description: 'expired = issued and past expires_at',
});

export const VoucherTypeDto = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  amount: Nullable(Type.Integer({ description: 'minor units (cents); null for service vouchers' })),
  currency: Nullable(Type.String()),
  validity_days: Type.Integer(),
}, { title: 'VoucherType' });

export const VoucherDto = Type.Object({
  id: Type.String(),
  tenant_id: Type.String(),
  code: Type.String(),
  type: Type.String(),
  description: Type.String(),
  amount: Nullable(Type.Integer()),
  currency: Nullable(Type.String()),
  status: VoucherStatus,
  partner_agency_id: Nullable(Type.String({ description: 'the agency that issued it through its embedded form' })),
  billing_account_id: Nullable(Type.String()),
  issued_by: Type.Object({
    type: Type.String(),
    user_id: Nullable(Type.String()),
    partner_id: Nullable(Type.String()),
    client_id: Nullable(Type.String()),
    token_id: Nullable(Type.String({ description: 'the agency token (form) it was issued through' })),
  }),
  recipient_name: Nullable(Type.String()),
  recipient_email: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
  created_at: Type.String(),
  redeemed_at: Nullable(Type.String()),
  voided_at: Nullable(Type.String()),
}, { title: 'Voucher' });

export const TenantVouchersParams = Strict({ tenant_id: Id('tnt') });
export const TenantVoucherParams = Strict({ tenant_id: Id('tnt'), voucher_id: Id('vch') });

export const ListVouchersQuery = Strict({
  agency_id: Type.Optional(Id('agy')),
  status: Type.Optional(Type.Union([Type.Literal('issued'), Type.Literal('redeemed'), Type.Literal('void')])),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  ...PageQuery,
});
