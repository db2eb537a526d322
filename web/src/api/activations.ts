/** Time-limited (eligible) access: link settings, activations and approvals. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type AccessSettings = Schemas['AccessSettings'];
export type ActivationDto = Schemas['Activation'];
export type EligibleAccessDto = Schemas['EligibleAccess'];
export type AccessSettingsList = Schemas['AccessSettingsList'];
export type ActivationList = Schemas['ActivationList'];

const enc = encodeURIComponent;

export const activationsApi = {
  settings: (tenantId: string, delegationId: string) => http.get<AccessSettings>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(delegationId)}/access-settings`),
  allSettings: (tenantId: string) => http.get<AccessSettingsList>(`/api/v1/tenants/${enc(tenantId)}/access-settings`),
  saveSettings: (tenantId: string, delegationId: string, body: Partial<AccessSettings>) => http.put<AccessSettings>(`/api/v1/tenants/${enc(tenantId)}/delegations/${enc(delegationId)}/access-settings`, body),
  tenantList: (tenantId: string) => http.get<ActivationList>(`/api/v1/tenants/${enc(tenantId)}/activations`),
  approve: (tenantId: string, id: string) => http.post<ActivationDto>(`/api/v1/tenants/${enc(tenantId)}/activations/${enc(id)}/approve`, {}),
  reject: (tenantId: string, id: string, reason?: string) => http.post<ActivationDto>(`/api/v1/tenants/${enc(tenantId)}/activations/${enc(id)}/reject`, reason ? { reason } : {}),
  eligible: (partnerId: string) => http.get<{ data: EligibleAccessDto[] }>(`/api/v1/partners/${enc(partnerId)}/eligible-access`),
  partnerList: (partnerId: string) => http.get<ActivationList>(`/api/v1/partners/${enc(partnerId)}/activations`),
  activate: (partnerId: string, delegationId: string, body: { minutes: number; justification: string }) => http.post<ActivationDto>(`/api/v1/partners/${enc(partnerId)}/delegations/${enc(delegationId)}/activate`, body),
  end: (partnerId: string, id: string) => http.post<ActivationDto>(`/api/v1/partners/${enc(partnerId)}/activations/${enc(id)}/end`, {}),
  stepUp: (code: string) => http.post<{ amr: string[]; mfa_at: string }>('/api/v1/me/step-up', { code }),
};

/** "1 h 20 min left" */
export function timeLeft(endsAt: string | null, now = Date.now()): string {
  if (!endsAt) return '';
  const ms = Date.parse(endsAt) - now;
  if (ms <= 0) return 'ended';
  const m = Math.ceil(ms / 60_000);
  const h = Math.floor(m / 60);
  return h > 0 ? `${h} h ${m % 60} min left` : `${m} min left`;
}

export function durationLabel(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes > 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} minutes`;
}

export const STATUS_WORDS: Record<string, string> = { waiting: 'Waiting for approval', active: 'Active', ended: 'Ended', rejected: 'Rejected', cancelled: 'Withdrawn' };

/** How a link renews, in plain words: "Renews itself every 180 days", or why it does not. */
export function renewalWords(role: string, s: AccessSettings, roleName: (id: string) => string): string {
  if (!s.auto_extend) return 'Ends on its date (you turned renewal off)';
  const sensitive = [role, ...s.eligible_roles].filter((r) => s.privileged_roles.includes(r));
  if (sensitive.length > 0) return `Ends on its date: ${sensitive.map(roleName).join(', ')} is marked sensitive`;
  return `Renews itself for ${s.auto_extend_days} days at its end`;
}
