/**
 * Cache keys for the MSP workspace: every key starts with 'msp', so a change there (a ticket
 * answered, an alert acknowledged) refreshes the workspace with one prefix.
 */
export const mspKeys = {
  all: ['msp'] as const,
  dashboard: ['msp', 'dashboard'] as const,
  customerFigures: ['msp', 'customer-figures'] as const,
  /** one server-sorted page of the customers' figures */
  customerFiguresPage: (sort: string, offset: number, q = '', role: string | null = null, reseller: string | null = null) => ['msp', 'customer-figures', 'page', sort, offset, q, role, reseller] as const,
  alertCount: ['msp', 'alert-count'] as const,
  allAlerts: ['msp', 'alerts'] as const,
  alerts: (view: string) => ['msp', 'alerts', view] as const,
  assignable: ['msp', 'assignable'] as const,
  customers: (status: unknown) => ['msp', 'customers', status] as const,
  tickets: (tenant: unknown, status: unknown, priority: unknown) => ['msp', 'tickets', tenant, status, priority] as const,
  customerTickets: (tenantId: string) => ['msp', 'tickets', 'customer', tenantId] as const,
  invoices: (filters: unknown, search: unknown, sort: unknown) => ['msp', 'invoices', filters, search, sort] as const,
  exports: ['msp', 'exports'] as const,
  exportJob: (id: string) => ['msp', 'export', id] as const,
  usage: (q: unknown) => ['msp', 'usage', q] as const,
  sla: (q: unknown) => ['msp', 'sla-report', q] as const,
  commitments: (tenantId: string) => ['msp', 'commitments', tenantId] as const,
  /** the partner's context on one managed customer, its detail, and its records read through the gateway */
  context: (tenantId: string) => ['msp', 'context', tenantId] as const,
  customer: (tenantId: string) => ['msp', 'customer', tenantId] as const,
  resource: (tenantId: string, path: string) => ['msp', 'resource', tenantId, path] as const,
};
