/** Cache keys for time-limited access (just-in-time activations) and their settings. */
export const activationKeys = {
  all: ['activations'] as const,
  tenant: (tenantId: string) => ['activations', 'tenant', tenantId] as const,
  tenantSettings: (tenantId: string) => ['activations', 'tenant', tenantId, 'settings'] as const,
  linkSettings: (tenantId: string, delegationId: string) => ['activations', 'tenant', tenantId, 'settings', delegationId] as const,
  partner: (partnerId: string) => ['activations', 'partner', partnerId] as const,
  eligible: (partnerId: string) => ['activations', 'partner', partnerId, 'eligible'] as const,
};
