/** The purpose catalog (what partners may be granted access for) and the purpose each gateway route requires (wire types and calls). */
import type { Answer, Body } from './schema.ts';
import { http } from './client.ts';

export type PurposeDto = Answer<'/api/v1/purposes', 'get'>['data'][number];
export type PurposeInput = Body<'/api/v1/purposes', 'post'>;
export type GatewayRouteDto = Answer<'/api/v1/gateway-routes', 'get'>['data'][number];

const enc = encodeURIComponent;

export const purposesApi = {
  list: (includeRetired = false) => http.get<{ data: PurposeDto[] }>('/api/v1/purposes', includeRetired ? { include_retired: true } : {}),
  create: (body: PurposeInput) => http.post<PurposeDto>('/api/v1/purposes', body),
  update: (id: string, body: { name?: string; description?: string }) => http.patch<PurposeDto>(`/api/v1/purposes/${enc(id)}`, body),
  retire: (id: string) => http.post<PurposeDto>(`/api/v1/purposes/${enc(id)}/retire`),
  routes: () => http.get<{ data: GatewayRouteDto[] }>('/api/v1/gateway-routes'),
  setRoutePurpose: (method: string, pattern: string, purposeId: string | null) => http.put<GatewayRouteDto>('/api/v1/gateway-routes/purpose', { method, pattern, purpose_id: purposeId }),
};
