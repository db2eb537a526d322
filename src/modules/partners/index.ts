export { PartnersService, toPartnerDto, slugify, CAPABILITIES, type Capability, type PartnerRole, type PartnerStatus } from './partners.service.ts';
export { partnerRoutes } from './partners.routes.ts';
export { partnerErrors } from './partners.errors.ts';
export type { PartnerRow } from './partners.repo.ts';
/** The partners' tables are queried only here: other modules ask through these functions. */
export * as partnerQueries from './partners.repo.ts';
export * as partnerLookups from './partner-lookups.repo.ts';
export { partnerConfigRoutes } from './partner-config.routes.ts';
export { FeatureCatalogService, toFeatureDto, type FeatureDto } from './feature-catalog.service.ts';
export { featureCatalogRoutes } from './feature-catalog.routes.ts';
export { PartnerUsage, type PartnerUsageView, type UsageDay } from './partner-usage.ts';
export { partnerUsageRoutes } from './partner-usage.routes.ts';
export { resellerRoutes } from './resellers.routes.ts';
export type { ResellersService } from './resellers.service.ts';
export { PartnerCreation, isRefusal, type NewPartner, type CreatedPartner, type InitialPlans } from './partner-creation.ts';
export { PartnerImport, importTemplate, IMPORT_COLUMNS, type ImportReport } from './partner-import.ts';
