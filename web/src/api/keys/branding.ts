/** Cache keys for brands: a partner's (as edited), your own partner's, a customer's. */
export const brandingKeys = {
  all: ['branding'] as const,
  partner: (partnerId: string) => ['branding', 'partner', partnerId] as const,
  mine: () => ['branding', 'mine'] as const,
  tenant: (tenantId: string) => ['branding', 'tenant', tenantId] as const,
};
