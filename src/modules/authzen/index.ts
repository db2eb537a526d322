/**
 * OpenID AuthZEN Authorization API 1.0: Partnergate as a policy decision point any AuthZEN
 * policy enforcement point can ask — evaluation, evaluations (batch), subject / resource /
 * action search and the PDP metadata — answered by the decision engine (modules/authz) from
 * its in-memory snapshot. Owns no table.
 */
export { AuthzenService, PDP_SCOPE, SUBJECT_TYPES, RESOURCE_TYPES, EVALUATIONS_SEMANTICS, toResponse, type AuthzenDeps, type Caller, type EvaluationRequest, type EvaluationResponse, type EvaluationsRequest, type SearchRequest, type Entity, type Reach, type PersonReach } from './authzen.service.ts';
export { registerAuthzenRoutes, AUTHZEN_PATHS, type AuthzenRouteDeps, type VerifyToken } from './authzen.routes.ts';
export { authzenErrors } from './authzen.errors.ts';
export { reachRoutes, type ReachRouteDeps } from './reach.routes.ts';
