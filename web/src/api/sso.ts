/** Single sign-on per organization: a partner's or a tenant's company sign-in, the sign-in page's routing by address, and the operator's switch. */
import type { Schemas, paths } from './schema.ts';
import { http } from './client.ts';

export type SsoSettings = Schemas['SsoSettings'];
export type SsoConnection = Schemas['SsoConnection'];
export type SsoConnectionInput = paths['/api/v1/partners/{partner_id}/sso']['put']['requestBody']['content']['application/json'];
export type SsoOrg = { kind: 'partner' | 'tenant'; id: string };

const enc = encodeURIComponent;
const base = (o: SsoOrg) => (o.kind === 'partner' ? `/api/v1/partners/${enc(o.id)}/sso` : `/api/v1/tenants/${enc(o.id)}/sso`);

export const ssoApi = {
  get: (o: SsoOrg) => http.get<SsoSettings>(base(o)),
  save: (o: SsoOrg, body: SsoConnectionInput) => http.put<SsoSettings>(base(o), body),
  remove: (o: SsoOrg) => http.delete(base(o)),
  test: (o: SsoOrg) => http.post<Schemas['SsoTestStart']>(`${base(o)}/test`, {}),
  metadataUrl: (o: SsoOrg) => `${base(o)}/saml-metadata`,
  /** "Check now": the identity provider's metadata read again from its address */
  checkMetadata: (o: SsoOrg) => http.post<SsoSettings>(`${base(o)}/saml-metadata/check`, {}),
  /** our SAML certificate rotated with an overlap: prepare the next one, switch to it, remove the old one */
  certificateStep: (o: SsoOrg, step: 'prepare' | 'switch' | 'remove-old') => http.post<SsoSettings>(`${base(o)}/saml-certificate/${step}`, {}),
  /** the sign-in page: does this address sign in with its company account? */
  discover: (email: string) => http.post<Schemas['SsoDiscovery']>('/api/v1/auth/sso/discover', { email }),
  /** operator */
  operatorGet: (o: SsoOrg) => http.get<Schemas['OperatorSsoConnection']>('/api/v1/sso/connections', { org_type: o.kind, org_id: o.id }),
  switchOff: (id: string, reason: string) => http.post<Schemas['OperatorSsoConnection']>(`/api/v1/sso/connections/${enc(id)}/switch-off`, { reason }),
};
