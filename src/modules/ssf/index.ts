/**
 * OpenID Shared Signals (SSF 1.0) transmitter with CAEP 1.0 events: partner apps learn of
 * revocations (break-glass, deprovisioning, consent withdrawn, secret rotated) by signed Security
 * Event Tokens pushed to their receiver (RFC 8935), without polling. Owns ssf_streams and
 * ssf_deliveries.
 */
export { SsfService, SSF_DELIVERY_ENTITY, type SsfDeps, type StreamInput, type AppRef } from './ssf.service.ts';
export { registerSsfRoutes, SSF_PATHS, SSF_SCOPE, type SsfRouteDeps } from './ssf.routes.ts';
export { securityEventRoutes, type SecurityEventsRouteDeps } from './security-events.routes.ts';
export { ssfErrors } from './ssf.errors.ts';
export { CAEP_EVENTS, CAEP_SESSION_REVOKED, CAEP_CREDENTIAL_CHANGE, CAEP_TOKEN_CLAIMS_CHANGE, SSF_VERIFICATION, PUSH_DELIVERY, EVENT_WORDS, signalsFor, type Lookups, type Signal, type SubjectId } from './caep.ts';
export { ssfRetryDelayMs, receiverError, SSF_MAX_ATTEMPTS } from './ssf-worker.ts';
