import type { DomainOwner } from '../domains.ts';

/** Query keys: one organization's list, and the operator's list. */
export const domainKeys = {
  all: ['domains'] as const,
  of: (o: DomainOwner) => ['domains', o.kind, o.id] as const,
  operator: () => ['domains', 'operator'] as const,
};
