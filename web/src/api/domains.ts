/** Sign-in domains: the e-mail domains a partner or a tenant proves it owns with a DNS TXT record; the operator's view of all. */
import type { Schemas } from './schema.ts';
import { http } from './client.ts';

export type OrganizationDomain = Schemas['OrganizationDomain'];
export type OperatorOrganizationDomain = Schemas['OperatorOrganizationDomain'];
export type DomainOwner = { kind: 'partner' | 'tenant'; id: string };

const enc = encodeURIComponent;
const base = (o: DomainOwner) => (o.kind === 'partner' ? `/api/v1/partners/${enc(o.id)}/domains` : `/api/v1/tenants/${enc(o.id)}/domains`);

export const domainsApi = {
  list: (o: DomainOwner) => http.get<Schemas['OrganizationDomainList']>(base(o)),
  add: (o: DomainOwner, domain: string) => http.post<OrganizationDomain>(base(o), { domain }),
  check: (o: DomainOwner, id: string) => http.post<OrganizationDomain>(`${base(o)}/${enc(id)}/check`, {}),
  remove: (o: DomainOwner, id: string) => http.delete(`${base(o)}/${enc(id)}`),
  /** operator: every organization's claims, newest first */
  listAll: (cursor?: string) => http.get<Schemas['OperatorOrganizationDomainPage']>('/api/v1/domains', { limit: 50, ...(cursor ? { cursor } : {}) }),
  removeAny: (id: string) => http.delete(`/api/v1/domains/${enc(id)}`),
};
