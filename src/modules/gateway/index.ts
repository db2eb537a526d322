/**
 * The gateway: enforcement pipeline (verify the access token locally, live checks against the
 * decision snapshot, decide, rate-limit, audit), reverse proxy with signed identity headers, and
 * the forward-auth endpoint for NGINX / Traefik / Envoy.
 */
export { GatewayService, bearerChallenge, type GatewayDeps, type GatewayRequest, type GatewayState, type Admitted, type LiveTokenState } from './gateway.service.ts';
export { AccessTokenVerifier, ALLOWED_ALGS, type AccessTokenClaims, type VerifiedToken, type JsonWebKeySet, type TokenCheck } from './access-token.ts';
export { signAssertion, verifyAssertion, deriveAssertionKey, identityHeaderValues, IDENTITY_HEADERS, ASSERTION_HEADER, IDENTITY_HEADER_PREFIX, type GatewayIdentity, type AssertionCheck } from './assertion.ts';
export { installGateway, createGatewayService, buildRouteTable, upstreamAuthenticator, RESOURCES_PREFIX, type InstallGatewayDeps } from './gateway.install.ts';
export { AppStatusIndex } from './app-index.ts';
export { RouteTable, joinPath, type GatewayRule, type UpstreamTarget, type RouteMatch } from './route-table.ts';
export { UpstreamPools, forwardableHeaders } from './proxy.ts';
export { gatewayErrors } from './gateway.errors.ts';
