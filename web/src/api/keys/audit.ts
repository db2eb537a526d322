/** Cache keys for audit logs: whose log (operator, a tenant, a partner) and the filters applied. */
export type AuditScope = readonly ['operator'] | readonly ['tenant', string] | readonly ['partner', string];

export const auditKeys = {
  all: ['audit'] as const,
  log: (scope: AuditScope, filters: Record<string, string>) => ['audit', ...scope, filters] as const,
  /** the partners a tenant can filter its log by */
  tenantPartners: (tenantId: string) => ['audit', 'tenant', tenantId, 'partners'] as const,
  /** one link's commitment changes, from the log of the side that reads it */
  commitmentsHistory: (side: 'tenant' | 'partner', orgId: string, delegationId?: string) => ['audit', side, orgId, 'commitments', delegationId ?? 'all'] as const,
};
