/** Cache keys for a tenant's own records (self-service): its lists, one ticket, one invoice, its links' commitments. */
export const selfKeys = {
  all: (tenantId: string) => ['self', tenantId] as const,
  list: (tenantId: string, what: string) => ['self', tenantId, what] as const,
  ticket: (tenantId: string, id: string) => ['self', tenantId, 'ticket', id] as const,
  invoice: (tenantId: string, id: string) => ['self', tenantId, 'invoice', id] as const,
  commitments: (tenantId: string) => ['self', tenantId, 'commitments'] as const,
};
