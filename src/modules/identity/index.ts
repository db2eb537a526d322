export {
  IdentityService,
  toUserDto,
  toPendingInvitationDto,
  API_TOKEN_PREFIX,
  type IdentityDeps,
  type InvitationLink,
  type InvitationAcceptor,
  type NewMember,
  type ScopeType,
} from './identity.service.ts';
export { InvitationLinkDto, PendingInvitationDto, InvitationIdParam } from './identity.schemas.ts';
export { installAuthHook, bearerToken, actingPartnerId, SESSION_COOKIE, type MemoryPrincipals } from './auth-hook.ts';
export { registerIdentityRoutes } from './identity.routes.ts';
export { identityErrors } from './identity.errors.ts';
