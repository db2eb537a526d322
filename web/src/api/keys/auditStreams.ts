/** Cache keys for audit streaming destinations and retention. */
export const auditStreamKeys = {
  of: (kind: string, id: string) => ['audit-streams', kind, id] as const,
  retention: (kind: string, id: string) => ['audit-retention', kind, id] as const,
};
