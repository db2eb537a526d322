/** Cache keys for multi-factor policies (the operator's and a tenant's). */
export const securityKeys = {
  operatorPolicy: ['mfa-policy', 'operator'] as const,
  tenantPolicy: (tenantId: string) => ['mfa-policy', 'tenant', tenantId] as const,
};
