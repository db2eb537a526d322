/** Cache keys for two-tier partners: a distributor's resellers, a reseller's distributor, a customer's reseller links. */
export const resellerKeys = {
  all: ['resellers'] as const,
  of: (partnerId: string) => ['resellers', 'partner', partnerId] as const,
  distributor: (partnerId: string) => ['resellers', 'distributor', partnerId] as const,
  billing: (partnerId: string, period: { period_from?: string; period_to?: string }) => ['resellers', 'billing', partnerId, period] as const,
  links: (tenantId: string) => ['resellers', 'links', tenantId] as const,
};
