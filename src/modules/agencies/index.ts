/**
 * Agencies: tenant-scoped agencies without user accounts, their form-specific embed
 * tokens, the embedded API (/embed/v1: issue + look up own vouchers, 20 requests per rolling
 * minute per token) and the embeddable form page. Vouchers themselves live in modules/vouchers.
 */
export { AgenciesService, toAgencyDto, toAgencyTokenDto, type AgenciesDeps, type FormConfigInput } from './agencies.service.ts';
export { AgencyTokenIndex, type AgencyPrincipal, type AgencyTokenVerdict, type IndexedToken } from './agency-token-index.ts';
export { AgencyUsageRecorder } from './agency-usage.ts';
export { agencyRoutes } from './agencies.routes.ts';
export { registerEmbedRoutes, installAgencyTokenGuard, toEmbedVoucherDto, AGENCY_REQUESTS_PER_MINUTE, type EmbedDeps } from './embed.routes.ts';
export { agencyErrors } from './agencies.errors.ts';
export { AGENCY_TOKEN_PREFIX, newAgencyToken, isWellFormedAgencyToken, looksLikeAgencyToken, demoAgencyToken } from './agency-token.ts';
export { normalizeFormConfig, parseFormConfig, type FormConfig } from './form-config.ts';
export type { AgencyRow, AgencyTokenRow } from './agencies.repo.ts';
