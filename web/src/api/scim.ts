/** An organization's SCIM provisioning connection: its token (shown once), base URL and last requests. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type ScimConnectionDto = Schemas['ScimConnection'];
export type ScimTokenIssuedDto = Schemas['ScimTokenIssued'];

const p = (partnerId: string) => `/api/v1/partners/${encodeURIComponent(partnerId)}/scim`;

export const scimKeys = {
  connection: (partnerId: string) => ['scim', 'connection', partnerId] as const,
};

export const scimApi = {
  connection: (partnerId: string) => http.get<ScimConnectionDto>(p(partnerId)),
  issueToken: (partnerId: string) => http.post<ScimTokenIssuedDto>(`${p(partnerId)}/token`, {}),
  switchOff: (partnerId: string) => http.delete<ScimConnectionDto>(`${p(partnerId)}/token`),
};
