/**
 * The gateway: enforcement pipeline (verify the access token locally, live checks against the
 * decision snapshot, decide, rate-limit, audit), reverse proxy with signed identity headers, and
 * the forward-auth endpoint for NGINX / Traefik / Envoy.
 */
export { GatewayService, bearerChallenge, type GatewayDeps, type GatewayRequest, type GatewayState, type Admitted, type LiveTokenState } from './gateway.service.ts';
export { AccessTokenVerifier, ALLOWED_ALGS, type AccessTokenClaims, type VerifiedToken, type JsonWebKeySet, type TokenCheck } from './access-token.ts';
export {
  signAssertion,
  verifyAssertion,
  writeSignedIdentity,
  checkBody,
  contentSha256,
  declaredContentSha256,
  deriveAssertionKey,
  defaultAssertionSecret,
  deriveUpstreamKey,
  formatUpstreamKey,
  parseUpstreamKey,
  identityHeaderValues,
  IDENTITY_HEADERS,
  ASSERTION_HEADER,
  CONTENT_SHA256_HEADER,
  UNSIGNED_PAYLOAD,
  IDENTITY_HEADER_PREFIX,
  type GatewayIdentity,
  type AssertionCheck,
  type BodyCheck,
} from './assertion.ts';
export { installGateway, createGatewayService, buildRouteTable, upstreamAuthenticator, upstreamKeyFor, assertionSecretOf, referenceBodyCheck, RESOURCES_PREFIX, type InstallGatewayDeps } from './gateway.install.ts';
export { AppStatusIndex } from './app-index.ts';
export { RouteTable, joinPath, type GatewayRule, type UpstreamTarget, type RouteMatch } from './route-table.ts';
export { UpstreamPools, forwardableHeaders, appendForwardedHeaders, relayResponse, isHopByHopHeader, type HeaderList } from './proxy.ts';
export { gatewayErrors } from './gateway.errors.ts';
export { providerForwarder, type ProviderForwarder, type ProviderWrite, type ProviderAnswer } from './provider-writes.ts';
export { RedisDpopReplayCache, DpopReplayCache, type DpopReplayStore } from './dpop.ts';
export { partnerAdmission, partnerPlaneAdmission, type PartnerAdmissionDeps } from './partner-admission.ts';
