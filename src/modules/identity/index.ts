export { IdentityService, toUserDto, API_TOKEN_PREFIX, type IdentityDeps } from './identity.service.ts';
export { Access, type TenantAccess, type PartnerAccess } from './access.ts';
export { installAuthHook, bearerToken, actingPartnerId, SESSION_COOKIE } from './auth-hook.ts';
export { registerIdentityRoutes } from './identity.routes.ts';
export { identityErrors } from './identity.errors.ts';
