/** Audit streaming destinations, the audit export and retention (wire types and calls). */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type AuditDestinationDto = Schemas['AuditDestination'];
export type CreatedAuditDestination = Schemas['CreatedAuditDestination'];
export type AuditDestinationTestResult = Schemas['AuditDestinationTestResult'];
export type AuditExportPage = Schemas['AuditExportPage'];
export type AuditRetentionDto = Schemas['AuditRetention'];
export type AuditDestinationKind = AuditDestinationDto['kind'];

const enc = encodeURIComponent;

/** Whose audit events: a tenant's, a partner's or the platform's. */
export type AuditOwner = { kind: 'tenant'; id: string } | { kind: 'partner'; id: string } | { kind: 'platform' };

function auditBase(o: AuditOwner): string {
  if (o.kind === 'tenant') return `/api/v1/tenants/${enc(o.id)}`;
  if (o.kind === 'partner') return `/api/v1/partners/${enc(o.id)}`;
  return '/api/v1';
}

export const auditStreamsApi = {
  list: (o: AuditOwner) => http.get<{ data: AuditDestinationDto[] }>(`${auditBase(o)}/audit-streams`),
  create: (o: AuditOwner, body: { kind: AuditDestinationKind; name: string; address: string; ca_pem?: string; authorization?: string }) =>
    http.post<CreatedAuditDestination>(`${auditBase(o)}/audit-streams`, body),
  update: (o: AuditOwner, id: string, body: { name?: string; status?: 'active' | 'paused' }) => http.patch<AuditDestinationDto>(`${auditBase(o)}/audit-streams/${enc(id)}`, body),
  remove: (o: AuditOwner, id: string) => http.delete(`${auditBase(o)}/audit-streams/${enc(id)}`),
  test: (o: AuditOwner, id: string) => http.post<AuditDestinationTestResult>(`${auditBase(o)}/audit-streams/${enc(id)}/test`),
  exportPage: (o: AuditOwner, q: { since: string; until: string; cursor?: string; limit?: number }) => http.get<AuditExportPage>(`${auditBase(o)}/audit-export`, q),
  retention: (o: AuditOwner) => http.get<AuditRetentionDto>(`${auditBase(o)}/audit-retention`),
  setRetention: (o: AuditOwner, days: number | null) => http.put<AuditRetentionDto>(`${auditBase(o)}/audit-retention`, { days }),
};
