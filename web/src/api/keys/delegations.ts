/** Cache keys for delegations (links between a partner and a tenant), seen from either side or the operator's. */
export const delegationKeys = {
  all: ['delegations'] as const,
  /** GET /tenants/:id/delegations (with an optional filter) */
  tenantList: (tenantId: string, filter?: { status?: string; origin?: string }) => ['delegations', 'tenant', tenantId, 'list', filter ?? {}] as const,
  tenantOne: (tenantId: string, delegationId: string) => ['delegations', 'tenant', tenantId, 'one', delegationId] as const,
  inviteCode: (tenantId: string) => ['delegations', 'tenant', tenantId, 'invite-code'] as const,
  operatorList: (filter: Record<string, string | null | undefined>) => ['delegations', 'operator', filter] as const,
  limits: (side: 'tenant' | 'partner', orgId: string, delegationId: string) => ['delegations', 'limits', side, orgId, delegationId] as const,
  relationship: (side: 'tenant' | 'partner', orgId: string, delegationId: string) => ['delegations', 'relationship', side, orgId, delegationId] as const,
};
