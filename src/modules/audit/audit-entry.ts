/** One audit event as a service records it (its own file: the access spool and the audit log both need it, and the log imports the spool). */
export interface AuditEntry {
  /** dotted past tense: `partner.approved` */
  action: string;
  tenantId?: string | null;
  partnerId?: string | null;
  ban?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: 'success' | 'denied' | 'failure';
  details?: Record<string, unknown>;
  /** the agency the event is about (an admin creating or revoking its token); defaults to the acting agency */
  partnerAgencyId?: string | null;
}
