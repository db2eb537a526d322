/** Cache keys for an app's security events and for cross-tenant token lifetimes (a customer's, a partner's). */
export const securityEventKeys = {
  app: (partnerId: string, appId: string) => ['security-events', partnerId, appId] as const,
};

export const tokenLifetimeKeys = {
  tenant: (tenantId: string) => ['token-lifetimes', 'tenant', tenantId] as const,
  partner: (partnerId: string) => ['token-lifetimes', 'partner', partnerId] as const,
};
