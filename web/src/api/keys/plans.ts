/** Cache keys for plans: the catalog, what a partner offers and sells, identity checks (KYC), a tenant's plan. */
export const planKeys = {
  all: ['plans'] as const,
  catalog: ['plans', 'catalog'] as const,
  offers: (partnerId: string) => ['plans', 'partner', partnerId, 'offers'] as const,
  customers: (partnerId: string) => ['plans', 'partner', partnerId, 'customers'] as const,
  kycCases: (partnerId: string, state: 'all' | 'submitted') => ['plans', 'partner', partnerId, 'kyc', state] as const,
  kycCase: (partnerId: string, caseId: string) => ['plans', 'partner', partnerId, 'kyc-case', caseId] as const,
  account: (tenantId: string) => ['plans', 'tenant', tenantId, 'account'] as const,
  available: (tenantId: string) => ['plans', 'tenant', tenantId, 'available'] as const,
};
