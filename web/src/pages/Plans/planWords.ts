/**
 * A plan's limits in words. Two of them Partnergate enforces as they are written: the
 * people who may join the customer, and the requests a day made for it through the API; any other
 * limit is the partner's own and shown by its name.
 * Also the words for a customer's type, identity check and subscription states.
 */
import type { IntlShape } from 'react-intl';
import type { Segment } from '../../api/plans.ts';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  users: { id: 'plans.limit.users', defaultMessage: '{count, plural, one {# person} other {# people}} in the organization' },
  apiRequests: { id: 'plans.limit.api_requests_per_day', defaultMessage: "{count, plural, one {# request} other {# requests}} a day through the API, yours and your partners' together" },
  other: { id: 'plans.limit.other', defaultMessage: '{value} {name}' },
});

export function limitInWords(intl: IntlShape, key: string, value: number): string {
  if (key === 'users') return intl.formatMessage(m.users, { count: value });
  if (key === 'api_requests_per_day') return intl.formatMessage(m.apiRequests, { count: value });
  return intl.formatMessage(m.other, { value: intl.formatNumber(value), name: key.replaceAll('_', ' ') });
}

export function featureInWords(key: string): string {
  return key.replaceAll('_', ' ').replaceAll('.', ' ');
}

const segmentMessages = defineMessages({
  basic: { id: 'plans.segment.basic', defaultMessage: 'Individual (basic)' },
  company: { id: 'plans.segment.company', defaultMessage: 'Company' },
  advanced: { id: 'plans.segment.advanced', defaultMessage: 'Advanced' },
});

export const SEGMENTS = Object.keys(segmentMessages) as Segment[];

/** A customer's type in words. */
export function segmentLabel(intl: IntlShape, s: Segment): string {
  return s in segmentMessages ? intl.formatMessage(segmentMessages[s]) : s;
}

const kycMessages = defineMessages({
  guest: { id: 'plans.kyc_status.guest', defaultMessage: 'Not verified' },
  pending: { id: 'plans.kyc_status.pending', defaultMessage: 'Waiting for review' },
  verified: { id: 'plans.kyc_status.verified', defaultMessage: 'Verified' },
  rejected: { id: 'plans.kyc_status.rejected', defaultMessage: 'Rejected' },
});

/** An identity check's state in words; an unknown one reads as it came. */
export function kycLabel(intl: IntlShape, status: string): string {
  const key = status === 'submitted' ? 'pending' : status;
  return key in kycMessages ? intl.formatMessage(kycMessages[key as keyof typeof kycMessages]) : status;
}

const subscriptionMessages = defineMessages({
  signing: { id: 'plans.subscription_status.signing', defaultMessage: 'Waiting for signature' },
  signed: { id: 'plans.subscription_status.signed', defaultMessage: 'Signed, starting soon' },
  active: { id: 'plans.subscription_status.active', defaultMessage: 'Active' },
  suspended: { id: 'plans.subscription_status.suspended', defaultMessage: 'Suspended' },
  cancelled: { id: 'plans.subscription_status.cancelled', defaultMessage: 'Cancelled' },
});

/** A subscription's state in words; an unknown one reads as it came. */
export function subscriptionLabel(intl: IntlShape, status: string): string {
  return status in subscriptionMessages ? intl.formatMessage(subscriptionMessages[status as keyof typeof subscriptionMessages]) : status;
}
