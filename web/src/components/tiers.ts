/**
 * A customer's tier in words. The tiers Partnergate itself gives a customer (standard when none is chosen,
 * business and enterprise in the demo and the program, resold and wholesale for a partner's own customers)
 * are words in the reader's language; a tier an operator typed for a customer is shown as written.
 */
import { defineMessages, type Message } from '../i18n/define.ts';
import { say } from './format.ts';

const TIERS: Record<string, Message> = defineMessages({
  standard: { id: 'components.tier.standard', defaultMessage: 'Standard' },
  business: { id: 'components.tier.business', defaultMessage: 'Business' },
  enterprise: { id: 'components.tier.enterprise', defaultMessage: 'Enterprise' },
  resold: { id: 'components.tier.resold', defaultMessage: 'Resold' },
  wholesale: { id: 'components.tier.wholesale', defaultMessage: 'Wholesale' },
});

/** "standard" → "Standard" (fr "Standard", de "Standard"), "enterprise" → "Grand compte" in French; "gold" stays "gold"; none: a dash. */
export function tierLabel(tier: string | null | undefined): string {
  if (!tier) return '—';
  return Object.hasOwn(TIERS, tier) ? say(TIERS[tier]) : tier;
}
