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
export { authGuards, bearerToken, actingPartnerId, SESSION_COOKIE, type MemoryPrincipals, type Audience, type AuthGuards } from './auth-hook.ts';
export { identityRoutes } from './identity.routes.ts';
export { mfaRoutes } from './mfa.routes.ts';
export { identityErrors } from './identity.errors.ts';
/** The identity tables are queried only here: other modules ask through these functions. */
export * as identityQueries from './identity.repo.ts';
export * as peopleLookups from './people-lookups.repo.ts';
export { localePreferencesOf, type LocalePreferences } from './locale-reads.ts';
