import { describe, expect, it } from 'vitest';
import { eligibility, KYC_STATES, SEGMENTS, type EligibilityInput, type KycState, type Segment } from './eligibility.ts';

const forCompanies = { segments: ['company', 'advanced'], status: 'active' as const };
const offered = { status: 'offered' as const };

/** segment × KYC state × plan → allowed or the exact refusal code */
const cases: [string, Segment, KycState, EligibilityInput['plan'], EligibilityInput['offer'], string][] = [];
for (const segment of SEGMENTS) {
  for (const kyc of KYC_STATES) {
    const expected = kyc === 'guest' ? 'kyc_required' : kyc === 'pending' ? 'kyc_pending' : kyc === 'rejected' ? 'kyc_rejected' : segment === 'basic' ? 'segment_not_eligible' : 'allowed';
    cases.push([`${segment}/${kyc} on a company plan`, segment, kyc, forCompanies, offered, expected]);
  }
}
cases.push(
  ['verified basic on a basic plan', 'basic', 'verified', { segments: ['basic'], status: 'active' }, offered, 'allowed'],
  ['plan the operator does not allow', 'company', 'verified', forCompanies, null, 'plan_not_offered'],
  ['plan allowed but not offered by the partner', 'company', 'verified', forCompanies, { status: 'allowed' }, 'plan_not_offered'],
  ['offer revoked by the operator', 'company', 'verified', forCompanies, { status: 'revoked' }, 'plan_not_offered'],
  ['retired plan', 'company', 'verified', { segments: ['company'], status: 'retired' }, offered, 'plan_retired'],
  ['guest on a plan not offered: the offer is said first', 'basic', 'guest', forCompanies, null, 'plan_not_offered'],
  ['plan for no segment', 'advanced', 'verified', { segments: [], status: 'active' }, offered, 'segment_not_eligible'],
);

describe('eligibility', () => {
  it.each(cases)('%s', (_name, segment, kycStatus, plan, offer, expected) => {
    const r = eligibility({ customer: { segment, kycStatus }, plan, offer });
    expect(r.allowed ? 'allowed' : r.code).toBe(expected);
    if (!r.allowed) expect(r.reason.length).toBeGreaterThan(10);
  });
});
