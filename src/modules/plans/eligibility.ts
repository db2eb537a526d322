/**
 * Which plans a customer may subscribe to (subscription and service plan control): a pure
 * decision over the customer's segment and KYC state, the plan and the partner's offer of it.
 * The order of the checks is the order a customer would fix things in: the partner must offer
 * the plan, the customer must be verified (a guest completes KYC first), and the plan must be for
 * the customer's segment.
 */
export const SEGMENTS = ['basic', 'company', 'advanced'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const KYC_STATES = ['guest', 'pending', 'verified', 'rejected'] as const;
export type KycState = (typeof KYC_STATES)[number];

export type EligibilityRefusal = 'plan_not_offered' | 'plan_retired' | 'kyc_required' | 'kyc_pending' | 'kyc_rejected' | 'segment_not_eligible';
export type Eligibility = { allowed: true } | { allowed: false; code: EligibilityRefusal; reason: string };

export interface EligibilityInput {
  customer: { segment: Segment; kycStatus: KycState };
  plan: { segments: readonly string[]; status: 'active' | 'retired' };
  /** the partner's offer of the plan; null when the operator does not allow it */
  offer: { status: 'allowed' | 'offered' | 'revoked' } | null;
}

const SEGMENT_WORDS: Record<Segment, string> = { basic: 'individual customers', company: 'companies', advanced: 'advanced customers' };

export function eligibility(i: EligibilityInput): Eligibility {
  if (i.offer === null || i.offer.status !== 'offered') return { allowed: false, code: 'plan_not_offered', reason: 'Your provider does not offer this plan.' };
  if (i.plan.status !== 'active') return { allowed: false, code: 'plan_retired', reason: 'This plan is no longer available.' };
  switch (i.customer.kycStatus) {
    case 'guest':
      return { allowed: false, code: 'kyc_required', reason: 'Verify your identity or company first.' };
    case 'pending':
      return { allowed: false, code: 'kyc_pending', reason: 'Your verification is waiting for review.' };
    case 'rejected':
      return { allowed: false, code: 'kyc_rejected', reason: 'Your verification was rejected; send it again with the corrections asked for.' };
    case 'verified':
      break;
  }
  if (!i.plan.segments.includes(i.customer.segment)) {
    const forWhom = i.plan.segments.filter((s): s is Segment => (SEGMENTS as readonly string[]).includes(s)).map((s) => SEGMENT_WORDS[s]);
    return { allowed: false, code: 'segment_not_eligible', reason: `This plan is for ${forWhom.join(' and ') || 'other customers'} only.` };
  }
  return { allowed: true };
}
