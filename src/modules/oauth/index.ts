/**
 * The OAuth 2 / OpenID Connect authorization server (oidc-provider inside Partnergate).
 *
 * For the gateway: `services.oauth.keys` is the key store (publicJwks(), getKey(kid), list(),
 * reload()), `services.oauth.verifier.verify(token, audience?)` verifies an access token locally
 * (no database), `services.oauth.audience` is the resource indicator of the gateway and
 * `gatewayAudience(config)` computes it from configuration.
 */
export { OAuthService, type OAuthDeps, type Liveness } from './oauth.service.ts';
export { SigningKeys, generateKey, MANAGED_ALGS, SIGNING_KEY_ENTITY, type ManagedAlg, type PublicKeyInfo, type SigningAlg } from './signing-keys.ts';
export { AccessTokenVerifier, type AccessTokenClaims, type VerifiedToken } from './token-verifier.ts';
export { oauthRoutes, oauthTokenFront, providerPath, type OAuthRoutes } from './oauth.routes.ts';
export { gatewayAudience, issuerOf, OAUTH_MOUNT, protectedResourceMetadataUrl, DPOP_SIGNING_ALGS } from './provider.ts';
export { oauthErrors } from './oauth.errors.ts';
/** The consent pages' look, for pages of the same origin (the demo's sample partner app). */
export { esc, STYLESHEET_PATH } from './interaction-views.ts';
export { PAGE_CSP } from './provider.ts';
export type { PartnergateClaims, Persona } from './claims.ts';
