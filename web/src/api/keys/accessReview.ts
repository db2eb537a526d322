/** Cache keys for access review: the tenants a partner reaches, the partners that reach a tenant. */
export const accessReviewKeys = {
  partner: (partnerId: string) => ['access-review', 'partner', partnerId] as const,
  /** a tenant's reach, as the tenant or the operator reads it */
  tenant: (reader: 'tenant' | 'operator', tenantId: string) => ['access-review', reader, tenantId] as const,
};
