/**
 * Partner apps (OAuth clients) and the wholesaler's resold tenants. The authorization server
 * (modules/oauth) reads clients through `AppsService.findClientRecord`.
 */
export { AppsService, toAppDto, redirectUriProblem, secretHint, CLIENT_SECRET_PREFIX, GRANT_CAPABILITIES, grantAllowed, type AppInput, type AppPatch, type AppsDeps } from './apps.service.ts';
export { ResoldTenantsService, type ResoldTenantView } from './resold-tenants.service.ts';
export { appRoutes } from './apps.routes.ts';
export { appErrors } from './apps.errors.ts';
export { resourceScopeCatalog, isResourceScope, IDENTITY_SCOPES, OFFLINE_ACCESS, TOKEN_EXCHANGE_GRANT, GRANT_TYPES, RESOURCE_NAMESPACES, TOKEN_ENDPOINT_AUTH_METHODS, SECRET_AUTH_METHODS, acceptedAuthMethods, describeAuthMethods, type TokenEndpointAuthMethod, type GrantType, type ScopeInfo } from './app-scopes.ts';
export type { AppRow, ClientRecord } from './apps.repo.ts';
export { PRIVATE_JWK_MEMBERS } from './app-keys.ts';
