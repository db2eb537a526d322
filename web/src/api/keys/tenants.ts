/** Cache keys for tenants: the operator's lists and one tenant's record, members, invitations and billing accounts. */
export const tenantKeys = {
  all: ['tenants'] as const,
  /** GET /tenants with these filters (the same filters share one cache entry across pages) */
  list: (q: { q?: string; status?: string; limit: number }) => ['tenants', 'list', q] as const,
  of: (tenantId: string) => ['tenants', tenantId] as const,
  detail: (tenantId: string) => ['tenants', tenantId, 'detail'] as const,
  members: (tenantId: string) => ['tenants', tenantId, 'members'] as const,
  invitations: (tenantId: string) => ['tenants', tenantId, 'invitations'] as const,
  billingAccounts: (tenantId: string) => ['tenants', tenantId, 'billing-accounts'] as const,
};
