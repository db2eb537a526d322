/**
 * Delegations module: link lifecycle (request → approve/reject → revoke/renew/expire), break-glass,
 * invite codes, and `createDelegation(trx, ctx, …)` for the consent (OAuth) and wholesale origins.
 */
export {
  DelegationsService,
  ORIGIN_CAPABILITY,
  toDelegationDto,
  parseOverrides,
  generateInviteCode,
  type CreateDelegationInput,
  type DelegationsDeps,
  type Overrides,
  type Side,
  type RevokeBy,
  type DelegationRow,
  type DelegationView,
  type DelegationStatus,
  type DelegationOrigin,
} from './delegations.service.ts';
export { delegationErrors } from './delegations.errors.ts';
export { DelegationPurposeIndex, parsePurposes } from './delegation-purposes.ts';
export { delegationRoutes, type DelegationRouteDeps } from './delegations.routes.ts';
export { ActivationsService, DEFAULT_JIT_SETTINGS, hasEligible, privilegedOn, type JitSettings, type ActivationsDeps, type EventSink, type SecondFactorCheck } from './activations.ts';
export { LifecycleSweep, NOTICE_THRESHOLDS_DAYS } from './lifecycle-sweep.ts';
export { activationRoutes, type ActivationRouteDeps } from './activations.routes.ts';
export { activationErrors } from './activations.errors.ts';
/** The delegation tables are queried only here: other modules ask through these functions. */
export * as delegationQueries from './delegations.repo.ts';
export * as delegationViews from './delegation-views.ts';
export { countWaitingLinkRequests } from './waiting-requests.ts';
export { listConnectedApps, type ConnectedAppRow } from './connected-apps.ts';
export { seedDemoTwoTier } from './two-tier.demo.ts';
export { DistributorAccess, type PartnerChain, type ResellerLink } from './distributor-access.ts';
export { distributorAccessRoutes } from './distributor-access.routes.ts';
export { LinkLimitsService, type LinkLimits } from './link-limits.service.ts';
export { linkLimitsRoutes } from './link-limits.routes.ts';
