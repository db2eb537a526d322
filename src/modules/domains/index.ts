/**
 * Domains: the e-mail domains an organization (a partner or a tenant) has proved it owns by
 * publishing a DNS TXT record — what single sign-on will route people by. Owns organization_domains.
 */
export { DNS_UNANSWERED_GRACE_MS, DomainsService, type CheckedDomain, type DomainsDeps } from './domains.service.ts';
export { domainRoutes, toDomainDto, type DomainRouteDeps } from './domains.routes.ts';
export { domainErrors } from './domains.errors.ts';
export { DnsTxtChecker, recordName, recordValue, type TxtChecker, type TxtCheck } from './dns-check.ts';
export { normalizeDomain, type DomainVerdict } from './domain-name.ts';
export type { DomainRow, Owner } from './domains.repo.ts';
