/** A partner app's security events (OpenID Shared Signals stream) and the lifetimes of tokens that act across tenants (wire types and calls). */
import { http } from './client.ts';
import type { Answer, Body } from './schema.ts';

type EventsPath = '/api/v1/partners/{partner_id}/apps/{app_id}/security-events';
export type SecurityEvents = Answer<EventsPath, 'get'>;
export type SaveSecurityEvents = Body<EventsPath, 'put'>;
export type TokenLifetimes = Answer<'/api/v1/tenants/{tenant_id}/partner-token-lifetimes', 'get'>;
export type SaveTokenLifetimes = Body<'/api/v1/tenants/{tenant_id}/partner-token-lifetimes', 'put'>;

const enc = encodeURIComponent;
const eventsPath = (partnerId: string, appId: string) => `/api/v1/partners/${enc(partnerId)}/apps/${enc(appId)}/security-events`;

export const securityEventsApi = {
  get: (partnerId: string, appId: string) => http.get<SecurityEvents>(eventsPath(partnerId, appId)),
  save: (partnerId: string, appId: string, body: SaveSecurityEvents) => http.put<SecurityEvents>(eventsPath(partnerId, appId), body),
  remove: (partnerId: string, appId: string) => http.delete(eventsPath(partnerId, appId)),
  test: (partnerId: string, appId: string) => http.post<SecurityEvents>(`${eventsPath(partnerId, appId)}/test`),
};

export const tokenLifetimesApi = {
  tenant: (tenantId: string) => http.get<TokenLifetimes>(`/api/v1/tenants/${enc(tenantId)}/partner-token-lifetimes`),
  setTenant: (tenantId: string, body: SaveTokenLifetimes) => http.put<TokenLifetimes>(`/api/v1/tenants/${enc(tenantId)}/partner-token-lifetimes`, body),
  partner: (partnerId: string) => http.get<TokenLifetimes>(`/api/v1/partners/${enc(partnerId)}/configuration/lifetimes`),
  setPartner: (partnerId: string, body: SaveTokenLifetimes) => http.put<TokenLifetimes>(`/api/v1/partners/${enc(partnerId)}/configuration/lifetimes`, body),
};
