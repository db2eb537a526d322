export { TenantsService, toTenantDto, toBillingAccountDto, generateAccountNumber, type TenantRole, type ReferralHook } from './tenants.service.ts';
export { tenantRoutes } from './tenants.routes.ts';
export { tenantErrors } from './tenants.errors.ts';
export type { TenantRow, BillingAccountRow } from './tenants.repo.ts';
/** The tenants' tables are queried only here: other modules ask through these functions. */
export * as tenantQueries from './tenants.repo.ts';
export * as billingLookups from './billing-lookups.repo.ts';
export * as tenantIndexQueries from './tenant-index.repo.ts';
export * as memberLookups from './member-lookups.repo.ts';
