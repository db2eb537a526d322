/**
 * Plans and subscriptions: the operator's plan catalog, partner offers, customer
 * segments and KYC, and the subscription lifecycle enforced at the gateway.
 */
export { PlansService, TRANSITIONS, KYC_MAX_DOCUMENT_BYTES, KYC_CONTENT_TYPES, type PlansDeps, type PlanInput, type KycInput, type SubscriptionAction } from './plans.service.ts';
export { planRoutes } from './plans.routes.ts';
export { planErrors } from './plans.errors.ts';
export { eligibility, SEGMENTS, KYC_STATES, type Segment, type KycState, type Eligibility } from './eligibility.ts';
