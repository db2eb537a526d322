/** Cache keys for access templates, access requests and the tenant's approval policy. */
export const accessRequestKeys = {
  all: ['access-requests'] as const,
  platformTemplates: ['access-requests', 'templates', 'platform'] as const,
  partnerTemplates: (partnerId: string, which: string) => ['access-requests', 'templates', 'partner', partnerId, which] as const,
  partnerRequests: (partnerId: string) => ['access-requests', 'partner', partnerId] as const,
  tenantRequests: (tenantId: string, status: string) => ['access-requests', 'tenant', tenantId, status] as const,
  policy: (tenantId: string) => ['access-requests', 'policy', tenantId] as const,
};
