/** An organization's (a partner's or a tenant's) SCIM provisioning connection: its token (shown once), base URL and last requests. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type ScimConnectionDto = Schemas['ScimConnection'];
export type ScimTokenIssuedDto = Schemas['ScimTokenIssued'];

/** Whose connection: a partner's or a customer tenant's. */
export interface ScimOrg {
  type: 'partner' | 'tenant';
  id: string;
}

const p = (org: ScimOrg) => `/api/v1/${org.type === 'partner' ? 'partners' : 'tenants'}/${encodeURIComponent(org.id)}/scim`;

export const scimApi = {
  connection: (org: ScimOrg) => http.get<ScimConnectionDto>(p(org)),
  issueToken: (org: ScimOrg) => http.post<ScimTokenIssuedDto>(`${p(org)}/token`, {}),
  switchOff: (org: ScimOrg) => http.delete<ScimConnectionDto>(`${p(org)}/token`),
};
