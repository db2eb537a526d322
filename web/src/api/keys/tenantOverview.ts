/**
 * Cache keys the tenant's overview reads. Its delegations, activations and invitations are the same
 * entries the Partners, Time-limited access and Members pages read (one GET, one key), so an answer
 * given there refreshes the count here.
 */
import { activationKeys } from './activations.ts';
import { delegationKeys } from './delegations.ts';
import { tenantKeys } from './tenants.ts';

export const overviewKeys = {
  delegations: (tenantId: string) => delegationKeys.tenantList(tenantId),
  activations: (tenantId: string) => activationKeys.tenant(tenantId),
  invitations: (tenantId: string) => tenantKeys.invitations(tenantId),
  summary: (tenantId: string) => ['overview', tenantId, 'summary'] as const,
  nextDue: (tenantId: string) => ['overview', tenantId, 'next-due'] as const,
  overdueCount: (tenantId: string) => ['overview', tenantId, 'overdue-count'] as const,
  waitingTickets: (tenantId: string) => ['overview', tenantId, 'tickets-waiting-on-customer'] as const,
  alerts: (tenantId: string) => ['overview', tenantId, 'alerts'] as const,
  spending: (tenantId: string, from: string) => ['overview', tenantId, 'spending', from] as const,
  partnerActivity: (tenantId: string, partners: string[]) => ['overview', tenantId, 'partner-activity', partners] as const,
};

/** The operator's home (GET /overview), read by the home and its sidebar badges. */
export const operatorOverviewKey = ['overview', 'operator'] as const;
