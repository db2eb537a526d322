/** Cache keys for partner apps, the tenants a partner resells to, and the apps a tenant has connected. */
export const appKeys = {
  all: ['apps'] as const,
  list: (partnerId: string) => ['apps', 'partner', partnerId, 'list'] as const,
  keySet: (partnerId: string, appId: string, address: string) => ['apps', 'partner', partnerId, 'key-set', appId, address] as const,
  resold: (partnerId: string) => ['apps', 'partner', partnerId, 'resold'] as const,
  connected: (tenantId: string, showEnded: boolean) => ['apps', 'tenant', tenantId, 'connected', showEnded] as const,
  scopes: ['apps', 'scopes'] as const,
  consentRequests: (tenantId: string) => ['apps', 'tenant', tenantId, 'consent-requests'] as const,
};
