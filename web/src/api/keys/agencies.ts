/** Cache keys for a tenant's agencies, their tokens and vouchers. */
export const agencyKeys = {
  all: ['agencies'] as const,
  list: (tenantId: string) => ['agencies', tenantId, 'list'] as const,
  one: (tenantId: string, agencyId: string) => ['agencies', tenantId, agencyId] as const,
  tokens: (tenantId: string, agencyId: string) => ['agencies', tenantId, agencyId, 'tokens'] as const,
  vouchers: (tenantId: string, agencyId: string) => ['agencies', tenantId, agencyId, 'vouchers'] as const,
  voucherTypes: ['agencies', 'voucher-types'] as const,
};
