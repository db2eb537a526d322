/**
 * Shorter lifetimes for tokens that act across tenants (a partner app on a customer's
 * delegation), per partner (the operator's) and per customer (its own), independent of first-party
 * tokens. Owns cross_tenant_token_policies; the authorization server asks TokenLifetimes.ttl().
 */
export { TokenLifetimes, TOKEN_POLICY_ENTITY, type TokenLifetimesDeps, type LifetimeView } from './tokenpolicy.service.ts';
export { tokenLifetimeRoutes } from './tokenpolicy.routes.ts';
export { effectiveLifetime, lifetimeWords, type LifetimePolicy, type TokenKind } from './lifetimes.ts';
