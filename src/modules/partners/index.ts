export { PartnersService, toPartnerDto, slugify, CAPABILITIES, type Capability, type PartnerRole, type PartnerStatus } from './partners.service.ts';
export { partnerRoutes } from './partners.routes.ts';
export { partnerErrors } from './partners.errors.ts';
export type { PartnerRow } from './partners.repo.ts';
